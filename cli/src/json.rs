//! `--input json`: JSON lines redacted line by line, or one JSON document (pretty-printed
//! across lines) redacted whole. The first non-blank line decides: if it is a JSON document by
//! itself, the input is JSON lines. A line or document that is not JSON is redacted as text.

use std::borrow::Cow;
use std::io::{BufRead, Write};

use scrubline::{Report, Scanner};

use crate::Fail;

fn is_json(line: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(line).is_ok()
}

fn body(line: &[u8]) -> (&[u8], &[u8]) {
    let mut e = line.len();
    while e > 0 && matches!(line[e - 1], b'\n' | b'\r') {
        e -= 1;
    }
    line.split_at(e)
}

/// Redacts one document; returns whether it changed.
fn redact_one<W: Write>(scanner: &Scanner, doc: &[u8], out: &mut W) -> Result<bool, Fail> {
    // JSON is UTF-8; anything else is repaired (U+FFFD) rather than passed through.
    let text = match std::str::from_utf8(doc) {
        Ok(t) => Cow::Borrowed(t),
        Err(_) => String::from_utf8_lossy(doc),
    };
    let red = if crate::report::enabled() {
        let mut part = Report::new(scanner);
        let red = scanner.redact_json_with_report(&text, &mut part);
        let changed = part.total > 0 || matches!(red, Cow::Owned(_));
        crate::report::merge_into_current(part);
        out.write_all(red.as_bytes())?;
        return Ok(changed);
    } else {
        scanner.redact_json(&text)
    };
    out.write_all(red.as_bytes())?;
    Ok(matches!(red, Cow::Owned(_)))
}

/// Redacts JSON input to `out`; returns the number of documents (lines) changed.
pub fn redact<R: BufRead, W: Write>(scanner: &Scanner, mut input: R, out: &mut W) -> Result<u64, Fail> {
    let max = scanner.json_options().max_size;
    let mut line = Vec::new();
    let mut changed = 0u64;
    let mut lines_mode = None;
    let mut pending: Vec<u8> = Vec::new();
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        if lines_mode.is_none() {
            let (b, _) = body(&line);
            if b.iter().all(u8::is_ascii_whitespace) {
                pending.extend_from_slice(&line);
                continue;
            }
            lines_mode = Some(is_json(b));
            if lines_mode == Some(false) {
                // One document across lines: gather it (up to the size limit).
                pending.extend_from_slice(&line);
                continue;
            }
            out.write_all(&pending)?;
            pending.clear();
        }
        if lines_mode == Some(false) {
            if pending.len() + line.len() <= max {
                pending.extend_from_slice(&line);
                continue;
            }
            // Too large for one document: what was gathered, and the rest, go line by line.
            lines_mode = Some(true);
            for l in std::mem::take(&mut pending).split_inclusive(|&b| b == b'\n') {
                let (b, nl) = body(l);
                changed += u64::from(redact_one(scanner, b, out)?);
                out.write_all(nl)?;
            }
        }
        let (b, nl) = body(&line);
        if b.iter().all(u8::is_ascii_whitespace) {
            out.write_all(&line)?;
            continue;
        }
        changed += u64::from(redact_one(scanner, b, out)?);
        out.write_all(nl)?;
    }
    if !pending.is_empty() {
        changed += u64::from(redact_one(scanner, &pending, out)?);
    }
    Ok(changed)
}
