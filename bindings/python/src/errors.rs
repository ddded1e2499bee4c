//! The exception hierarchy, defined here so every error is a real class with structured
//! attributes: `code`, `message`, `source_name`, `rule`, `line`, `column`.
//!
//! No message ever contains scanned text: the core's errors name packs, rules and positions
//! only, and the errors raised here name configuration (paths, action names), never input.

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::PyType;
use scrubline::ErrorKind;

create_exception!(scrubline, ScrublineError, PyException, "Base class of every scrubline error.");
create_exception!(scrubline, PatternError, ScrublineError, "A rule's regex does not compile or is too large.");
create_exception!(
    scrubline,
    PackError,
    ScrublineError,
    "A pack is malformed (bad TOML, a missing or invalid field, a duplicate id) or unreadable."
);
create_exception!(
    scrubline,
    PolicyError,
    ScrublineError,
    "Options or a policy are invalid or name an unknown rule, type, category or action."
);
create_exception!(scrubline, InputError, ScrublineError, "Input was refused (a limit was exceeded).");
create_exception!(scrubline, VaultError, ScrublineError, "A vault could not be read, written or decrypted.");

pub(crate) fn register(py: Python<'_>, m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("ScrublineError", py.get_type::<ScrublineError>())?;
    m.add("PatternError", py.get_type::<PatternError>())?;
    m.add("PackError", py.get_type::<PackError>())?;
    m.add("PolicyError", py.get_type::<PolicyError>())?;
    m.add("InputError", py.get_type::<InputError>())?;
    m.add("VaultError", py.get_type::<VaultError>())?;
    Ok(())
}

/// Runs engine work `f` (with the GIL released when `detach`), turning a panic into a
/// `ScrublineError` with code `SCRUBLINE_INTERNAL` instead of unwinding into Python. The panic's
/// message is not used: it could describe the input.
pub(crate) fn engine<T: Send>(py: Python<'_>, detach: bool, f: impl FnOnce() -> T + Send) -> PyResult<T> {
    let run = || std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    let result = if detach { py.detach(run) } else { run() };
    result.map_err(|_| internal())
}

/// The error raised for a bug in scrubline (a caught panic).
pub(crate) fn internal() -> PyErr {
    Python::attach(|py| {
        let err = PyErr::from_type(
            py.get_type::<ScrublineError>(),
            "internal error in scrubline (a bug; no input is shown): please report it",
        );
        let value = err.value(py);
        let _ = value.setattr("code", "SCRUBLINE_INTERNAL");
        let _ = value.setattr("message", "internal error");
        for attr in ["source_name", "rule", "line", "column"] {
            let _ = value.setattr(attr, py.None());
        }
        err
    })
}

/// Where an error is, for the structured attributes.
#[derive(Default)]
pub(crate) struct Location<'a> {
    pub source_name: Option<&'a str>,
    pub rule: Option<&'a str>,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

/// Maps a core error to its exception class, keeping every structured field.
pub(crate) fn to_py_err(e: &scrubline::Error) -> PyErr {
    let loc = Location { source_name: e.source_name(), rule: e.rule(), line: e.line(), column: e.column() };
    new_err(e.kind(), &e.to_string(), e.message(), loc)
}

/// An exception of `kind`'s class: `display` is `str(exc)`, `message` the bare description.
pub(crate) fn new_err(kind: ErrorKind, display: &str, message: &str, loc: Location<'_>) -> PyErr {
    Python::attach(|py| {
        let ty: Bound<'_, PyType> = match kind {
            ErrorKind::Pattern => py.get_type::<PatternError>(),
            ErrorKind::Pack => py.get_type::<PackError>(),
            ErrorKind::Policy => py.get_type::<PolicyError>(),
            ErrorKind::Input => py.get_type::<InputError>(),
            ErrorKind::Vault => py.get_type::<VaultError>(),
            _ => py.get_type::<ScrublineError>(),
        };
        let err = PyErr::from_type(ty, display.to_string());
        let value = err.value(py);
        // Setting attributes on a fresh exception instance cannot fail short of memory
        // exhaustion; the exception is still raised, with fewer attributes, if it does.
        let _ = value.setattr("code", format!("SCRUBLINE_{}", kind.code()));
        let _ = value.setattr("message", message);
        let _ = value.setattr("source_name", loc.source_name);
        let _ = value.setattr("rule", loc.rule);
        let _ = value.setattr("line", loc.line);
        let _ = value.setattr("column", loc.column);
        err
    })
}
