//! Work for the libuv thread pool (`napi_async_work`) and the batch helpers it shares with the
//! sync calls. On the async path the event loop only converts arguments and results. Byte input
//! is held by reference (so it stays alive) and copied on the worker thread before scanning, so
//! JavaScript writing to the buffer meanwhile cannot make the engine see bytes change under it.

use std::borrow::Cow;

use napi::bindgen_prelude::{Buffer, Either, Float64Array, Uint8Array};
use napi::{Env, Result, Task};
use rayon::prelude::*;
use scrubline::Scanner;

use crate::error::guard;
use crate::flat::{redact_flat, scan_flat, RuleIndex};
use crate::text::redact_bytes;

/// One input of any kind: a string or UTF-8 bytes.
pub type Input = Either<String, Uint8Array>;
/// One redacted output, or `None` when the input is unchanged (the JS layer returns the input).
pub type Redacted = Option<Either<String, Vec<u8>>>;

/// Redacts one input; bytes are read in place (callers copy first where they must).
pub fn redact_one(scanner: &Scanner, input: Either<&str, &[u8]>) -> Redacted {
    match input {
        Either::A(text) => match scanner.redact(text) {
            Cow::Borrowed(_) => None,
            Cow::Owned(s) => Some(Either::A(s)),
        },
        Either::B(bytes) => redact_bytes(scanner, bytes).map(Either::B),
    }
}

/// A private copy of bytes JavaScript still holds: the engine must not see them change while it
/// works (a change between UTF-8 validation and slicing would break `str` invariants).
fn snapshot(bytes: &[u8]) -> Vec<u8> {
    bytes.to_vec()
}

/// Runs `f` on an input's text or bytes; bytes are first copied when `copy` is set.
fn with_input<T>(input: &Input, copy: bool, f: impl FnOnce(Either<&str, &[u8]>) -> T) -> T {
    match input {
        Either::A(s) => f(Either::A(s)),
        Either::B(b) if copy => {
            let owned = snapshot(b);
            f(Either::B(&owned))
        }
        Either::B(b) => f(Either::B(b)),
    }
}

/// Redacts a batch on all cores, preserving order.
pub fn redact_batch(scanner: &Scanner, inputs: &[Input], copy: bool) -> Vec<Redacted> {
    inputs.par_iter().map(|i| with_input(i, copy, |x| redact_one(scanner, x))).collect()
}

/// Scans a batch on all cores into one flat array: for each input, its finding count and then
/// its findings (see `flat.rs`).
pub fn scan_batch(scanner: &Scanner, index: &RuleIndex, inputs: &[Input], copy: bool) -> Vec<f64> {
    let per: Vec<Vec<f64>> = inputs
        .par_iter()
        .map(|i| {
            let mut v = vec![0.0];
            with_input(i, copy, |x| scan_flat(scanner, index, x, &mut v));
            let count = ((v.len() - 1) / crate::flat::STRIDE) as f64;
            if let Some(first) = v.first_mut() {
                *first = count;
            }
            v
        })
        .collect();
    per.concat()
}

/// A redacted output for JavaScript: bytes become a Buffer that takes the vector without a copy.
pub fn output_to_js(out: Redacted) -> Option<Either<String, Buffer>> {
    out.map(|o| match o {
        Either::A(s) => Either::A(s),
        Either::B(v) => Either::B(Buffer::from(v)),
    })
}

/// Batch results for JavaScript (large byte outputs are handed over without a copy).
pub fn batch_to_js(out: Vec<Redacted>) -> Vec<Option<Either<String, Buffer>>> {
    out.into_iter().map(output_to_js).collect()
}

/// `redactAsync` of one input.
pub struct RedactTask {
    pub scanner: Scanner,
    pub input: Input,
}

impl Task for RedactTask {
    type Output = Redacted;
    type JsValue = Option<Either<String, Buffer>>;

    fn compute(&mut self) -> Result<Self::Output> {
        let (scanner, input) = (&self.scanner, &self.input);
        guard(|| with_input(input, true, |x| redact_one(scanner, x)))
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> Result<Self::JsValue> {
        Ok(output_to_js(output))
    }
}

/// `scanAsync` of one input.
pub struct ScanTask {
    pub scanner: Scanner,
    pub index: RuleIndex,
    pub input: Input,
}

impl Task for ScanTask {
    type Output = Vec<f64>;
    type JsValue = Float64Array;

    fn compute(&mut self) -> Result<Self::Output> {
        let (scanner, index, input) = (&self.scanner, &self.index, &self.input);
        guard(|| {
            let mut out = Vec::new();
            with_input(input, true, |x| scan_flat(scanner, index, x, &mut out));
            out
        })
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> Result<Self::JsValue> {
        Ok(Float64Array::new(output))
    }
}

/// `redactBatchAsync`: the batch is spread over rayon's pool from one libuv worker.
pub struct RedactBatchTask {
    pub scanner: Scanner,
    pub inputs: Vec<Input>,
}

impl Task for RedactBatchTask {
    type Output = Vec<Redacted>;
    type JsValue = Vec<Option<Either<String, Buffer>>>;

    fn compute(&mut self) -> Result<Self::Output> {
        let (scanner, inputs) = (&self.scanner, &self.inputs);
        guard(|| redact_batch(scanner, inputs, true))
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> Result<Self::JsValue> {
        Ok(batch_to_js(output))
    }
}

/// `scanBatchAsync`.
pub struct ScanBatchTask {
    pub scanner: Scanner,
    pub index: RuleIndex,
    pub inputs: Vec<Input>,
}

impl Task for ScanBatchTask {
    type Output = Vec<f64>;
    type JsValue = Float64Array;

    fn compute(&mut self) -> Result<Self::Output> {
        let (scanner, index, inputs) = (&self.scanner, &self.index, &self.inputs);
        guard(|| scan_batch(scanner, index, inputs, true))
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> Result<Self::JsValue> {
        Ok(Float64Array::new(output))
    }
}

/// `redactWithFindingsAsync` of one input.
pub struct RedactWithFindingsTask {
    pub scanner: Scanner,
    pub index: RuleIndex,
    pub input: Input,
}

impl Task for RedactWithFindingsTask {
    type Output = (Redacted, Vec<f64>);
    type JsValue = (Option<Either<String, Buffer>>, Float64Array);

    fn compute(&mut self) -> Result<Self::Output> {
        let (scanner, index, input) = (&self.scanner, &self.index, &self.input);
        guard(|| {
            let mut flat = Vec::new();
            let out = with_input(input, true, |x| redact_flat(scanner, index, x, &mut flat));
            (out, flat)
        })
    }

    fn resolve(&mut self, _env: Env, (out, flat): Self::Output) -> Result<Self::JsValue> {
        Ok((output_to_js(out), Float64Array::new(flat)))
    }
}
