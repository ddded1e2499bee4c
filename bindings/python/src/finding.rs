//! `Finding`: ids and a code-point span, never the value.

use pyo3::prelude::*;
use pyo3::types::PyList;

/// One detected sensitive value: which rule found it and where (code-point offsets, so
/// `text[f.start:f.end]` is the value). It never holds the value itself.
#[pyclass(frozen, eq, module = "scrubline", name = "Finding")]
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Finding {
    /// Rule id, e.g. `aws-access-key-id`.
    #[pyo3(get)]
    rule: String,
    /// Entity type, e.g. `AWS_ACCESS_KEY`.
    #[pyo3(get, name = "type")]
    entity: String,
    /// Category: `pii`, `financial`, `network`, `national_id`, `secret`, `credential`, `custom`.
    #[pyo3(get)]
    category: &'static str,
    /// Sensitivity: `low`, `medium`, `high`, `critical`.
    #[pyo3(get)]
    sensitivity: &'static str,
    /// Start, in code points (a Python string index).
    #[pyo3(get)]
    start: usize,
    /// End (exclusive), in code points.
    #[pyo3(get)]
    end: usize,
    /// Confidence in 0.0..=1.0.
    #[pyo3(get)]
    confidence: f64,
}

#[pymethods]
impl Finding {
    fn __repr__(&self) -> String {
        format!(
            "Finding(rule='{}', type='{}', category='{}', sensitivity='{}', start={}, end={}, confidence={})",
            self.rule,
            self.entity,
            self.category,
            self.sensitivity,
            self.start,
            self.end,
            PyFloatRepr(self.confidence)
        )
    }
}

/// Formats a float like Python's `repr` for the values a confidence takes (`0.9`, `1.0`).
struct PyFloatRepr(f64);

impl std::fmt::Display for PyFloatRepr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.fract() == 0.0 && self.0.is_finite() {
            write!(f, "{:.1}", self.0)
        } else {
            write!(f, "{}", self.0)
        }
    }
}

/// Counts code points up to increasing byte offsets in one pass over the text.
struct CodePoints<'t> {
    bytes: &'t [u8],
    ascii: bool,
    byte: usize,
    chars: usize,
}

impl<'t> CodePoints<'t> {
    fn new(text: &'t str, ascii: bool) -> Self {
        CodePoints { bytes: text.as_bytes(), ascii, byte: 0, chars: 0 }
    }

    /// Code points before byte offset `to` (a char boundary).
    fn at(&mut self, to: usize) -> usize {
        if self.ascii {
            return to;
        }
        if to < self.byte {
            // Offsets come in order; restart only if a future core reports overlapping spans.
            self.byte = 0;
            self.chars = 0;
        }
        let to = to.min(self.bytes.len());
        // A code point starts at every byte that is not a UTF-8 continuation byte (10xxxxxx).
        self.chars += self.bytes[self.byte..to].iter().filter(|&&b| (b as i8) >= -0x40).count();
        self.byte = to;
        self.chars
    }
}

/// Converts the core's findings (byte spans) into `Finding`s with code-point spans.
/// `ascii` says the text is ASCII, where both are the same.
pub(crate) fn convert(text: &str, ascii: bool, found: &[scrubline::Finding<'_>]) -> Vec<Finding> {
    let mut cp = CodePoints::new(text, ascii);
    found
        .iter()
        .map(|f| {
            let start = cp.at(f.span.start);
            let end = cp.at(f.span.end);
            Finding {
                rule: f.rule.to_string(),
                entity: f.entity.to_string(),
                category: f.category.as_str(),
                sensitivity: f.sensitivity.as_str(),
                start,
                end,
                // f32 -> f64 would show 0.949999988079071 for 0.95: round to the f32's precision.
                confidence: (f64::from(f.confidence) * 1e6).round() / 1e6,
            }
        })
        .collect()
}

/// A Python list of `Finding` objects.
pub(crate) fn findings_to_py(py: Python<'_>, found: Vec<Finding>) -> PyResult<Bound<'_, PyList>> {
    let items = found.into_iter().map(|f| Bound::new(py, f)).collect::<PyResult<Vec<_>>>()?;
    PyList::new(py, items)
}

#[cfg(test)]
mod tests {
    use super::CodePoints;

    #[test]
    fn counts_code_points_in_one_pass() {
        let t = "é日👩‍👧x";
        let mut cp = CodePoints::new(t, false);
        let offsets: Vec<usize> = t.char_indices().map(|(i, _)| i).chain([t.len()]).collect();
        let counted: Vec<usize> = offsets.iter().map(|&o| cp.at(o)).collect();
        assert_eq!(counted, (0..=t.chars().count()).collect::<Vec<_>>());
        assert_eq!(cp.at(0), 0, "restarts on a backwards offset");
    }
}
