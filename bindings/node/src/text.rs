//! Text conversions: core's byte offsets to UTF-16 code units (JavaScript string indices), and
//! byte input that may hold invalid UTF-8 (its valid runs are scanned, invalid bytes pass
//! through unchanged).

use std::borrow::Cow;

/// Converts increasing byte offsets of one UTF-8 text into UTF-16 code-unit offsets, walking
/// the text once. ASCII segments are counted by length (a word-at-a-time check); others count
/// one unit per non-continuation byte plus one more per 4-byte sequence (a surrogate pair).
pub struct Utf16Cursor<'a> {
    bytes: &'a [u8],
    byte: usize,
    unit: usize,
}

impl<'a> Utf16Cursor<'a> {
    pub fn new(text: &'a str) -> Self {
        Utf16Cursor { bytes: text.as_bytes(), byte: 0, unit: 0 }
    }

    /// The UTF-16 offset of byte offset `pos` (a char boundary of the text). Cheapest when
    /// called with non-decreasing positions; an earlier position restarts from the beginning.
    pub fn utf16_at(&mut self, pos: usize) -> usize {
        let pos = pos.min(self.bytes.len());
        if pos < self.byte {
            self.byte = 0;
            self.unit = 0;
        }
        let seg = self.bytes.get(self.byte..pos).unwrap_or_default();
        self.unit += utf16_len(seg);
        self.byte = pos;
        self.unit
    }
}

/// UTF-16 length of a run of UTF-8 bytes (on char boundaries).
pub fn utf16_len(seg: &[u8]) -> usize {
    if seg.is_ascii() {
        return seg.len();
    }
    // Branch-free so the compiler vectorizes it: continuation bytes are 0x80..=0xBF, i.e.
    // -128..=-65 as i8; lead bytes of 4-byte sequences (0xF0..) add a second unit.
    seg.iter().map(|&b| usize::from((b as i8) >= -64) + usize::from(b >= 0xF0)).sum()
}

/// Byte input split into valid UTF-8 runs, each with its byte offset, plus the invalid bytes
/// that follow each run.
pub struct Runs<'a> {
    /// `(offset, valid text, invalid bytes after it)`.
    pub runs: Vec<(usize, &'a str, &'a [u8])>,
}

impl<'a> Runs<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        let mut runs = Vec::new();
        let mut offset = 0;
        for chunk in bytes.utf8_chunks() {
            let valid = chunk.valid();
            let invalid = chunk.invalid();
            runs.push((offset, valid, invalid));
            offset += valid.len() + invalid.len();
        }
        Runs { runs }
    }
}

/// Redacts byte input with `redact(offset, text)` applied to the whole input when it is valid
/// UTF-8 (the common case), otherwise to each valid run, with invalid bytes copied through.
/// `None` when nothing changed.
fn redact_runs<'b>(bytes: &'b [u8], mut redact: impl FnMut(usize, &'b str) -> Cow<'b, str>) -> Option<Vec<u8>> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return match redact(0, text) {
            Cow::Borrowed(_) => None,
            Cow::Owned(s) => Some(s.into_bytes()),
        };
    }
    let runs = Runs::new(bytes);
    let mut out: Option<Vec<u8>> = None;
    for (offset, valid, invalid) in &runs.runs {
        let red = redact(*offset, valid);
        if let (None, Cow::Owned(_)) = (&out, &red) {
            // First change: copy everything before this run.
            let mut v = Vec::with_capacity(bytes.len() + 64);
            v.extend_from_slice(bytes.get(..*offset).unwrap_or_default());
            out = Some(v);
        }
        if let Some(v) = out.as_mut() {
            v.extend_from_slice(red.as_bytes());
            v.extend_from_slice(invalid);
        }
    }
    out
}

/// Redacted byte input (see `redact_runs`).
pub fn redact_bytes(scanner: &scrubline::Scanner, bytes: &[u8]) -> Option<Vec<u8>> {
    redact_runs(bytes, |_, text| scanner.redact(text))
}

