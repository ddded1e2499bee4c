//! `Scanner`: the Python face of `scrubline::Scanner`.

use std::borrow::Cow;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};
use scrubline::{Action, ErrorKind};

use crate::errors::{new_err, to_py_err, Location};
use crate::finding::{convert, findings_to_py, Finding};
use crate::text::utf8;
use crate::vault::Vault;
use crate::RELEASE_GIL_ABOVE;

/// Finds and redacts sensitive values. Build once, share freely: immutable and thread-safe.
#[pyclass(frozen, module = "scrubline", name = "Scanner")]
pub(crate) struct Scanner {
    inner: scrubline::Scanner,
}

impl Scanner {
    /// The core scanner.
    pub(crate) fn core(&self) -> &scrubline::Scanner {
        &self.inner
    }
}

/// `Some(owned)` when changed, `None` when the input came back borrowed.
trait OwnedIfChanged {
    fn map_or_owned(self) -> Option<String>;
}

impl OwnedIfChanged for Cow<'_, str> {
    fn map_or_owned(self) -> Option<String> {
        match self {
            Cow::Borrowed(_) => None,
            Cow::Owned(o) => Some(o),
        }
    }
}

const ACTIONS: &str = "label, mask, mask:N, pseudonym, tokenize, remove or report";

fn parse_action(target: &str, name: &str) -> PyResult<Action> {
    Action::parse(name).ok_or_else(|| {
        let msg = format!("unknown action `{name}` for `{target}`: expected {ACTIONS}");
        new_err(ErrorKind::Policy, &format!("policy error: {msg}"), &msg, Location::default())
    })
}

/// A pack given as a path (str or os.PathLike) or as TOML source (a str with a newline).
fn read_pack(item: &Bound<'_, PyAny>, index: usize) -> PyResult<(String, String)> {
    if let Ok(s) = item.cast::<PyString>() {
        let s = s.to_str()?;
        if s.contains('\n') {
            return Ok((format!("<pack {index}>"), s.to_string()));
        }
    }
    let path: std::path::PathBuf = item.extract()?;
    let name = path.display().to_string();
    match std::fs::read_to_string(&path) {
        Ok(src) => Ok((name, src)),
        Err(e) => {
            let msg = format!("cannot read pack file: {e}");
            let loc = Location { source_name: Some(&name), ..Location::default() };
            Err(new_err(ErrorKind::Pack, &format!("pack error in {name}: {msg}"), &msg, loc))
        }
    }
}

fn pseudonym_key(key: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(b) = key.cast::<PyBytes>() {
        return Ok(b.as_bytes().to_vec());
    }
    if let Ok(s) = key.cast::<PyString>() {
        return Ok(s.to_str()?.as_bytes().to_vec());
    }
    Err(pyo3::exceptions::PyTypeError::new_err("key must be bytes or str"))
}

