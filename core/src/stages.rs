//! The pipeline one stage at a time, for benchmarks and profilers (cargo feature `stages`).
//!
//! [`trigger_scan`] runs stage 1 alone and returns the confirm windows it opened;
//! [`confirm`] runs stages 2 and 3 (window merging, regex confirmation, validators and
//! filters, overlap resolution, policy lists) over those windows; [`redact`] runs stage 4
//! (actions, and the re-scan around each replacement) over what was confirmed. Together they
//! give exactly what [`Scanner::findings`] and [`Scanner::redact`] give. This module exists so that each stage's cost can be
//! measured and checked on its own; it is not part of the stable API and may change with any
//! release.
//!
//! [`Windows`] and [`Confirmed`] hold rule indices and byte offsets only, never text.

use std::borrow::Cow;

use crate::engine::Candidate;
use crate::Scanner;

/// The confirm windows stage 1 opened over one text: `(rule index, start, end)` in byte
/// offsets, before merging.
#[derive(Debug, Clone, Default)]
pub struct Windows {
    list: Vec<(u32, usize, usize)>,
}

impl Windows {
    /// Number of windows (a rule's overlapping windows are merged only in stage 2).
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether stage 1 opened no window: stage 2 then has nothing to do.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Total bytes of all windows, before merging.
    pub fn bytes(&self) -> usize {
        self.list.iter().map(|&(_, s, e)| e - s).sum()
    }

    /// Windows and their total bytes per rule id, largest total first (which rules stage 1
    /// sends to confirmation, and how much text).
    pub fn per_rule(&self, scanner: &Scanner) -> Vec<(String, usize, usize)> {
        let rules = &scanner.inner.rules;
        let mut acc = vec![(0usize, 0usize); rules.len()];
        for &(r, s, e) in &self.list {
            acc[r as usize].0 += 1;
            acc[r as usize].1 += e - s;
        }
        let mut out: Vec<_> = acc
            .into_iter()
            .enumerate()
            .filter(|(_, (n, _))| *n > 0)
            .map(|(r, (n, b))| (rules[r].spec.id.clone(), n, b))
            .collect();
        out.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
        out
    }

    /// The windows of the rule with id `rule` alone (to time one rule's confirmation).
    pub fn of_rule(&self, scanner: &Scanner, rule: &str) -> Windows {
        let rules = &scanner.inner.rules;
        Windows { list: self.list.iter().copied().filter(|&(r, _, _)| rules[r as usize].spec.id == rule).collect() }
    }

    /// Whether some window of the rule with id `rule` holds the byte range `start..end`.
    pub fn covers(&self, scanner: &Scanner, rule: &str, start: usize, end: usize) -> bool {
        let rules = &scanner.inner.rules;
        self.list.iter().any(|&(r, s, e)| s <= start && end <= e && rules[r as usize].spec.id == rule)
    }
}

/// Stage 1 alone: the trigger scan (keywords, digit clusters and their anchored screens, `@`,
/// hex-colon runs, upper-case letters before digits) over `text`.
pub fn trigger_scan(scanner: &Scanner, text: &str) -> Windows {
    let mut guard = scanner.inner.pool.get();
    crate::engine::collect_windows(&scanner.inner, &mut guard, text.as_bytes());
    Windows { list: guard.windows.clone() }
}

/// Stage 1a alone: the keyword search over `text`, without opening windows. Returns the
/// number of keyword occurrences (every occurrence of every keyword, overlapping ones
/// included) and a checksum of their positions and keywords, so that a benchmark can check
/// its answer and the search cannot be optimized away.
pub fn keyword_search(scanner: &Scanner, text: &str) -> (usize, u64) {
    let mut n = 0;
    let mut sum = 0u64;
    scanner.inner.triggers.keywords.literals.for_each(text.as_bytes(), |start, id| {
        n += 1;
        sum = sum.wrapping_add((start as u64) << 16 ^ id as u64);
    });
    (n, sum)
}

/// The keywords stage 1a searches for (case-sensitive, as the rules' packs spell them).
pub fn keywords(scanner: &Scanner) -> Vec<&[u8]> {
    scanner.inner.triggers.keywords.literals.keywords().collect()
}

/// What stages 2 and 3 accepted in one text: findings as rule indices and byte offsets.
#[derive(Debug, Clone, Default)]
pub struct Confirmed {
    cands: Vec<Candidate>,
}

impl Confirmed {
    /// Number of findings, the same as `scanner.findings(text).len()`.
    pub fn len(&self) -> usize {
        self.cands.len()
    }

    /// Whether nothing was found.
    pub fn is_empty(&self) -> bool {
        self.cands.is_empty()
    }
}

/// Stages 2 and 3 over the windows that [`trigger_scan`] opened on the same `text`.
///
/// # Panics
/// If `windows` does not come from `trigger_scan(scanner, text)` and holds a rule index or an
/// offset out of range.
pub fn confirm(scanner: &Scanner, text: &str, windows: &Windows) -> Confirmed {
    let mut guard = scanner.inner.pool.get();
    guard.windows.clear();
    guard.windows.extend_from_slice(&windows.list);
    let cands = crate::engine::confirm_windows(&scanner.inner, &mut guard, text);
    Confirmed { cands: crate::policy::apply_lists(&scanner.inner, text, cands) }
}

/// Stage 4 over what [`confirm`] accepted in the same `text`: the same output as
/// `scanner.redact(text)`.
///
/// # Panics
/// If `confirmed` does not come from the same scanner and text.
pub fn redact<'t>(scanner: &Scanner, text: &'t str, confirmed: &Confirmed) -> Cow<'t, str> {
    let mut guard = scanner.inner.pool.get();
    crate::redact::apply(&scanner.inner, &mut guard, text, &confirmed.cands)
}
