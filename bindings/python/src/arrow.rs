//! Arrow batches: `Scanner.redact_arrow`, `scan_arrow` and `redact_arrow_with_findings` over
//! pyarrow string arrays (`string`, `large_string`, or a `ChunkedArray` of either).
//!
//! Input is read in place through the Arrow C data interface (the `__arrow_c_array__`
//! PyCapsule protocol): no row is copied into Python or Rust strings. Scanning runs on all
//! cores with the GIL released. Output arrays are built in Rust and handed to pyarrow through
//! the same protocol, with the input's type (string stays string, large_string stays
//! large_string) and its nulls.
//!
//! The only `unsafe` code of the crate is [`import`], reading the two capsules.

use std::ffi::CStr;
use std::sync::Arc;

use arrow_array::builder::{GenericStringBuilder, Int64Builder, StringBuilder};
use arrow_array::ffi::{from_ffi, to_ffi, FFI_ArrowArray, FFI_ArrowSchema};
use arrow_array::{Array, ArrayRef, GenericStringArray, LargeStringArray, OffsetSizeTrait, StringArray, StructArray};
use arrow_data::ArrayData;
use arrow_schema::{DataType, Field, Fields};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyList, PyTuple};
use rayon::prelude::*;

const SCHEMA_CAPSULE: &CStr = c"arrow_schema";
const ARRAY_CAPSULE: &CStr = c"arrow_array";

/// One imported chunk: a string array of either offset width, read in place.
enum Strings {
    Utf8(StringArray),
    LargeUtf8(LargeStringArray),
}

impl Strings {
    fn len(&self) -> usize {
        match self {
            Strings::Utf8(a) => a.len(),
            Strings::LargeUtf8(a) => a.len(),
        }
    }

    /// Each row's text, `None` for a null.
    fn push_rows<'a>(&'a self, rows: &mut Vec<Option<&'a str>>) {
        match self {
            Strings::Utf8(a) => rows.extend(a.iter()),
            Strings::LargeUtf8(a) => rows.extend(a.iter()),
        }
    }
}

/// The input: its chunks (a plain array is one chunk), each with its Python object, and the
/// `ChunkedArray` when the input was one.
struct Input<'py> {
    objs: Vec<Bound<'py, PyAny>>,
    arrays: Vec<Strings>,
    chunked: Option<Bound<'py, PyAny>>,
}

impl<'py> Input<'py> {
    fn read(obj: &Bound<'py, PyAny>, method: &str) -> PyResult<Self> {
        if obj.hasattr("__arrow_c_array__")? {
            let arrays = vec![import_strings(obj, method)?];
            return Ok(Input { objs: vec![obj.clone()], arrays, chunked: None });
        }
        // A pyarrow ChunkedArray exports a stream, not an array: read its chunks one by one.
        if obj.hasattr("__arrow_c_stream__")? && obj.hasattr("chunks")? {
            let list = obj.getattr("chunks")?;
            let (mut objs, mut arrays) = (Vec::new(), Vec::new());
            for chunk in list.try_iter()? {
                let chunk = chunk?;
                arrays.push(import_strings(&chunk, method)?);
                objs.push(chunk);
            }
            return Ok(Input { objs, arrays, chunked: Some(obj.clone()) });
        }
        Err(PyTypeError::new_err(format!(
            "{method} expects a pyarrow string or large_string Array or ChunkedArray, got {}",
            obj.get_type().name()?
        )))
    }

    /// The output of the same shape: each chunk replaced by its new array, or kept (the same
    /// object) where `None` says nothing in it changed.
    fn output(&self, py: Python<'py>, new: Vec<Option<ArrayRef>>) -> PyResult<Bound<'py, PyAny>> {
        let mut objs = Vec::with_capacity(new.len());
        for (obj, array) in self.objs.iter().zip(new) {
            objs.push(match array {
                None => obj.clone(),
                Some(a) => export(py, &a.to_data())?,
            });
        }
        match &self.chunked {
            None => Ok(objs.pop().unwrap_or_else(|| py.None().into_bound(py))),
            Some(chunked) => {
                let ty = chunked.getattr("type")?;
                pyarrow(py, "chunked_array")?.call1((PyList::new(py, objs)?, ty))
            }
        }
    }
}

fn pyarrow<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("pyarrow")?.getattr(name)
}

