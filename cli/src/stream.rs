//! Line streaming with bounded memory: read what is available, process complete lines, hold
//! back an open private-key block until its end line or its bound, pass invalid UTF-8 bytes
//! through untouched.

use std::io::{self, Read, Write};

use memchr::memmem;
use scrubline::{Finding, Scanner};

/// Longest unterminated line held in memory before it is processed in pieces.
pub const MAX_PENDING: usize = 1 << 20;
const READ_SIZE: usize = 256 << 10;

/// Something done with each processed segment of the input.
pub trait Sink {
    /// `text` is valid UTF-8 starting at byte `offset` of the input, on line `line` (1-based).
    fn text(&mut self, scanner: &Scanner, text: &str, offset: u64, line: u64) -> io::Result<()>;
    /// Bytes that are not valid UTF-8, passed through.
    fn raw(&mut self, bytes: &[u8]) -> io::Result<()>;
    /// Called after each read's worth of complete lines (for `tail -f` latency).
    fn flush(&mut self) -> io::Result<()>;
}

/// Where a held-back region must start: an opened PEM/PGP block that has not ended yet.
fn open_block(buf: &[u8]) -> Option<usize> {
    // Forward search is SIMD-accelerated; reverse search is not.
    let begin = memmem::find_iter(buf, b"-----BEGIN ").last()?;
    if memmem::find(&buf[begin..], b"-----END ").is_some() {
        return None;
    }
    // Hold from the start of the line holding BEGIN.
    Some(memchr::memrchr(b'\n', &buf[..begin]).map_or(0, |p| p + 1))
}

/// Reads `input` to the end, feeding `sink` with complete lines.
pub fn run<R: Read, S: Sink>(scanner: &Scanner, mut input: R, sink: &mut S) -> io::Result<u64> {
    // `buf[..len]` holds unprocessed input; the vector keeps its (zeroed once) length so reads
    // do not re-zero it.
    let mut buf: Vec<u8> = vec![0; READ_SIZE * 2];
    let mut len = 0usize;
    let mut offset: u64 = 0;
    let mut line: u64 = 1;
    let mut eof = false;
    let hold_limit = scanner.max_match_len().max(1) + MAX_PENDING;
    while !eof {
        if buf.len() - len < READ_SIZE {
            buf.resize(len + READ_SIZE, 0);
        }
        let n = loop {
            match input.read(&mut buf[len..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        };
        len += n;
        eof = n == 0;
        let buf = &mut buf[..len];
        let mut cut = if eof {
            buf.len()
        } else {
            match memchr::memrchr(b'\n', buf) {
                Some(p) => p + 1,
                None if buf.len() >= MAX_PENDING => split_point(buf),
                None => continue,
            }
        };
        if !eof {
            if let Some(h) = open_block(&buf[..cut]) {
                if buf.len() - h < hold_limit {
                    cut = h;
                }
            }
        }
        if cut == 0 {
            continue;
        }
        process(scanner, &buf[..cut], offset, line, sink)?;
        offset += cut as u64;
        line += memchr::memchr_iter(b'\n', &buf[..cut]).count() as u64;
        buf.copy_within(cut.., 0);
        len -= cut;
        sink.flush()?;
    }
    Ok(offset)
}

/// For a huge line: split at the last ASCII whitespace (values never straddle it), else at a
/// UTF-8 boundary.
fn split_point(buf: &[u8]) -> usize {
    let tail = &buf[buf.len() / 2..];
    if let Some(p) = tail.iter().rposition(|b| b.is_ascii_whitespace()) {
        return buf.len() / 2 + p + 1;
    }
    let mut p = buf.len();
    while p > 0 && (buf[p - 1] & 0xC0) == 0x80 {
        p -= 1;
    }
    p.saturating_sub(1).max(1)
}

/// Splits `bytes` into valid UTF-8 runs and invalid bytes.
pub fn process<S: Sink>(
    scanner: &Scanner,
    mut bytes: &[u8],
    mut offset: u64,
    mut line: u64,
    sink: &mut S,
) -> io::Result<()> {
    while !bytes.is_empty() {
        match std::str::from_utf8(bytes) {
            Ok(s) => return sink.text(scanner, s, offset, line),
            Err(e) => {
                let good = e.valid_up_to();
                // The prefix was just validated, so this cannot fail.
                let s = std::str::from_utf8(&bytes[..good]).unwrap_or_default();
                sink.text(scanner, s, offset, line)?;
                line += memchr::memchr_iter(b'\n', &bytes[..good]).count() as u64;
                let bad = e.error_len().unwrap_or(bytes.len() - good);
                sink.raw(&bytes[good..good + bad])?;
                offset += (good + bad) as u64;
                bytes = &bytes[good + bad..];
            }
        }
    }
    Ok(())
}

/// Writes redacted text.
pub struct RedactSink<W: Write> {
    /// Destination.
    pub out: W,
    /// Findings seen.
    pub found: u64,
    /// Reused output buffer: a fresh 256 KiB allocation per read showed up as page faults.
    pub buf: String,
}

impl<W: Write> Sink for RedactSink<W> {
    fn text(&mut self, scanner: &Scanner, text: &str, offset: u64, line: u64) -> io::Result<()> {
        if crate::report::enabled() {
            let (red, f) = scanner.redact_with_findings(text);
            crate::report::add(scanner, text, offset, Some(line), &f);
            self.found += f.len() as u64;
            return self.out.write_all(red.as_bytes());
        }
        self.buf.clear();
        self.found += scanner.redact_into(text, &mut self.buf) as u64;
        self.out.write_all(self.buf.as_bytes())
    }
    fn raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Line number (1-based) of each finding, given the line of the text's start.
pub fn lines_of(text: &str, findings: &[Finding<'_>], first_line: u64) -> Vec<u64> {
    let mut line = first_line;
    let mut pos = 0;
    let b = text.as_bytes();
    findings
        .iter()
        .map(|f| {
            line += memchr::memchr_iter(b'\n', &b[pos..f.span.start]).count() as u64;
            pos = f.span.start;
            line
        })
        .collect()
}
