//! Findings cross the FFI as one flat `Float64Array` — `[rule index, start, end, confidence]`
//! per finding — and `index.js` builds the `Finding` objects from it with the rule names it
//! cached once per scanner. One typed array is far cheaper than an object with seven named
//! properties per finding made through Node-API.

use std::collections::HashMap;
use std::sync::Arc;

use napi::bindgen_prelude::Either;
use scrubline::{Finding, Scanner};

use crate::text::{redact_bytes_with_findings, redact_utf16_with_findings, scan_bytes, scan_utf16};

/// Numbers per finding in the flat form.
pub const STRIDE: usize = 4;

/// Rule id -> position in `Scanner::rules()` (the order `NativeScanner.rules()` returns).
pub type RuleIndex = Arc<HashMap<String, u32>>;

pub fn rule_index(scanner: &Scanner) -> RuleIndex {
    Arc::new(scanner.rules().enumerate().map(|(i, r)| (r.id.clone(), i as u32)).collect())
}

fn push(out: &mut Vec<f64>, index: &HashMap<String, u32>, f: &Finding<'_>, start: usize, end: usize) {
    // Every finding comes from an active rule, so the lookup cannot miss; -1 would make
    // index.js fail loudly rather than mislabel.
    let rule = index.get(f.rule).map_or(-1.0, |&i| f64::from(i));
    // Round through 6 decimals so 0.9f32 reads 0.9 in JavaScript, not 0.8999999761581421.
    let confidence = (f64::from(f.confidence) * 1e6).round() / 1e6;
    out.extend_from_slice(&[rule, start as f64, end as f64, confidence]);
}

/// Findings of one input, flat: UTF-16 offsets for a string, byte offsets for bytes.
pub fn scan_flat(scanner: &Scanner, index: &HashMap<String, u32>, input: Either<&str, &[u8]>, out: &mut Vec<f64>) {
    match input {
        Either::A(text) => scan_utf16(scanner, text, |f, s, e| push(out, index, f, s, e)),
        Either::B(bytes) => scan_bytes(scanner, bytes, |f, s, e| push(out, index, f, s, e)),
    }
}

/// Redacts one input and writes its findings, flat, from the same scan. `None` when unchanged.
pub fn redact_flat(
    scanner: &Scanner,
    index: &HashMap<String, u32>,
    input: Either<&str, &[u8]>,
    out: &mut Vec<f64>,
) -> Option<Either<String, Vec<u8>>> {
    match input {
        Either::A(text) => {
            redact_utf16_with_findings(scanner, text, |f, s, e| push(out, index, f, s, e)).map(Either::A)
        }
        Either::B(bytes) => {
            redact_bytes_with_findings(scanner, bytes, |f, s, e| push(out, index, f, s, e)).map(Either::B)
        }
    }
}
