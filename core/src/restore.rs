//! Restoring placeholders: one matcher for [`Vault::restore`](crate::Vault::restore) and the
//! streaming [`Restorer`], so that a stream restores exactly like the whole text at once.
//!
//! A placeholder is recognized as a maximal run of `[A-Za-z0-9_]` that, upper-cased, is a key
//! `TYPE_ID` of the vault. Around it, `<` and `>` are taken with it when present: adjacent, or
//! with up to [`MAX_INNER_SPACES`] spaces inside when both are there. Everything is decided
//! left to right, each decision looking only at bytes up to a bounded distance ahead; a stream
//! holds back exactly the bytes whose decision still needs input that has not arrived.

use std::fmt;

use crate::vault::{State, Vault};

/// Spaces tolerated between a bracket and the placeholder inside it (`< EMAIL_1 >`).
pub const MAX_INNER_SPACES: usize = 3;

#[inline]
fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn run_end(b: &[u8], from: usize) -> usize {
    from + b[from..].iter().take_while(|&&c| is_ident(c)).count()
}

/// How far [`restore_into`] got.
pub(crate) struct Progress {
    /// Bytes of the text decided; the rest needs more input.
    pub consumed: usize,
    /// Bytes of the text already written to `out`: the caller appends `text[flushed..consumed]`.
    /// Zero if and only if nothing was restored.
    pub flushed: usize,
}

enum Outcome<'s> {
    /// Not a placeholder here.
    No,
    /// Cannot tell before more text arrives.
    NeedMore,
    /// `text[start..end]` restores to the value.
    Match { start: usize, end: usize, value: &'s str },
}

enum Run<'s> {
    No,
    NeedMore,
    Key(&'s str),
}

/// Restores `text`, appending restored output to `out` lazily: only up to the last placeholder
/// (see [`Progress`]). `prev_ident`: whether the byte before `text` was `[A-Za-z0-9_]`. `last`:
/// whether `text` ends the input; if not, stops before the first byte whose outcome depends on
/// what follows. Entries at index `limit` and above are not restored.
pub(crate) fn restore_into(
    st: &State,
    text: &str,
    mut prev_ident: bool,
    last: bool,
    limit: usize,
    out: &mut String,
) -> Progress {
    let b = text.as_bytes();
    let n = b.len();
    let mut key = String::new();
    let (mut i, mut flushed) = (0, 0);
    while i < n {
        let c = b[i];
        let outcome = if st.is_empty() {
            Outcome::No
        } else if c == b'<' {
            bracketed(st, b, i, last, limit, &mut key)
        } else if is_ident(c) && !prev_ident {
            bare(st, b, i, last, limit, &mut key)
        } else {
            Outcome::No
        };
        match outcome {
            Outcome::NeedMore => return Progress { consumed: i, flushed },
            Outcome::Match { start, end, value } => {
                if flushed == 0 {
                    out.reserve(n);
                }
                // Placeholders are ASCII: `start` and `end` are char boundaries.
                out.push_str(&text[flushed..start]);
                out.push_str(value);
                flushed = end;
                i = end;
                prev_ident = false;
            }
            Outcome::No if is_ident(c) => {
                i = run_end(b, i);
                prev_ident = true;
            }
            Outcome::No => {
                i += 1;
                prev_ident = false;
            }
        }
    }
    Progress { consumed: n, flushed }
}

/// The run `b[ts..te]` as a key of the vault.
fn judge_run<'s>(st: &'s State, b: &[u8], ts: usize, te: usize, last: bool, limit: usize, key: &mut String) -> Run<'s> {
    let len = te - ts;
    if len > st.max_key_len() {
        return Run::No;
    }
    let open = te == b.len() && !last;
    if !open && (len < 3 || !b[ts..te].contains(&b'_')) {
        return Run::No;
    }
    key.clear();
    key.extend(b[ts..te].iter().map(|c| char::from(c.to_ascii_uppercase())));
    if open {
        // The run may go on: wait while it can still become a key.
        return if st.is_key_prefix(key) { Run::NeedMore } else { Run::No };
    }
    match st.lookup(key) {
        Some((i, v)) if i < limit => Run::Key(v),
        _ => Run::No,
    }
}