/// Redacted byte input, calling `emit(finding, start, end)` with byte offsets for each finding
/// acted on or reported, from the same scan.
pub fn redact_bytes_with_findings<'s>(
    scanner: &'s scrubline::Scanner,
    bytes: &[u8],
    mut emit: impl FnMut(&scrubline::Finding<'s>, usize, usize),
) -> Option<Vec<u8>> {
    redact_runs(bytes, |base, text| {
        let (out, findings) = scanner.redact_with_findings(text);
        for f in &findings {
            emit(f, base + f.span.start, base + f.span.end);
        }
        out
    })
}

/// A redacted string (`None` when unchanged), calling `emit(finding, start, end)` with UTF-16
/// offsets into `text` for each finding, from the same scan.
pub fn redact_utf16_with_findings<'s>(
    scanner: &'s scrubline::Scanner,
    text: &str,
    mut emit: impl FnMut(&scrubline::Finding<'s>, usize, usize),
) -> Option<String> {
    let (out, findings) = scanner.redact_with_findings(text);
    let mut cur = Utf16Cursor::new(text);
    for f in &findings {
        let start = cur.utf16_at(f.span.start);
        let end = cur.utf16_at(f.span.end);
        emit(f, start, end);
    }
    match out {
        Cow::Borrowed(_) => None,
        Cow::Owned(s) => Some(s),
    }
}

/// Calls `emit(finding, start, end)` for each finding of a string, offsets in UTF-16 units.
pub fn scan_utf16<'s>(
    scanner: &'s scrubline::Scanner,
    text: &str,
    mut emit: impl FnMut(&scrubline::Finding<'s>, usize, usize),
) {
    let findings = scanner.findings(text);
    if findings.is_empty() {
        return;
    }
    let mut cur = Utf16Cursor::new(text);
    for f in &findings {
        let start = cur.utf16_at(f.span.start);
        let end = cur.utf16_at(f.span.end);
        emit(f, start, end);
    }
}

/// Calls `emit(finding, start, end)` for each finding of byte input, offsets in bytes
/// (invalid UTF-8 runs are skipped).
pub fn scan_bytes<'s>(
    scanner: &'s scrubline::Scanner,
    bytes: &[u8],
    mut emit: impl FnMut(&scrubline::Finding<'s>, usize, usize),
) {
    let mut run = |base: usize, text: &str| {
        for f in &scanner.findings(text) {
            emit(f, base + f.span.start, base + f.span.end);
        }
    };
    if let Ok(text) = std::str::from_utf8(bytes) {
        return run(0, text);
    }
    for (offset, valid, _) in &Runs::new(bytes).runs {
        run(*offset, valid);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(text: &str, byte: usize) -> usize {
        text[..byte].encode_utf16().count()
    }

    #[test]
    fn utf16_offsets_match_encode_utf16() {
        let text = "a é 中 😀 👩‍👩‍👧 x\u{10FFFF}y \u{FFFD}z";
        let mut cur = Utf16Cursor::new(text);
        for (i, _) in text.char_indices().chain([(text.len(), ' ')]) {
            assert_eq!(cur.utf16_at(i), reference(text, i), "at byte {i}");
        }
        // Going backwards restarts and stays correct.
        assert_eq!(cur.utf16_at(1), 1);
        assert_eq!(cur.utf16_at(text.len()), reference(text, text.len()));
    }

    #[test]
    fn runs_cover_all_bytes() {
        let bytes = b"ok \xff\xfe then \xc3 end";
        let runs = Runs::new(bytes);
        let total: usize = runs.runs.iter().map(|(_, v, i)| v.len() + i.len()).sum();
        assert_eq!(total, bytes.len());
        let mut rebuilt = Vec::new();
        for (off, v, i) in &runs.runs {
            assert_eq!(*off, rebuilt.len());
            rebuilt.extend_from_slice(v.as_bytes());
            rebuilt.extend_from_slice(i);
        }
        assert_eq!(rebuilt, bytes);
    }
}
