//! `StreamRedactor`: redacts text that arrives in chunks of any size, with output identical to
//! redacting the whole text at once and memory bounded by the scanner's longest match.
//!
//! Each scan covers what is pending plus a tail of text already emitted (left context: look-
//! behind windows and context words reach back into it). A prefix is emitted only up to a cut
//! that (1) leaves at least the longest possible match plus a margin unscanned-to-the-right, so
//! every match that could cross the cut is already whole in the buffer, and (2) has no finding
//! within `MARGIN` bytes on either side, so the re-scan rounds of redaction (see `redact.rs`)
//! never reach across it. If the text is so dense in findings that no such cut exists within
//! `LIMIT` bytes, the cut is forced between findings: memory stays bounded, and only such
//! pathological text can differ from one-shot output.

use crate::engine::Candidate;
use crate::scanner::Scanner;

/// Distance kept between a cut and any finding: 3 re-scan rounds of 256 bytes, plus growth.
const MARGIN: usize = 1024;
/// Pending bytes added between scans (amortizes re-scanning the context).
const STEP: usize = 64 << 10;
/// Pending bytes beyond which a cut is forced.
const LIMIT: usize = 1 << 20;

/// Redacts a stream chunk by chunk. `push` returns the redacted text that is final so far;
/// `finish` returns the rest. Concatenated, they equal [`Scanner::redact`] of the whole input.
///
/// ```
/// let scanner = scrubline::Scanner::new();
/// let mut s = scrubline::StreamRedactor::new(&scanner);
/// let mut out = String::new();
/// for chunk in ["mail bob@exa", "mple.com; ssn 078-05-", "1120."] {
///     out += &s.push(chunk);
/// }
/// out += &s.finish();
/// assert_eq!(out, "mail [EMAIL]; ssn [US_SSN].");
/// ```
pub struct StreamRedactor {
    scanner: Scanner,
    /// `buf[..ctx]` was emitted (kept as left context); `buf[ctx..]` is pending.
    buf: String,
    ctx: usize,
    right: usize,
    keep: usize,
    step: usize,
    limit: usize,
    next_scan: usize,
    found: u64,
}

impl std::fmt::Debug for StreamRedactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamRedactor").field("pending", &(self.buf.len() - self.ctx)).finish()
    }
}

impl StreamRedactor {
    /// A stream redactor over `scanner` (cloned: cheap).
    pub fn new(scanner: &Scanner) -> StreamRedactor {
        StreamRedactor::with_step(scanner, STEP)
    }

    /// Like [`StreamRedactor::new`], scanning every `step` bytes (for tests of the cut logic).
    #[doc(hidden)]
    pub fn with_step(scanner: &Scanner, step: usize) -> StreamRedactor {
        let inner = &scanner.inner;
        let max_len = scanner.max_match_len().max(1);
        let behind = inner
            .rules
            .iter()
            .map(|r| r.spec.window_before.max(r.spec.max_len) + r.spec.context_window)
            .max()
            .unwrap_or(0);
        let right = max_len + 2 * MARGIN;
        let keep = behind.max(max_len) + 2 * MARGIN;
        let step = step.max(1);
        StreamRedactor {
            scanner: scanner.clone(),
            buf: String::new(),
            ctx: 0,
            right,
            keep,
            step,
            limit: LIMIT.max(step),
            next_scan: right + step,
            found: 0,
        }
    }

    /// First-pass findings redacted so far (counted as in [`Scanner::redact_into`]).
    pub fn findings(&self) -> u64 {
        self.found
    }

    /// Bytes held back (pending, not yet emitted).
    pub fn pending(&self) -> usize {
        self.buf.len() - self.ctx
    }

    /// Adds a chunk; returns the redacted text that became final (often empty).
    pub fn push(&mut self, chunk: &str) -> String {
        let mut out = String::new();
        // Large chunks are taken in pieces so the buffer stays bounded.
        let mut rest = chunk;
        while !rest.is_empty() {
            let mut n = rest.len().min(self.step.max(4096));
            while !rest.is_char_boundary(n) {
                n += 1;
            }
            let (piece, tail) = rest.split_at(n);
            rest = tail;
            self.buf.push_str(piece);
            while self.pending() >= self.next_scan {
                if !self.emit_some(&mut out) {
                    break;
                }
            }
        }
        out
    }

