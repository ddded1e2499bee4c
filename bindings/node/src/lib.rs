//! Node.js binding of scrubline: a thin layer over the Rust core (conversion of inputs and
//! offsets, error mapping, thread-pool tasks). `index.js` wraps this native module with the
//! public API and typed errors; nothing here is called by users directly.
//!
//! Panics never cross into Node: every call into the engine runs under `error::guard`.

mod error;
mod extra;
mod flat;
mod options;
mod tasks;
mod text;
mod vault;

use std::borrow::Cow;
use std::sync::Once;

use napi::bindgen_prelude::{AsyncTask, Buffer, BufferSlice, Either, Float64ArraySlice};
use napi::Env;
use napi_derive::napi;

use crate::error::guard;
use crate::flat::RuleIndex;
use crate::options::NativeOptions;
use crate::tasks::{Input, RedactBatchTask, RedactTask, RedactWithFindingsTask, ScanBatchTask, ScanTask};
use crate::vault::NativeVault;

/// Replaces the default panic hook of this addon (its own copy of std) with one that prints
/// only the location: a panic message could quote the text being scanned.
fn quiet_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
            eprintln!("scrubline: internal error{at} (details withheld: they may quote input)");
        }));
    });
}

/// A rule of a built scanner, for listings.
#[napi(object, object_from_js = false)]
pub struct RuleInfo {
    pub id: String,
    pub name: String,
    #[napi(js_name = "type")]
    pub entity: String,
    pub category: &'static str,
    pub sensitivity: &'static str,
    pub pack: String,
}

/// A pack a scanner was built from.
#[napi(object, object_from_js = false)]
pub struct PackInfo {
    pub id: String,
    pub version: String,
    pub source: String,
}

/// Byte outputs up to this size are copied into a fresh Buffer; larger ones are handed over
/// without a copy (an external buffer, whose finalizer costs more than copying a small one).
const COPY_LIMIT: usize = 64 * 1024;

/// The native scanner. Immutable once built; async calls share it with worker threads.
#[napi(js_name = "NativeScanner")]
pub struct NativeScanner {
    inner: scrubline::Scanner,
    index: RuleIndex,
}

#[napi]
impl NativeScanner {
    /// Builds a scanner; throws a marked error (see `errors.js`) naming the pack, rule, line.
    #[napi(constructor)]
    pub fn new(options: Option<NativeOptions>) -> napi::Result<Self> {
        quiet_panics();
        let inner = guard(|| options::build(options))??;
        let index = flat::rule_index(&inner);
        Ok(NativeScanner { inner, index })
    }

    /// Redacted string, or `null` when nothing changed.
    #[napi]
    pub fn redact_string(&self, text: String) -> napi::Result<Option<String>> {
        guard(|| match self.inner.redact(&text) {
            Cow::Borrowed(_) => None,
            Cow::Owned(s) => Some(s),
        })
    }

