//! Policies, reports, classification, JSON and streams for Python: conversion only, the work is
//! the core's.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use scrubline::ErrorKind;

use crate::errors::{new_err, to_py_err, Location};
use crate::text::utf8;
use crate::RELEASE_GIL_ABOVE;

/// A policy given as a path (str or os.PathLike) or as TOML source (a str with a newline),
/// with an optional tenant overlay.
pub(crate) fn load_policy(item: &Bound<'_, PyAny>, tenant: Option<&str>) -> PyResult<scrubline::Policy> {
    let policy = match item.cast::<PyString>() {
        Ok(s) if s.to_str()?.contains('\n') => scrubline::Policy::from_toml("<policy>", s.to_str()?),
        _ => {
            let path: std::path::PathBuf = item.extract().map_err(|_| {
                pyo3::exceptions::PyTypeError::new_err("policy must be a path or TOML source (a str with a newline)")
            })?;
            scrubline::Policy::from_file(&path)
        }
    }
    .map_err(|e| to_py_err(&e))?;
    match tenant {
        Some(t) => policy.for_tenant(t).map_err(|e| to_py_err(&e)),
        None => Ok(policy),
    }
}

/// A report as a Python dict (through its JSON form, so every front end shows the same document).
pub(crate) fn report_to_py<'py>(py: Python<'py>, report: &scrubline::Report) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?.call_method1("loads", (report.to_json(),))
}

/// `{"categories": [...], "types": [...], "sensitivity": str | None, "findings": int}`.
pub(crate) fn classification_to_py<'py>(
    py: Python<'py>,
    c: &scrubline::Classification,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("categories", c.categories.iter().map(|c| c.as_str()).collect::<Vec<_>>())?;
    d.set_item("types", c.types.clone())?;
    d.set_item("sensitivity", c.sensitivity.map(|s| s.as_str()))?;
    d.set_item("findings", c.findings)?;
    Ok(d)
}

/// `redact_json`: a str is JSON text (returns str); a dict or list is serialized, redacted and
/// parsed back (returns the same kind).
pub(crate) fn redact_json<'py>(
    py: Python<'py>,
    s: &scrubline::Scanner,
    doc: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    if let Ok(text) = doc.cast::<PyString>() {
        return Ok(crate::scanner::with_text(py, text, |t| s.redact_json(t))?.into_any());
    }
    let json = py.import("json")?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("ensure_ascii", false)?;
    let dumped = json.call_method("dumps", (doc,), Some(&kwargs))?;
    let text = dumped.cast::<PyString>()?;
    let out = crate::scanner::with_text(py, text, |t| s.redact_json(t))?;
    json.call_method1("loads", (out,))
}

/// Redacts a stream chunk by chunk: `push(chunk)` returns the redacted text that became final,
/// `finish()` the rest. Together they equal `Scanner.redact` of the whole input, even when a
/// value is split across chunks; memory stays bounded.
#[pyclass(module = "scrubline", name = "StreamRedactor")]
pub(crate) struct StreamRedactor {
    inner: scrubline::StreamRedactor,
}

#[pymethods]
impl StreamRedactor {
    #[new]
    fn new(scanner: &Bound<'_, crate::scanner::Scanner>) -> Self {
        StreamRedactor { inner: scrubline::StreamRedactor::new(scanner.get().core()) }
    }

    /// Adds a chunk; returns the redacted text that became final (often empty).
    fn push(&mut self, py: Python<'_>, chunk: &Bound<'_, PyString>) -> PyResult<String> {
        let t = utf8(chunk)?;
        let t: &str = &t;
        let inner = &mut self.inner;
        crate::errors::engine(py, t.len() > RELEASE_GIL_ABOVE, || inner.push(t))
    }

    /// The redaction of everything still held back; the redactor can then start a new stream.
    fn finish(&mut self, py: Python<'_>) -> PyResult<String> {
        let inner = &mut self.inner;
        crate::errors::engine(py, false, || inner.finish())
    }

    /// Bytes held back so far.
    #[getter]
    fn pending(&self) -> usize {
        self.inner.pending()
    }

    fn __repr__(&self) -> String {
        format!("<scrubline.StreamRedactor pending={}>", self.inner.pending())
    }
}

/// Categories present in `text` and its highest sensitivity, with the default scanner.
#[pyfunction]
pub(crate) fn classify<'py>(py: Python<'py>, text: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyDict>> {
    let s = crate::default_scanner(py)?;
    let t = utf8(text)?;
    let t: &str = &t;
    let c = crate::errors::engine(py, t.len() > RELEASE_GIL_ABOVE, || s.classify(t))?;
    classification_to_py(py, &c)
}

/// An error for a policy option given without a policy.
pub(crate) fn tenant_without_policy() -> PyErr {
    let msg = "`tenant` needs a `policy`";
    new_err(ErrorKind::Policy, &format!("policy error: {msg}"), msg, Location::default())
}