    /// Redacts and returns everything still pending; the redactor is then empty and can be
    /// reused for a new stream.
    pub fn finish(&mut self) -> String {
        let mut out = String::new();
        if self.pending() > 0 {
            let cands = self.scan();
            let end = self.buf.len();
            self.emit(&cands, end, &mut out);
        }
        self.buf.clear();
        self.ctx = 0;
        self.next_scan = self.right + self.step;
        out
    }

    fn scan(&self) -> Vec<Candidate> {
        let inner = &self.scanner.inner;
        let mut guard = inner.pool.get();
        crate::engine::scan(inner, &mut guard, &self.buf)
    }

    /// Scans and emits up to the best cut; `false` when no cut was possible yet.
    fn emit_some(&mut self, out: &mut String) -> bool {
        let cands = self.scan();
        let hi = floor(&self.buf, self.buf.len().saturating_sub(self.right));
        let lo = self.ctx;
        let cut = best_cut(&self.buf, &cands, &self.scanner, lo, hi, MARGIN)
            .or_else(|| {
                (self.pending() > self.limit).then(|| best_cut(&self.buf, &cands, &self.scanner, lo, hi, 0)).flatten()
            })
            .or_else(|| (self.pending() > self.limit).then_some(hi));
        let Some(cut) = cut.filter(|&c| c > lo) else {
            // Text dense with findings has no cut yet: wait for twice as much (not one more
            // step), so reaching the forced cut at `limit` costs a few scans, not limit/step.
            let pending = self.pending();
            self.next_scan = (pending + self.step).max(pending * 2).min(self.limit + 1);
            return false;
        };
        self.emit(&cands, cut, out);
        // Keep `keep` bytes of emitted text as left context.
        let drop_to = floor(&self.buf, cut.saturating_sub(self.keep));
        self.buf.drain(..drop_to);
        self.ctx = cut - drop_to;
        self.next_scan = self.right + self.step;
        true
    }

    /// Redacts `buf[ctx..cut]` with the candidates inside it and appends it to `out`.
    fn emit(&mut self, cands: &[Candidate], cut: usize, out: &mut String) {
        let base = self.ctx;
        let mine: Vec<Candidate> = cands
            .iter()
            .filter(|c| c.start >= base && c.end <= cut)
            .map(|c| Candidate { start: c.start - base, end: c.end - base, ..*c })
            .collect();
        let text = &self.buf[base..cut];
        self.found += mine.len() as u64;
        if mine.is_empty() {
            out.push_str(text);
        } else {
            let inner = &self.scanner.inner;
            let mut guard = inner.pool.get();
            out.push_str(&crate::redact::apply(inner, &mut guard, text, &mine));
        }
        self.ctx = cut;
    }
}

fn floor(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The largest char boundary `c` in `lo+1..=hi` that no candidate crosses and that is at least
/// `margin` bytes from every candidate that changes text.
fn best_cut(text: &str, cands: &[Candidate], scanner: &Scanner, lo: usize, hi: usize, margin: usize) -> Option<usize> {
    if hi <= lo {
        return None;
    }
    let rules = &scanner.inner.rules;
    // Forbidden open intervals, sorted by start and merged where they overlap (open intervals
    // that only touch leave their common point allowed). Sorting keeps this O(n log n) on text
    // dense with findings.
    let mut zones: Vec<(usize, usize)> = cands
        .iter()
        .map(|c| {
            let m = if rules[c.rule as usize].action == crate::model::Action::Report { 0 } else { margin };
            (c.start.saturating_sub(m), c.end + m)
        })
        .filter(|&(s, e)| e > s + 1)
        .collect();
    zones.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(zones.len());
    for (s, e) in zones {
        match merged.last_mut() {
            Some(last) if s < last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    // Walk down from `hi`: a point is allowed if no zone strictly contains it.
    let mut c = hi;
    loop {
        if c <= lo {
            return None;
        }
        // The last zone starting before `c`; earlier ones end at or before its start.
        let i = merged.partition_point(|&(s, _)| s < c);
        match i.checked_sub(1).map(|i| merged[i]) {
            Some((s, e)) if c < e => c = s,
            _ => {
                let b = floor(text, c);
                if b == c {
                    return Some(c);
                }
                c = b;
            }
        }
    }
}