/// Imports one array through `__arrow_c_array__`, checks it is a valid string array and
/// returns it, still pointing into the producer's buffers.
fn import_strings(obj: &Bound<'_, PyAny>, method: &str) -> PyResult<Strings> {
    let pair = obj.call_method0("__arrow_c_array__")?;
    let pair = pair.cast::<PyTuple>().map_err(|_| PyTypeError::new_err("__arrow_c_array__ must return a tuple"))?;
    if pair.len() != 2 {
        return Err(PyTypeError::new_err("__arrow_c_array__ must return (schema, array) capsules"));
    }
    let schema = pair.get_item(0)?;
    let array = pair.get_item(1)?;
    let schema = schema.cast::<PyCapsule>().map_err(|_| PyTypeError::new_err("expected an arrow_schema capsule"))?;
    let array = array.cast::<PyCapsule>().map_err(|_| PyTypeError::new_err("expected an arrow_array capsule"))?;
    let data = import(schema, array, method)?;
    // The C data interface is trusted by the importer; check offsets, lengths and UTF-8 here
    // so that no row is ever read out of bounds or as invalid UTF-8. The message names no data.
    data.validate_full()
        .map_err(|_| PyValueError::new_err(format!("{method}: the array's offsets or UTF-8 data are invalid")))?;
    Ok(match data.data_type() {
        DataType::LargeUtf8 => Strings::LargeUtf8(LargeStringArray::from(data)),
        _ => Strings::Utf8(StringArray::from(data)),
    })
}

/// Reads a `(schema, array)` capsule pair of the Arrow PyCapsule interface: the array is
/// moved out of its capsule (its release callback becomes ours, run when the last buffer of
/// the returned data is dropped); the schema stays owned by its capsule.
#[allow(unsafe_code)]
fn import(schema: &Bound<'_, PyCapsule>, array: &Bound<'_, PyCapsule>, method: &str) -> PyResult<ArrayData> {
    // Both checks compare the capsule's name: the protocol names them exactly so.
    let schema_ptr = schema.pointer_checked(Some(SCHEMA_CAPSULE))?.cast::<FFI_ArrowSchema>();
    let array_ptr = array.pointer_checked(Some(ARRAY_CAPSULE))?.cast::<FFI_ArrowArray>();
    // SAFETY: an `arrow_schema` capsule holds a pointer to an initialized, aligned
    // `struct ArrowSchema` (the C data interface's layout, which `FFI_ArrowSchema` is,
    // `#[repr(C)]`), owned by the capsule. The capsule is borrowed (`schema`) for this whole
    // function, so the struct outlives the shared reference, which is not kept beyond it; we
    // neither move nor release it.
    let schema_ref: &FFI_ArrowSchema = unsafe { schema_ptr.as_ref() };
    let data_type = DataType::try_from(schema_ref)
        .map_err(|_| PyTypeError::new_err(format!("{method}: the array's Arrow type is not supported")))?;
    if !matches!(data_type, DataType::Utf8 | DataType::LargeUtf8) {
        // Checked before the array is moved out: a refused capsule still releases it itself.
        return Err(PyTypeError::new_err(format!("{method} expects a string or large_string array, got {data_type}")));
    }
    // SAFETY: an `arrow_array` capsule holds a pointer to an initialized, aligned, writable
    // `struct ArrowArray` owned by the capsule, which `array` keeps alive during this call.
    // `from_raw` moves it out and leaves a released (empty) struct in the capsule, as the
    // protocol's "move" semantics prescribe, so the capsule's destructor will not release it
    // again and the data is released exactly once, by the moved-out value.
    let ffi_array = unsafe { FFI_ArrowArray::from_raw(array_ptr.as_ptr()) };
    // SAFETY: `ffi_array` and `schema_ref` come from the same `__arrow_c_array__` call, so the
    // array matches the schema (checked above to be a string type: a validity bitmap, an
    // offsets buffer and a data buffer). `from_ffi` trusts the lengths it reads; the caller
    // then runs `validate_full` before reading any row.
    let data = unsafe { from_ffi(ffi_array, schema_ref) }
        .map_err(|_| PyValueError::new_err(format!("{method}: the array could not be imported")))?;
    Ok(data)
}

/// A `__arrow_c_array__` provider for arrays built here: pyarrow imports it with
/// `pyarrow.array(obj)`. Not exposed in the module.
#[pyclass(frozen, module = "scrubline._scrubline")]
struct Exported {
    schema: Py<PyCapsule>,
    array: Py<PyCapsule>,
}

#[pymethods]
impl Exported {
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_array__(
        &self,
        py: Python<'_>,
        requested_schema: Option<Bound<'_, PyAny>>,
    ) -> (Py<PyCapsule>, Py<PyCapsule>) {
        // The protocol allows ignoring a requested schema (the consumer then casts or fails).
        let _ = requested_schema;
        (self.schema.clone_ref(py), self.array.clone_ref(py))
    }
}

