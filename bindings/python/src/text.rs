//! Python `str` to Rust `&str`, without copying.

use std::borrow::Cow;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

/// The UTF-8 text of `s`. Borrowed from the string object (no copy: CPython keeps a UTF-8
/// form, which is the object's own buffer for ASCII strings).
///
/// A Python `str` may hold lone surrogates (e.g. from `surrogateescape` decoding), which UTF-8
/// cannot represent. Each one becomes U+FFFD: one code point for one code point, so code-point
/// offsets stay exact. Only then is the text copied.
pub(crate) fn utf8<'a>(s: &'a Bound<'_, PyString>) -> PyResult<Cow<'a, str>> {
    match s.to_str() {
        Ok(t) => Ok(Cow::Borrowed(t)),
        Err(_) => lossy(s).map(Cow::Owned),
    }
}

fn lossy(s: &Bound<'_, PyString>) -> PyResult<String> {
    let encoded = s.call_method1("encode", ("utf-8", "surrogatepass"))?;
    let bytes = encoded.cast_into::<PyBytes>()?;
    let mut buf = bytes.as_bytes().to_vec();
    // A surrogate encodes as ED A0..BF xx; U+FFFD is EF BF BD, also three bytes.
    let mut i = 0;
    while i + 2 < buf.len() {
        if buf[i] == 0xED && buf[i + 1] >= 0xA0 {
            buf[i..i + 3].copy_from_slice(&[0xEF, 0xBF, 0xBD]);
            i += 3;
        } else {
            i += 1;
        }
    }
    Ok(String::from_utf8(buf).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}