#[pymethods]
impl Scanner {
    /// Builds a scanner. Raises `PackError`, `PatternError` or `PolicyError` naming the pack,
    /// rule and line of a problem.
    #[new]
    #[pyo3(signature = (
        *, packs=None, rules=None, disable=None, actions=None, key=None, scope=None,
        threshold=None, default_packs=true, default_action=None, policy=None, tenant=None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        packs: Option<Vec<Bound<'_, PyAny>>>,
        rules: Option<Vec<String>>,
        disable: Option<Vec<String>>,
        actions: Option<Bound<'_, PyDict>>,
        key: Option<Bound<'_, PyAny>>,
        scope: Option<String>,
        threshold: Option<f64>,
        default_packs: bool,
        default_action: Option<String>,
        policy: Option<Bound<'_, PyAny>>,
        tenant: Option<String>,
    ) -> PyResult<Self> {
        let mut b = scrubline::Scanner::builder().default_packs(default_packs);
        // The policy first: options given here override it.
        match (policy, tenant.as_deref()) {
            (Some(p), t) => b = b.policy(&crate::extra::load_policy(&p, t)?),
            (None, Some(_)) => return Err(crate::extra::tenant_without_policy()),
            (None, None) => {}
        }
        for (i, item) in packs.iter().flatten().enumerate() {
            let (name, src) = read_pack(item, i)?;
            b = b.pack_toml(name, src);
        }
        if let Some(rules) = rules {
            b = b.only(rules);
        }
        for d in disable.into_iter().flatten() {
            b = b.disable(d);
        }
        if let Some(actions) = actions {
            for (target, name) in actions.iter() {
                let target: String = target.extract()?;
                let name: String = name.extract()?;
                let action = parse_action(&target, &name)?;
                b = b.action(target, action);
            }
        }
        if let Some(name) = default_action {
            b = b.default_action(parse_action("default_action", &name)?);
        }
        if let Some(k) = key {
            b = b.pseudonym_key(pseudonym_key(&k)?);
        }
        if let Some(s) = scope {
            b = b.scope(s);
        }
        if let Some(t) = threshold {
            b = b.threshold(t as f32);
        }
        // Compiling every rule takes milliseconds: let other threads run meanwhile.
        let inner = crate::errors::engine(py, true, move || b.build())?.map_err(|e| to_py_err(&e))?;
        Ok(Scanner { inner })
    }

    /// `text` with every finding replaced per its action. Returns `text` itself (the same
    /// object) when nothing was changed.
    fn redact<'py>(&self, py: Python<'py>, text: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyString>> {
        redact_one(py, &self.inner, text)
    }

    /// `text` with every finding replaced by its placeholder in `vault` (`<EMAIL_1>`); the same
    /// value always gets the same placeholder. `text` itself when nothing changed.
    fn tokenize<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyString>,
        vault: &Bound<'py, Vault>,
    ) -> PyResult<Bound<'py, PyString>> {
        let (s, v) = (&self.inner, &vault.get().inner);
        with_text(py, text, |t| s.tokenize(t, v))
    }

    /// A model's answer with new sensitive values tokenized into `vault` (and left as
    /// placeholders) and the placeholders `vault` already held restored.
    fn redact_output<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyString>,
        vault: &Bound<'py, Vault>,
    ) -> PyResult<Bound<'py, PyString>> {
        let (s, v) = (&self.inner, &vault.get().inner);
        with_text(py, text, |t| s.redact_output(t, v))
    }

    /// The audit report of scanning `text` (a dict; see docs/report-schema.md): policy, packs,
    /// counts, spans (UTF-8 byte offsets) and keyed fingerprints, never values.
    fn report<'py>(&self, py: Python<'py>, text: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyAny>> {
        let t = utf8(text)?;
        let t: &str = &t;
        let s = &self.inner;
        let r = crate::errors::engine(py, t.len() > RELEASE_GIL_ABOVE, || s.report(t))?;
        crate::extra::report_to_py(py, &r)
    }

    /// `(redacted, report)` from one scan.
    fn redact_with_report<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyString>,
    ) -> PyResult<(Bound<'py, PyString>, Bound<'py, PyAny>)> {
        let t = utf8(text)?;
        let t: &str = &t;
        let s = &self.inner;
        let (out, r) = crate::errors::engine(py, t.len() > RELEASE_GIL_ABOVE, || {
            let (o, r) = s.redact_with_report(t);
            (o.map_or_owned(), r)
        })?;
        let out = match out {
            None => text.clone(),
            Some(o) => PyString::new(py, &o),
        };
        Ok((out, crate::extra::report_to_py(py, &r)?))
    }

    /// `{"categories", "types", "sensitivity", "findings"}` of `text`.
    fn classify<'py>(&self, py: Python<'py>, text: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyDict>> {
        let t = utf8(text)?;
        let t: &str = &t;
        let s = &self.inner;
        let c = crate::errors::engine(py, t.len() > RELEASE_GIL_ABOVE, || s.classify(t))?;
        crate::extra::classification_to_py(py, &c)
    }

    /// A JSON document redacted structurally: a str (JSON text) gives a str, a dict or list
    /// gives a dict or list. Invalid JSON text is redacted as text.
    fn redact_json<'py>(&self, py: Python<'py>, doc: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        crate::extra::redact_json(py, &self.inner, doc)
    }

    /// JSON lines, each redacted as a JSON document (a line that is not JSON: as text).
    fn redact_json_lines<'py>(&self, py: Python<'py>, text: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyString>> {
        let s = &self.inner;
        with_text(py, text, |t| s.redact_json_lines(t))
    }

    /// Every finding in `text`, in order, with code-point offsets.
    fn scan<'py>(&self, py: Python<'py>, text: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyList>> {
        let found = scan_one(py, &self.inner, text)?;
        findings_to_py(py, found)
    }

    /// `(redacted, findings)` in one scan; the findings' offsets are in `text`. The redacted
    /// string is `text` itself when nothing changed.
    fn redact_with_findings<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyString>,
    ) -> PyResult<(Bound<'py, PyString>, Bound<'py, PyList>)> {
        let t = utf8(text)?;
        let t: &str = &t;
        let s = &self.inner;
        let (out, found) = crate::errors::engine(py, t.len() > RELEASE_GIL_ABOVE, || s.redact_with_findings(t))?;
        let out = match out {
            Cow::Borrowed(_) => text.clone(),
            Cow::Owned(o) => PyString::new(py, &o),
        };
        let found = if found.is_empty() { Vec::new() } else { convert(t, text.len()? == t.len(), &found) };
        Ok((out, findings_to_py(py, found)?))
    }

    /// Redacts every text on all cores, with the GIL released. Order is kept; a text that
    /// needed no change is returned as the same object.
    fn redact_batch<'py>(&self, py: Python<'py>, texts: Vec<Bound<'py, PyString>>) -> PyResult<Bound<'py, PyList>> {
        let strs = texts.iter().map(utf8).collect::<PyResult<Vec<Cow<'_, str>>>>()?;
        // Unchanged texts come back as `None`: the input object is reused, nothing is copied
        // or compared while holding the GIL.
        let outs = crate::errors::engine(py, true, || self.inner.redact_batch_changed(&strs))?;
        let items = texts.iter().zip(outs).map(|(t, o)| match o {
            None => t.clone(),
            Some(o) => PyString::new(py, &o),
        });
        PyList::new(py, items)
    }

    /// Scans every text on all cores, with the GIL released: one list of findings per text.
    fn scan_batch<'py>(&self, py: Python<'py>, texts: Vec<Bound<'py, PyString>>) -> PyResult<Bound<'py, PyList>> {
        let strs = texts.iter().map(utf8).collect::<PyResult<Vec<Cow<'_, str>>>>()?;
        let all: Vec<Vec<Finding>> = crate::errors::engine(py, true, || {
            let found = self.inner.scan_batch(&strs);
            strs.iter().zip(found).map(|(s, f)| convert(s, s.is_ascii(), &f)).collect()
        })?;
        let lists = all.into_iter().map(|f| findings_to_py(py, f)).collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, lists)
    }

    /// A pyarrow string array (`string` or `large_string`, or a `ChunkedArray` of either)
    /// redacted on all cores with the GIL released, read in place through the Arrow C data
    /// interface. The result has the input's type, length, chunking and nulls; a chunk where
    /// nothing changed is kept as is (no copy; an unchanged array is returned itself).
    fn redact_arrow<'py>(&self, py: Python<'py>, array: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        crate::arrow::redact(py, &self.inner, array)
    }

    /// Every finding in a pyarrow string array (or `ChunkedArray`), as one flat
    /// `pyarrow.StructArray` with fields `row` (index in the input), `rule`, `type`,
    /// `category`, `start` and `end` (code points in the row), ordered by row then offset.
    fn scan_arrow<'py>(&self, py: Python<'py>, array: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        crate::arrow::scan(py, &self.inner, array)
    }

    /// `(redact_arrow(array), findings)` from one scan, findings as `scan_arrow` gives them
    /// (first-pass findings, offsets into the input rows).
    fn redact_arrow_with_findings<'py>(
        &self,
        py: Python<'py>,
        array: &Bound<'py, PyAny>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
        crate::arrow::redact_with_findings(py, &self.inner, array)
    }

    /// Ids of the active rules.
    #[getter]
    fn rule_ids(&self) -> Vec<String> {
        self.inner.rules().map(|r| r.id.clone()).collect()
    }

    /// The packs this scanner was built from, as `(id, version, source)` tuples.
    #[getter]
    fn packs(&self) -> Vec<(String, String, String)> {
        self.inner.packs().iter().map(|p| (p.id.clone(), p.version.clone(), p.source.clone())).collect()
    }

    fn __repr__(&self) -> String {
        format!("<scrubline.Scanner rules={} packs={}>", self.inner.rules().count(), self.inner.packs().len())
    }
}