/// `data` as a pyarrow array, handed over through the C data interface (no copy).
fn export<'py>(py: Python<'py>, data: &ArrayData) -> PyResult<Bound<'py, PyAny>> {
    let (array, schema) = to_ffi(data).map_err(|e| PyValueError::new_err(format!("Arrow export failed: {e}")))?;
    // Each capsule owns its struct; pyarrow moves it out (leaving it released), and the capsule
    // destructor drops what is left, which releases the data only if pyarrow never took it.
    let schema = PyCapsule::new_with_value(py, schema, SCHEMA_CAPSULE)?.unbind();
    let array = PyCapsule::new_with_value(py, array, ARRAY_CAPSULE)?.unbind();
    let provider = Bound::new(py, Exported { schema, array })?;
    pyarrow(py, "array")?.call1((provider,))
}

/// One finding as an Arrow row: code-point offsets into the row's text.
struct Hit<'s> {
    rule: &'s str,
    entity: &'s str,
    category: &'static str,
    start: usize,
    end: usize,
}

/// Byte offsets (in order, on char boundaries) to code-point offsets, in one pass.
fn hits<'s>(text: &str, found: &[scrubline::Finding<'s>]) -> Vec<Hit<'s>> {
    let bytes = text.as_bytes();
    let (mut byte, mut chars) = (0usize, 0usize);
    let mut at = |to: usize| {
        if to < byte {
            (byte, chars) = (0, 0);
        }
        let to = to.min(bytes.len());
        // A code point starts at every byte that is not a UTF-8 continuation byte (10xxxxxx).
        chars += bytes[byte..to].iter().filter(|&&b| (b as i8) >= -0x40).count();
        byte = to;
        chars
    };
    found
        .iter()
        .map(|f| {
            let start = at(f.span.start);
            let end = at(f.span.end);
            Hit { rule: f.rule, entity: f.entity, category: f.category.as_str(), start, end }
        })
        .collect()
}

/// The Arrow type of the findings: one struct per finding.
fn finding_fields() -> Fields {
    Fields::from(vec![
        Field::new("row", DataType::Int64, false),
        Field::new("rule", DataType::Utf8, false),
        Field::new("type", DataType::Utf8, false),
        Field::new("category", DataType::Utf8, false),
        Field::new("start", DataType::Int64, false),
        Field::new("end", DataType::Int64, false),
    ])
}

fn to_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The flat findings struct array; `row` is the row's index in the whole input.
fn findings_array(per_row: &[Vec<Hit<'_>>]) -> PyResult<StructArray> {
    let n: usize = per_row.iter().map(Vec::len).sum();
    let mut row = Int64Builder::with_capacity(n);
    let mut rule = StringBuilder::with_capacity(n, n * 16);
    let mut entity = StringBuilder::with_capacity(n, n * 8);
    let mut category = StringBuilder::with_capacity(n, n * 8);
    let mut start = Int64Builder::with_capacity(n);
    let mut end = Int64Builder::with_capacity(n);
    for (i, hits) in per_row.iter().enumerate() {
        for h in hits {
            row.append_value(to_i64(i));
            rule.append_value(h.rule);
            entity.append_value(h.entity);
            category.append_value(h.category);
            start.append_value(to_i64(h.start));
            end.append_value(to_i64(h.end));
        }
    }
    let columns: Vec<ArrayRef> = vec![
        Arc::new(row.finish()),
        Arc::new(rule.finish()),
        Arc::new(entity.finish()),
        Arc::new(category.finish()),
        Arc::new(start.finish()),
        Arc::new(end.finish()),
    ];
    StructArray::try_new(finding_fields(), columns, None)
        .map_err(|e| PyValueError::new_err(format!("building the findings array failed: {e}")))
}

/// A new string array of `len` rows from `rows` (the input, `None` for nulls) and `changed`
/// (a row's redaction, `None` where unchanged), or `None` when no row changed.
fn rebuild<O: OffsetSizeTrait>(rows: &[Option<&str>], changed: &[Option<String>]) -> PyResult<Option<ArrayRef>> {
    if changed.iter().all(Option::is_none) {
        return Ok(None);
    }
    let bytes: usize = rows
        .iter()
        .zip(changed)
        .map(|(r, c)| match (r, c) {
            (_, Some(c)) => c.len(),
            (Some(r), None) => r.len(),
            (None, None) => 0,
        })
        .sum();
    if O::from_usize(bytes).is_none() {
        return Err(crate::errors::new_err(
            scrubline::ErrorKind::Input,
            "input error: the redacted chunk exceeds 2 GiB, the limit of a string array: use large_string",
            "the redacted chunk exceeds 2 GiB, the limit of a string array: use large_string",
            crate::errors::Location::default(),
        ));
    }
    let mut b = GenericStringBuilder::<O>::with_capacity(rows.len(), bytes);
    for (r, c) in rows.iter().zip(changed) {
        match (r, c) {
            (None, _) => b.append_null(),
            (Some(_), Some(c)) => b.append_value(c),
            (Some(r), None) => b.append_value(r),
        }
    }
    let a: GenericStringArray<O> = b.finish();
    Ok(Some(Arc::new(a)))
}

/// Every row of every chunk, in order.
fn rows(arrays: &[Strings]) -> Vec<Option<&str>> {
    let mut rows = Vec::with_capacity(arrays.iter().map(Strings::len).sum());
    for s in arrays {
        s.push_rows(&mut rows);
    }
    rows
}

/// Per chunk: the rebuilt array, or `None` where nothing changed.
fn rebuild_chunks(
    arrays: &[Strings],
    rows: &[Option<&str>],
    changed: &[Option<String>],
) -> PyResult<Vec<Option<ArrayRef>>> {
    let mut out = Vec::with_capacity(arrays.len());
    let mut at = 0;
    for s in arrays {
        let range = at..at + s.len();
        at = range.end;
        out.push(match s {
            Strings::Utf8(_) => rebuild::<i32>(&rows[range.clone()], &changed[range])?,
            Strings::LargeUtf8(_) => rebuild::<i64>(&rows[range.clone()], &changed[range])?,
        });
    }
    Ok(out)
}

/// `Scanner.redact_arrow`.
pub(crate) fn redact<'py>(
    py: Python<'py>,
    s: &scrubline::Scanner,
    array: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let input = Input::read(array, "redact_arrow")?;
    let new = {
        let arrays = &input.arrays;
        let rows = rows(arrays);
        crate::errors::engine(py, true, || {
            let changed: Vec<Option<String>> = rows
                .par_iter()
                .map(|r| match r.map(|t| s.redact(t)) {
                    Some(std::borrow::Cow::Owned(o)) => Some(o),
                    _ => None,
                })
                .collect();
            rebuild_chunks(arrays, &rows, &changed)
        })??
    };
    input.output(py, new)
}