/// A placeholder starting at a run start `ts` (no `<` before it).
fn bare<'s>(st: &'s State, b: &[u8], ts: usize, last: bool, limit: usize, key: &mut String) -> Outcome<'s> {
    let te = run_end(b, ts);
    let value = match judge_run(st, b, ts, te, last, limit, key) {
        Run::No => return Outcome::No,
        Run::NeedMore => return Outcome::NeedMore,
        Run::Key(v) => v,
    };
    match b.get(te) {
        None if !last => Outcome::NeedMore,
        Some(b'>') => Outcome::Match { start: ts, end: te + 1, value },
        _ => Outcome::Match { start: ts, end: te, value },
    }
}

/// A placeholder starting at a `<` at `lt`.
fn bracketed<'s>(st: &'s State, b: &[u8], lt: usize, last: bool, limit: usize, key: &mut String) -> Outcome<'s> {
    let ts = lt + 1 + b[lt + 1..].iter().take(MAX_INNER_SPACES).take_while(|&&c| c == b' ').count();
    match b.get(ts) {
        None if !last => return Outcome::NeedMore,
        Some(&c) if is_ident(c) => {}
        _ => return Outcome::No,
    }
    let te = run_end(b, ts);
    let value = match judge_run(st, b, ts, te, last, limit, key) {
        Run::No => return Outcome::No,
        Run::NeedMore => return Outcome::NeedMore,
        Run::Key(v) => v,
    };
    let k = te + b[te..].iter().take(MAX_INNER_SPACES).take_while(|&&c| c == b' ').count();
    match b.get(k) {
        None if !last => Outcome::NeedMore,
        Some(b'>') => Outcome::Match { start: lt, end: k + 1, value },
        // No closing bracket: an adjacent `<` goes with the placeholder, a spaced one stays.
        _ if ts == lt + 1 => Outcome::Match { start: lt, end: te, value },
        _ => Outcome::Match { start: ts, end: te, value },
    }
}

/// Restores a model's streamed answer delta by delta.
///
/// [`push`](Restorer::push) returns the restored text that is ready, holding back only a suffix
/// that could still become a placeholder of the vault: at most `7 + L` bytes, where `L` is the
/// length of the vault's longest `TYPE_ID` (the longest tolerated form is
/// `<` + 3 spaces + `TYPE_ID` + 3 spaces + `>`, and its closing `>` releases it). A placeholder
/// is never split. [`finish`](Restorer::finish) flushes the rest. For every split of an answer
/// into deltas, the concatenated output equals [`Vault::restore`] of the whole answer.
///
/// Entries added to the vault during the stream take effect from the next `push`.
///
/// ```
/// use scrubline::{Restorer, Scanner, Vault};
/// let vault = Vault::new();
/// Scanner::new().tokenize("I am bob@example.com", &vault);
/// let mut r = Restorer::new(&vault);
/// let mut answer = String::new();
/// for delta in ["Hello <EMA", "IL_", "1>, how", " are you?"] {
///     answer.push_str(&r.push(delta));
/// }
/// answer.push_str(&r.finish());
/// assert_eq!(answer, "Hello bob@example.com, how are you?");
/// ```
pub struct Restorer {
    vault: Vault,
    pending: String,
    prev_ident: bool,
}

impl fmt::Debug for Restorer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Restorer").field("held_back", &self.pending.len()).finish()
    }
}

impl Restorer {
    /// A restorer for one stream, reading placeholders from `vault` (shared, not copied).
    pub fn new(vault: &Vault) -> Restorer {
        Restorer { vault: vault.clone(), pending: String::new(), prev_ident: false }
    }

    /// Takes the next delta; returns the restored text that can be emitted now (possibly
    /// empty).
    pub fn push(&mut self, delta: &str) -> String {
        self.pending.push_str(delta);
        self.step(false)
    }

    /// Ends the stream: returns everything still held back, restored.
    pub fn finish(mut self) -> String {
        self.step(true)
    }

    /// Bytes currently held back (they could still be the start of a placeholder).
    pub fn held_back(&self) -> usize {
        self.pending.len()
    }

    fn step(&mut self, last: bool) -> String {
        let mut out = String::new();
        let p = {
            let st = self.vault.read();
            restore_into(&st, &self.pending, self.prev_ident, last, usize::MAX, &mut out)
        };
        out.push_str(&self.pending[p.flushed..p.consumed]);
        if p.consumed > 0 {
            self.prev_ident = is_ident(self.pending.as_bytes()[p.consumed - 1]);
            self.pending.drain(..p.consumed);
        }
        out
    }
}