/// Redacts one text: the GIL is kept for small inputs, and the input object is returned
/// when nothing changed (no Python object is built).
pub(crate) fn redact_one<'py>(
    py: Python<'py>,
    s: &scrubline::Scanner,
    text: &Bound<'py, PyString>,
) -> PyResult<Bound<'py, PyString>> {
    let t = utf8(text)?;
    let t: &str = &t;
    let out = crate::errors::engine(py, t.len() > RELEASE_GIL_ABOVE, || s.redact(t))?;
    Ok(match out {
        Cow::Borrowed(_) => text.clone(),
        Cow::Owned(o) => PyString::new(py, &o),
    })
}

/// Runs `f` on the text (with the GIL released for large inputs); returns `text` itself when
/// `f` borrowed it back unchanged.
pub(crate) fn with_text<'py>(
    py: Python<'py>,
    text: &Bound<'py, PyString>,
    f: impl for<'t> Fn(&'t str) -> Cow<'t, str> + Sync,
) -> PyResult<Bound<'py, PyString>> {
    let t = utf8(text)?;
    let t: &str = &t;
    let out = crate::errors::engine(py, t.len() > RELEASE_GIL_ABOVE, || f(t))?;
    Ok(match out {
        Cow::Borrowed(_) => text.clone(),
        Cow::Owned(o) => PyString::new(py, &o),
    })
}

/// Scans one text into `Finding`s with code-point offsets.
pub(crate) fn scan_one(py: Python<'_>, s: &scrubline::Scanner, text: &Bound<'_, PyString>) -> PyResult<Vec<Finding>> {
    let t = utf8(text)?;
    let t: &str = &t;
    let found = crate::errors::engine(py, t.len() > RELEASE_GIL_ABOVE, || s.findings(t))?;
    if found.is_empty() {
        return Ok(Vec::new());
    }
    // Same length in code points and bytes means ASCII: offsets need no conversion.
    let ascii = text.len()? == t.len();
    Ok(convert(t, ascii, &found))
}