    /// Redacted bytes as a new Buffer, or `null` when nothing changed.
    #[napi(ts_return_type = "Buffer | null")]
    pub fn redact_bytes<'env>(&self, env: &'env Env, bytes: &[u8]) -> napi::Result<Option<JsBytes<'env>>> {
        let out = guard(|| text::redact_bytes(&self.inner, bytes))?;
        out.map(|v| bytes_to_js(env, v)).transpose()
    }

    /// `[redacted string or null, flat findings or null]` from one scan (UTF-16 offsets).
    #[napi(ts_return_type = "[string | null, Float64Array | null]")]
    pub fn redact_string_with_findings<'env>(
        &self,
        env: &'env Env,
        text: String,
    ) -> napi::Result<(Option<String>, Option<Float64ArraySlice<'env>>)> {
        let (out, flat) = self.redact_flat(Either::A(&text))?;
        let out = out.and_then(|o| match o {
            Either::A(s) => Some(s),
            Either::B(_) => None,
        });
        Ok((out, flat_to_js(env, flat)?))
    }

    /// `[redacted Buffer or null, flat findings or null]` from one scan (byte offsets).
    #[napi(ts_return_type = "[Buffer | null, Float64Array | null]")]
    pub fn redact_bytes_with_findings<'env>(
        &self,
        env: &'env Env,
        bytes: &[u8],
    ) -> napi::Result<(Option<JsBytes<'env>>, Option<Float64ArraySlice<'env>>)> {
        let (out, flat) = self.redact_flat(Either::B(bytes))?;
        let out = match out {
            Some(Either::B(v)) => Some(bytes_to_js(env, v)?),
            _ => None,
        };
        Ok((out, flat_to_js(env, flat)?))
    }

    /// `redactString/BytesWithFindings` on the libuv pool.
    #[napi(
        ts_args_type = "input: string | Uint8Array",
        ts_return_type = "Promise<[string | Buffer | null, Float64Array]>"
    )]
    pub fn redact_with_findings_async(&self, input: Input) -> AsyncTask<RedactWithFindingsTask> {
        AsyncTask::new(RedactWithFindingsTask { scanner: self.inner.clone(), index: self.index.clone(), input })
    }

    /// Tokenized string (placeholders from `vault`), or `null` when nothing changed.
    #[napi]
    pub fn tokenize(&self, text: String, vault: &NativeVault) -> napi::Result<Option<String>> {
        guard(|| owned(self.inner.tokenize(&text, &vault.inner)))
    }

    /// A model's answer: new values tokenized into `vault`, known placeholders restored; `null`
    /// when nothing changed.
    #[napi]
    pub fn redact_output(&self, text: String, vault: &NativeVault) -> napi::Result<Option<String>> {
        guard(|| owned(self.inner.redact_output(&text, &vault.inner)))
    }

    /// Findings of a string, flat (see flat.rs), UTF-16 offsets; `null` when none.
    #[napi]
    pub fn scan_string<'env>(&self, env: &'env Env, text: String) -> napi::Result<Option<Float64ArraySlice<'env>>> {
        self.scan_flat(env, Either::A(&text))
    }

    /// Findings of bytes, flat, byte offsets; `null` when none.
    #[napi]
    pub fn scan_bytes<'env>(&self, env: &'env Env, bytes: &[u8]) -> napi::Result<Option<Float64ArraySlice<'env>>> {
        self.scan_flat(env, Either::B(bytes))
    }

    /// Redacts every input on all cores; `null` entries are unchanged inputs.
    #[napi(ts_args_type = "inputs: Array<string | Uint8Array>", ts_return_type = "Array<string | Buffer | null>")]
    pub fn redact_batch(&self, inputs: Vec<Input>) -> napi::Result<Vec<Option<Either<String, Buffer>>>> {
        guard(|| tasks::batch_to_js(tasks::redact_batch(&self.inner, &inputs, false)))
    }

    /// Scans every input on all cores: per input, its count then its flat findings.
    #[napi(ts_args_type = "inputs: Array<string | Uint8Array>")]
    pub fn scan_batch<'env>(&self, env: &'env Env, inputs: Vec<Input>) -> napi::Result<Float64ArraySlice<'env>> {
        let flat = guard(|| tasks::scan_batch(&self.inner, &self.index, &inputs, false))?;
        Float64ArraySlice::copy_from(env, flat)
    }

    /// `redactString`/`redactBytes` on the libuv pool.
    #[napi(ts_args_type = "input: string | Uint8Array", ts_return_type = "Promise<string | Buffer | null>")]
    pub fn redact_async(&self, input: Input) -> AsyncTask<RedactTask> {
        AsyncTask::new(RedactTask { scanner: self.inner.clone(), input })
    }

    /// `scanString`/`scanBytes` on the libuv pool.
    #[napi(ts_args_type = "input: string | Uint8Array", ts_return_type = "Promise<Float64Array>")]
    pub fn scan_async(&self, input: Input) -> AsyncTask<ScanTask> {
        AsyncTask::new(ScanTask { scanner: self.inner.clone(), index: self.index.clone(), input })
    }

    /// `redactBatch` on the libuv pool (and rayon's).
    #[napi(
        ts_args_type = "inputs: Array<string | Uint8Array>",
        ts_return_type = "Promise<Array<string | Buffer | null>>"
    )]
    pub fn redact_batch_async(&self, inputs: Vec<Input>) -> AsyncTask<RedactBatchTask> {
        AsyncTask::new(RedactBatchTask { scanner: self.inner.clone(), inputs })
    }

    /// `scanBatch` on the libuv pool (and rayon's).
    #[napi(ts_args_type = "inputs: Array<string | Uint8Array>", ts_return_type = "Promise<Float64Array>")]
    pub fn scan_batch_async(&self, inputs: Vec<Input>) -> AsyncTask<ScanBatchTask> {
        AsyncTask::new(ScanBatchTask { scanner: self.inner.clone(), index: self.index.clone(), inputs })
    }

    /// The active rules, in the order the flat findings' rule index refers to.
    #[napi]
    pub fn rules(&self) -> Vec<RuleInfo> {
        self.inner
            .rules()
            .map(|r| RuleInfo {
                id: r.id.clone(),
                name: r.name.clone(),
                entity: r.entity.clone(),
                category: r.category.as_str(),
                sensitivity: r.sensitivity.as_str(),
                pack: r.pack.clone(),
            })
            .collect()
    }

    /// The packs this scanner was built from.
    #[napi]
    pub fn packs(&self) -> Vec<PackInfo> {
        self.inner
            .packs()
            .iter()
            .map(|p| PackInfo { id: p.id.clone(), version: p.version.clone(), source: p.source.clone() })
            .collect()
    }
}

