//! Python binding of scrubline: `import scrubline`.
//!
//! Thin by design: it converts types and offsets, maps errors and handles the GIL. Detection,
//! actions and batching live in the `scrubline` crate.

mod arrow;
mod errors;
mod extra;
mod finding;
mod scanner;
mod text;
mod vault;

use std::sync::OnceLock;

use pyo3::prelude::*;
use pyo3::types::{PyList, PyString};

use crate::errors::to_py_err;
use crate::finding::{findings_to_py, Finding};
use crate::scanner::Scanner;

/// Inputs above this size are scanned with the GIL released; below it, releasing and
/// re-acquiring the GIL costs more than the scan itself.
pub(crate) const RELEASE_GIL_ABOVE: usize = 64 * 1024;

/// The scanner behind the module-level `redact` and `scan`: the embedded default packs with
/// default options, built on first use.
static DEFAULT: OnceLock<Result<scrubline::Scanner, scrubline::Error>> = OnceLock::new();

pub(crate) fn default_scanner(py: Python<'_>) -> PyResult<&'static scrubline::Scanner> {
    let built = match DEFAULT.get() {
        Some(b) => b,
        // Building compiles every rule (milliseconds): let other threads run meanwhile.
        None => py.detach(|| DEFAULT.get_or_init(|| scrubline::Scanner::builder().build())),
    };
    built.as_ref().map_err(to_py_err)
}

/// `text` redacted with the default scanner; the very same object when nothing matched.
#[pyfunction]
fn redact<'py>(py: Python<'py>, text: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyString>> {
    scanner::redact_one(py, default_scanner(py)?, text)
}

/// Findings of the default scanner in `text`, with code-point offsets.
#[pyfunction]
fn scan<'py>(py: Python<'py>, text: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyList>> {
    let s = default_scanner(py)?;
    let found = scanner::scan_one(py, s, text)?;
    findings_to_py(py, found)
}

#[pymodule]
fn _scrubline(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<Scanner>()?;
    m.add_class::<Finding>()?;
    m.add_class::<vault::Vault>()?;
    m.add_class::<vault::Restorer>()?;
    m.add_function(wrap_pyfunction!(redact, m)?)?;
    m.add_function(wrap_pyfunction!(scan, m)?)?;
    m.add_class::<extra::StreamRedactor>()?;
    m.add_function(wrap_pyfunction!(extra::classify, m)?)?;
    errors::register(py, m)?;
    Ok(())
}