/// `Scanner.scan_arrow`.
pub(crate) fn scan<'py>(
    py: Python<'py>,
    s: &scrubline::Scanner,
    array: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let input = Input::read(array, "scan_arrow")?;
    let findings = {
        let arrays = &input.arrays;
        let rows = rows(arrays);
        crate::errors::engine(py, true, || {
            let per_row: Vec<Vec<Hit<'_>>> = rows
                .par_iter()
                .map(|r| match r {
                    Some(t) => {
                        let found = s.findings(t);
                        if found.is_empty() {
                            Vec::new()
                        } else {
                            hits(t, &found)
                        }
                    }
                    None => Vec::new(),
                })
                .collect();
            findings_array(&per_row)
        })??
    };
    export(py, &findings.to_data())
}

/// `Scanner.redact_arrow_with_findings`.
pub(crate) fn redact_with_findings<'py>(
    py: Python<'py>,
    s: &scrubline::Scanner,
    array: &Bound<'py, PyAny>,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    let input = Input::read(array, "redact_arrow_with_findings")?;
    let (new, findings) = {
        let arrays = &input.arrays;
        let rows = rows(arrays);
        crate::errors::engine(py, true, || {
            let (changed, per_row): (Vec<Option<String>>, Vec<Vec<Hit<'_>>>) = rows
                .par_iter()
                .map(|r| match r {
                    Some(t) => {
                        let (out, found) = s.redact_with_findings(t);
                        let out = match out {
                            std::borrow::Cow::Owned(o) => Some(o),
                            std::borrow::Cow::Borrowed(_) => None,
                        };
                        let found = if found.is_empty() { Vec::new() } else { hits(t, &found) };
                        (out, found)
                    }
                    None => (None, Vec::new()),
                })
                .unzip();
            Ok::<_, PyErr>((rebuild_chunks(arrays, &rows, &changed)?, findings_array(&per_row)?))
        })??
    };
    Ok((input.output(py, new)?, export(py, &findings.to_data())?))
}

#[cfg(test)]
mod tests {
    use super::hits;

    #[test]
    fn code_point_offsets() {
        let s = scrubline::Scanner::new();
        let t = "é日 mail jane.doe@example.org ok";
        let found = s.findings(t);
        let h = hits(t, &found);
        assert_eq!(h.len(), 1);
        let start = t.char_indices().position(|(i, _)| i == found[0].span.start);
        assert_eq!(Some(h[0].start), start);
        assert_eq!(h[0].end - h[0].start, "jane.doe@example.org".len());
    }
}