/// The changed string, or `None` when the input came back unchanged.
fn owned(out: Cow<'_, str>) -> Option<String> {
    match out {
        Cow::Borrowed(_) => None,
        Cow::Owned(s) => Some(s),
    }
}

/// A Buffer made for JavaScript: a copy, or a vector handed over.
type JsBytes<'env> = Either<BufferSlice<'env>, Buffer>;

/// A byte output for JavaScript: small ones copied into a fresh Buffer, large ones handed over.
fn bytes_to_js(env: &Env, v: Vec<u8>) -> napi::Result<JsBytes<'_>> {
    if v.len() <= COPY_LIMIT {
        BufferSlice::copy_from(env, v).map(Either::A)
    } else {
        Ok(Either::B(Buffer::from(v)))
    }
}

/// Flat findings for JavaScript, `None` when there are none.
fn flat_to_js(env: &Env, flat: Vec<f64>) -> napi::Result<Option<Float64ArraySlice<'_>>> {
    if flat.is_empty() {
        return Ok(None);
    }
    Float64ArraySlice::copy_from(env, flat).map(Some)
}

impl NativeScanner {
    fn redact_flat(&self, input: Either<&str, &[u8]>) -> napi::Result<(tasks::Redacted, Vec<f64>)> {
        guard(|| {
            let mut flat = Vec::new();
            let out = flat::redact_flat(&self.inner, &self.index, input, &mut flat);
            (out, flat)
        })
    }

    fn scan_flat<'env>(
        &self,
        env: &'env Env,
        input: Either<&str, &[u8]>,
    ) -> napi::Result<Option<Float64ArraySlice<'env>>> {
        let flat = guard(|| {
            let mut out = Vec::new();
            flat::scan_flat(&self.inner, &self.index, input, &mut out);
            out
        })?;
        flat_to_js(env, flat)
    }
}

/// UTF-16 length of a string as the offset conversion computes it (used by the tests).
#[napi]
pub fn utf16_length(text: String) -> f64 {
    text::utf16_len(text.as_bytes()) as f64
}
