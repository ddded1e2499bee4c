//! Errors across the FFI: a native error's message is a marker plus a JSON object carrying the
//! stable code and the location fields; `errors.js` turns it into a typed `ScrublineError`.
//! No message ever includes scanned input (core guarantees the same for its own errors).

use std::panic::{catch_unwind, AssertUnwindSafe};

use napi::Status;

/// Prefix of every native scrubline error message; `errors.js` matches on it.
pub const MARKER: &str = "scrubline-error:";

/// A binding-side error: either from core or raised here (bad option, unknown action).
#[derive(Debug)]
pub struct BindingError {
    /// Stable code, e.g. `SCRUBLINE_PACK`.
    pub code: &'static str,
    pub message: String,
    pub source_name: Option<String>,
    pub rule: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl BindingError {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        BindingError { code, message: message.into(), source_name: None, rule: None, line: None, column: None }
    }

    pub fn policy(message: impl Into<String>) -> Self {
        BindingError::new("SCRUBLINE_POLICY", message)
    }

    /// A panic caught at the boundary: a bug, reported as an error instead of aborting Node.
    pub fn internal() -> Self {
        BindingError::new("SCRUBLINE_INTERNAL", "internal error in the scrubline engine (please report it)")
    }
}

fn code_of(kind: scrubline::ErrorKind) -> &'static str {
    match kind.code() {
        "PATTERN" => "SCRUBLINE_PATTERN",
        "PACK" => "SCRUBLINE_PACK",
        "POLICY" => "SCRUBLINE_POLICY",
        "INPUT" => "SCRUBLINE_INPUT",
        "VAULT" => "SCRUBLINE_VAULT",
        // A kind added to core later: still typed as a ScrublineError on the JS side.
        _ => "SCRUBLINE_ERROR",
    }
}

impl From<scrubline::Error> for BindingError {
    fn from(e: scrubline::Error) -> Self {
        BindingError {
            code: code_of(e.kind()),
            message: e.message().to_string(),
            source_name: e.source_name().map(str::to_string),
            rule: e.rule().map(str::to_string),
            line: e.line(),
            column: e.column(),
        }
    }
}

impl From<BindingError> for napi::Error {
    fn from(e: BindingError) -> Self {
        let payload = serde_json::json!({
            "code": e.code,
            "message": e.message,
            "sourceName": e.source_name,
            "rule": e.rule,
            "line": e.line,
            "column": e.column,
        });
        napi::Error::new(Status::GenericFailure, format!("{MARKER}{payload}"))
    }
}

/// Runs `f`, turning a panic into an error so that nothing unwinds into Node.
pub fn guard<T>(f: impl FnOnce() -> T) -> napi::Result<T> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|_| BindingError::internal().into())
}
