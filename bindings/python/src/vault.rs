//! `Vault` and `Restorer`: the Python faces of `scrubline::Vault` and `scrubline::Restorer`.
//! Neither ever shows its contents: `repr` gives counts only.

use std::borrow::Cow;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString, PyType};

use crate::errors::to_py_err;
use crate::text::utf8;
use crate::RELEASE_GIL_ABOVE;

/// Placeholder <-> value store of one conversation. Thread-safe; entries are only added.
#[pyclass(frozen, module = "scrubline", name = "Vault")]
pub(crate) struct Vault {
    pub(crate) inner: scrubline::Vault,
}

#[pymethods]
impl Vault {
    #[new]
    fn new() -> Self {
        Vault { inner: scrubline::Vault::new() }
    }

    /// `text` with this vault's placeholders (also mangled ones: `<email_1>`, `EMAIL_1`,
    /// `< EMAIL_1 >`) replaced by their values; `text` itself when there was none.
    fn restore<'py>(&self, py: Python<'py>, text: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyString>> {
        let t = utf8(text)?;
        let t: &str = &t;
        let v = &self.inner;
        let out = crate::errors::engine(py, t.len() > RELEASE_GIL_ABOVE, || v.restore(t))?;
        Ok(match out {
            Cow::Borrowed(_) => text.clone(),
            Cow::Owned(o) => PyString::new(py, &o),
        })
    }

    /// The vault encrypted with `key` (32 bytes), to move the conversation to another process.
    fn export<'py>(&self, py: Python<'py>, key: &[u8]) -> PyResult<Bound<'py, PyBytes>> {
        let blob = self.inner.export(key).map_err(|e| to_py_err(&e))?;
        Ok(PyBytes::new(py, &blob))
    }

    /// A vault read back from `export`'s output with the same key. Raises `VaultError` for a
    /// wrong key, changed data or something that is not a vault.
    #[classmethod]
    fn load(_cls: &Bound<'_, PyType>, blob: &[u8], key: &[u8]) -> PyResult<Self> {
        let inner = scrubline::Vault::import(blob, key).map_err(|e| to_py_err(&e))?;
        Ok(Vault { inner })
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __repr__(&self) -> String {
        format!("<scrubline.Vault entries={}>", self.inner.len())
    }
}

/// Restores a model's streamed answer delta by delta (see `scrubline::Restorer`).
#[pyclass(module = "scrubline", name = "Restorer")]
pub(crate) struct Restorer {
    vault: scrubline::Vault,
    inner: scrubline::Restorer,
}

#[pymethods]
impl Restorer {
    #[new]
    fn new(vault: &Bound<'_, Vault>) -> Self {
        let vault = vault.get().inner.clone();
        Restorer { inner: scrubline::Restorer::new(&vault), vault }
    }

    /// The restored text ready to emit (possibly empty); a suffix that could still become a
    /// placeholder is held back.
    fn push(&mut self, py: Python<'_>, delta: &Bound<'_, PyString>) -> PyResult<String> {
        let d = utf8(delta)?;
        let inner = &mut self.inner;
        crate::errors::engine(py, false, || inner.push(&d))
    }

    /// Ends the stream: everything still held back, restored. The restorer can then take a
    /// new stream.
    fn finish(&mut self, py: Python<'_>) -> PyResult<String> {
        let done = std::mem::replace(&mut self.inner, scrubline::Restorer::new(&self.vault));
        crate::errors::engine(py, false, move || done.finish())
    }

    /// Bytes (UTF-8) held back now.
    #[getter]
    fn held_back(&self) -> usize {
        self.inner.held_back()
    }

    fn __repr__(&self) -> String {
        format!("<scrubline.Restorer held_back={}>", self.inner.held_back())
    }
}
