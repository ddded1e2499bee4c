//! The scan: stage 1 triggers produce per-rule windows, stage 2 confirms each rule's regex in
//! its merged windows and runs validators and filters, stage 3 resolves overlaps.

use regex_automata::meta::Cache;
use regex_automata::util::primitives::NonMaxUsize;
use regex_automata::{Anchored, Input};

use crate::filters::{has_context, inside_label, is_own_replacement, is_placeholder, shannon_entropy};
use crate::pack::Trigger;
use crate::scanner::{ByteSet, Inner, Rule};
use crate::screen::{walk_anchored, DenseWalk, LazyWalk, ScreenDfa, Walker};
use crate::split::{SplitCache, ValueSplit, SPLIT_AFTER};
use crate::triggers::{for_each_value_prefix, is_upper_start, DigitClusters, HexColonClusters};

/// A confirmed finding before conversion to the public type.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Candidate {
    pub rule: u32,
    pub start: usize,
    pub end: usize,
    pub confidence: f32,
    pub priority: i32,
}

/// Per-thread reusable state: regex caches and buffers. After warm-up a scan allocates only
/// its result vector, and nothing at all on clean text.
#[derive(Default)]
pub(crate) struct Scratch {
    caches: Vec<Option<Cache>>,
    set_cache: Option<regex_automata::hybrid::dfa::Cache>,
    upper_cache: Option<regex_automata::hybrid::dfa::Cache>,
    pub(crate) windows: Vec<(u32, usize, usize)>,
    slots: Vec<Option<NonMaxUsize>>,
    splits: Vec<Option<SplitCache>>,
    digit_memo: ScreenMemo,
    /// [`sort_windows`]' buffers: windows per rule, and the windows bucketed by rule.
    window_counts: Vec<u32>,
    window_spare: Vec<(u32, usize, usize)>,
    /// Every keyword occurrence `(start, keyword id)` the last searching
    /// [`collect_windows_given`] found, in order of start: redaction re-scans the neighbourhoods of its replacements
    /// with these instead of searching their unchanged bytes again (see
    /// `redact::region_hits`).
    pub(crate) kw_hits: Vec<(usize, u32)>,
    /// The address and length of the text `kw_hits` were found in ((0, 0): none), so that a
    /// redaction uses them only for the text they belong to.
    pub(crate) kw_hits_of: (usize, usize),
    /// The re-scan's working vectors (see `redact::rescan`).
    pub(crate) rescan: crate::redact::RescanBuffers,
}

/// Results of recent digit screens (see [`screen_memoized`]). A screen's result depends only
/// on the byte before its start (the DFA's look-behind) and the bytes it walked until the DFA
/// died, so a start whose previous byte and following bytes repeat an entry reports the same
/// patterns without walking: log lines repeat their timestamps' dates, and most digit screens
/// on logs repeat one of a few walks. Direct-mapped, [`MEMO_SLOTS`] entries.
#[derive(Default)]
struct ScreenMemo {
    entries: Vec<MemoEntry>,
}

const MEMO_SLOTS: usize = 64;
/// Longest walk remembered; longer ones (rare: the DFA dies within a value's length) are not.
const MEMO_BYTES: usize = 24;

#[derive(Clone, Copy, Default)]
struct MemoEntry {
    /// The bytes walked, from the start to the byte where the DFA died (`len` of them; 0: empty
    /// slot).
    bytes: [u8; MEMO_BYTES],
    len: u8,
    /// The byte before the start, or 256 at the start of the text.
    prev: u16,
    /// The patterns that matched a prefix of `bytes`.
    pids: u128,
}

/// Walks a screening DFA (digit or upper-case rules) anchored at `s` and reports every
/// pattern that matches a prefix of `hay[s..end]` (see [`crate::screen::walk`]).
#[inline]
fn screen_anchored<W: Walker>(
    w: &mut W,
    hay: &[u8],
    s: usize,
    end: usize,
    found: &mut dyn FnMut(usize),
) -> Result<(), ()> {
    walk_anchored(w, hay, s, end, |_, w, sid| w.for_each_match(sid, found))
}

/// The digit screen of one scan: the precompiled DFA, or the lazy one with this thread's cache.
enum DigitScreen<'a> {
    Dense(DenseWalk<'a>),
    Lazy(LazyWalk<'a>),
}

impl DigitScreen<'_> {
    /// [`screen_memoized`] on whichever DFA this is.
    #[inline]
    fn screen(
        &mut self,
        memo: &mut ScreenMemo,
        hay: &[u8],
        s: usize,
        end: usize,
        found: &mut dyn FnMut(usize),
    ) -> Result<(), ()> {
        match self {
            DigitScreen::Dense(w) => screen_memoized(w, memo, hay, s, end, found),
            DigitScreen::Lazy(w) => screen_memoized(w, memo, hay, s, end, found),
        }
    }
}

/// Whether the first `len` bytes (at most [`MEMO_BYTES`], at most `hay.len()`) of `hay` and
/// `bytes` agree: three masked 8-byte compares where `hay` holds 24 bytes (a memo hit costs no
/// `memcmp` call), the slices compared otherwise.
#[inline]
fn same_head(hay: &[u8], bytes: &[u8; MEMO_BYTES], len: usize) -> bool {
    let Some(h) = hay.get(..MEMO_BYTES) else { return hay[..len] == bytes[..len] };
    let word = |b: &[u8], w: usize| {
        let mut x = [0u8; 8];
        x.copy_from_slice(&b[8 * w..8 * w + 8]);
        u64::from_le_bytes(x)
    };
    (0..MEMO_BYTES / 8).all(|w| {
        let n = len.saturating_sub(8 * w).min(8);
        let mask = if n == 8 { u64::MAX } else { (1u64 << (8 * n)) - 1 };
        (word(h, w) ^ word(bytes, w)) & mask == 0
    })
}

/// [`screen_anchored`] through `memo`: the same patterns reported (each once), and the DFA walked
/// only when no entry holds the same previous byte and walked bytes.
#[inline]
fn screen_memoized<W: Walker>(
    w: &mut W,
    memo: &mut ScreenMemo,
    hay: &[u8],
    s: usize,
    end: usize,
    found: &mut dyn FnMut(usize),
) -> Result<(), ()> {
    if w.pattern_len() > 128 {
        return screen_anchored(w, hay, s, end, found);
    }
    if memo.entries.is_empty() {
        memo.entries = vec![MemoEntry::default(); MEMO_SLOTS];
    }
    let prev = s.checked_sub(1).map_or(256, |p| u16::from(hay[p]));
    // The first four bytes of the walk (fewer, zero-padded, near its end): one load where it
    // has four, not a `memcpy` call of a variable length.
    let head = match hay.get(s..s + 4).filter(|_| end - s >= 4) {
        Some(&[a, b, c, d]) => u32::from_le_bytes([a, b, c, d]),
        _ => {
            let mut head = [0u8; 4];
            let n = (end - s).min(4);
            head[..n].copy_from_slice(&hay[s..s + n]);
            u32::from_le_bytes(head)
        }
    };
    let key = head ^ (u32::from(prev) << 13);
    let slot = (key.wrapping_mul(0x9E37_79B1) >> 26) as usize % MEMO_SLOTS;
    let e = &memo.entries[slot];
    let len = usize::from(e.len);
    // The walk died after `len` bytes: the same bytes within this start's end, after the same
    // byte, walk the same states.
    if len > 0 && e.prev == prev && s + len <= end && same_head(&hay[s..], &e.bytes, len) {
        let mut p = e.pids;
        while p != 0 {
            found(p.trailing_zeros() as usize);
            p &= p - 1;
        }
        return Ok(());
    }
    let input = Input::new(hay).span(s..end).anchored(Anchored::Yes);
    let mut sid = w.start(&input)?;
    let mut pids = 0u128;
    let mut dead = false;
    for (k, &b) in hay[s..end].iter().enumerate() {
        sid = w.next(sid, b)?;
        if w.is_special(sid) {
            if w.is_match(sid) {
                w.for_each_match(sid, &mut |p| pids |= 1 << p);
            } else if w.is_dead(sid) {
                if k < MEMO_BYTES {
                    let mut bytes = [0u8; MEMO_BYTES];
                    match hay.get(s..s + MEMO_BYTES) {
                        // A copy of fixed size (no `memcpy` call): bytes past `k` are never
                        // compared (`same_head` masks them).
                        Some(w) => bytes.copy_from_slice(w),
                        None => bytes[..=k].copy_from_slice(&hay[s..=s + k]),
                    }
                    memo.entries[slot] = MemoEntry { bytes, len: (k + 1) as u8, prev, pids };
                }
                dead = true;
                break;
            } else if w.is_quit(sid) {
                return Err(());
            }
        }
    }
    if !dead {
        // The walk reached its end: one more transition, on the byte after it or the end of
        // the text (a match shows one byte late). Not remembered: it depends on `end`.
        sid = match hay.get(end) {
            Some(&b) => w.next(sid, b)?,
            None => w.next_eoi(sid)?,
        };
        if w.is_match(sid) {
            w.for_each_match(sid, &mut |p| pids |= 1 << p);
        } else if w.is_quit(sid) {
            return Err(());
        }
    }
    while pids != 0 {
        found(pids.trailing_zeros() as usize);
        pids &= pids - 1;
    }
    Ok(())
}

/// Windows of the screened upper-case rules for the trigger letter at `a`. Their matches start
/// where a word does ([`crate::scanner::Rule::word_start`]) and at most their `window_before`
/// bytes before the trigger, so the screening DFA runs anchored at each word start in reach,
/// and a rule gets a window only where its regex matches there: one short anchored run
/// instead of three unanchored searches of about 50 bytes (logs and code hold thousands of
/// upper-case letters before digits: hex, base64, class names).
fn screen_upper(
    inner: &Inner,
    mut set: Option<(&regex_automata::hybrid::dfa::DFA, &mut regex_automata::hybrid::dfa::Cache)>,
    hay: &[u8],
    a: usize,
    windows: &mut Vec<(u32, usize, usize)>,
) {
    let lo = a.saturating_sub(inner.triggers.upper_before);
    word_starts_down(hay, lo, a, |q| {
        screen_upper_at(inner, set.as_mut().map(|(d, c)| (&**d, &mut **c)), hay, a, q, windows);
    });
}

/// Calls `f(q)` for every start of a word (ASCII letters, digits and `_`) in `lo..=hi`, from
/// the last down. The starts come from a mask of word bytes per 64 positions: testing each
/// position was a branch as unpredictable as the text (code: ~14 mispredictions per
/// [`screen_upper`] call).
#[inline]
fn word_starts_down(hay: &[u8], lo: usize, hi: usize, mut f: impl FnMut(usize)) {
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut end = hi + 1;
    while end > lo {
        let from = end.saturating_sub(64).max(lo);
        let word = hay[from..end].iter().enumerate().fold(0u64, |m, (k, &b)| m | u64::from(is_word(b)) << k);
        let before = from > 0 && is_word(hay[from - 1]);
        let mut starts = word & !(word << 1 | u64::from(before));
        while starts != 0 {
            let k = 63 - starts.leading_zeros() as usize;
            starts &= !(1 << k);
            f(from + k);
        }
        end = from;
    }
}

/// [`screen_upper`] at one word start `q` before (or at) the trigger `a`.
fn screen_upper_at(
    inner: &Inner,
    set: Option<(&regex_automata::hybrid::dfa::DFA, &mut regex_automata::hybrid::dfa::Cache)>,
    hay: &[u8],
    a: usize,
    q: usize,
    windows: &mut Vec<(u32, usize, usize)>,
) {
    let t = &inner.triggers;
    let mut push_rule = |pid: usize| {
        let r = t.upper_screened[pid];
        let spec = &inner.rules[r as usize].spec;
        if a - q <= spec.window_before {
            windows.push((r, q, (q + spec.max_len + 1).min(hay.len())));
        }
    };
    let end = (q + t.upper_max_len).min(hay.len());
    let screened = match set {
        Some((dfa, cache)) => screen_anchored(&mut LazyWalk { dfa, cache }, hay, q, end, &mut push_rule).is_ok(),
        None => false,
    };
    if !screened {
        // No DFA (it failed to build) or it gave up: every rule gets its window.
        for pid in 0..t.upper_screened.len() {
            push_rule(pid);
        }
    }
}

/// How far a window's start moves back to reach whitespace (see [`snap_to_space`]).
const SNAP_BACK: usize = 256;

/// Moves a window start back to the nearest ASCII whitespace (or the text's start) within
/// [`SNAP_BACK`] bytes. The search in a window takes the leftmost match and, when a validator
/// rejects it, goes on after it: so where the window begins decides which matches are seen.
/// A window that began inside a long token could find a match inside it (`.x@host` in
/// `<73-char local part>.x@host`) that a window starting before the token skips, and
/// re-scanning the redacted text, whose windows differ, would then find what the first pass
/// did not (found by the scan_redact fuzz target). Matches rarely hold whitespace but as
/// their first char, so from whitespace on, the search sees what a scan from the text's
/// start would.
#[inline]
fn snap_to_space(hay: &[u8], s: usize) -> usize {
    let lo = s.saturating_sub(SNAP_BACK);
    match hay[lo..s].iter().rposition(|b| b.is_ascii_whitespace()) {
        Some(p) => lo + p,
        None if lo == 0 => 0,
        None => s,
    }
}

#[inline]
fn floor_char(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[inline]
fn ceil_char(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Scans `text`; returns accepted candidates sorted by start.
pub(crate) fn scan(inner: &Inner, scratch: &mut Scratch, text: &str) -> Vec<Candidate> {
    scan_given(inner, scratch, text, None)
}

/// [`scan`] with the keyword occurrences in `text` already known (`hits`: every occurrence of
/// every keyword, `(start, keyword id)` in order of start, as the search reports them): the
/// same candidates, without the keyword search.
pub(crate) fn scan_with_hits(
    inner: &Inner,
    scratch: &mut Scratch,
    text: &str,
    hits: &[(usize, u32)],
) -> Vec<Candidate> {
    scan_given(inner, scratch, text, Some(hits))
}

fn scan_given(inner: &Inner, scratch: &mut Scratch, text: &str, hits: Option<&[(usize, u32)]>) -> Vec<Candidate> {
    collect_windows_given(inner, scratch, text.as_bytes(), hits);
    let cands = confirm_windows(inner, scratch, text);
    // Policy hook: deny-list matches added, allow-listed values dropped (policy.rs).
    crate::policy::apply_lists(inner, text, cands)
}

/// Stage 1: fills `scratch.windows` with `(rule, start, end)` for every place a rule may
/// match (keywords, digit clusters, `@`, hex-colon runs, upper-case letters before digits).
///
/// Where the CPU has AVX2 and the bit instructions that come with it (BMI1/2, LZCNT,
/// POPCNT), the same code is compiled a second time for them: the baseline x86-64 target
/// has no POPCNT and no TZCNT, which the cluster loop uses once per cluster (logs: one every
/// 15 bytes), and the vector kernels inline into it.
///
/// The keyword occurrences are taken from `hits` when given (then `scratch.kw_hits` is left
/// empty); otherwise they are searched for, and kept in `scratch.kw_hits`.
#[allow(unsafe_code)]
fn collect_windows_given(inner: &Inner, scratch: &mut Scratch, hay: &[u8], hits: Option<&[(usize, u32)]>) {
    #[cfg(target_arch = "x86_64")]
    if crate::has_x86_64_v3() {
        // SAFETY: the CPU has every feature `collect_windows_v3` enables (checked just above).
        return unsafe { collect_windows_v3(inner, scratch, hay, hits) };
    }
    collect_windows_body(inner, scratch, hay, hits);
}

/// [`collect_windows_given`], searching for the keyword occurrences (for tests and
/// `stages`; the scans compose it in `scan_given`).
#[cfg(any(test, feature = "stages"))]
pub(crate) fn collect_windows(inner: &Inner, scratch: &mut Scratch, hay: &[u8]) {
    collect_windows_given(inner, scratch, hay, None);
}

/// [`collect_windows_given`]'s body compiled for AVX2 and its bit instructions.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,bmi1,bmi2,lzcnt,popcnt")]
fn collect_windows_v3(inner: &Inner, scratch: &mut Scratch, hay: &[u8], hits: Option<&[(usize, u32)]>) {
    collect_windows_body(inner, scratch, hay, hits);
}

#[inline(always)]
fn collect_windows_body(inner: &Inner, scratch: &mut Scratch, hay: &[u8], hits: Option<&[(usize, u32)]>) {
    let t = &inner.triggers;
    let rules = &inner.rules;
    scratch.windows.clear();
    scratch.kw_hits.clear();
    scratch.kw_hits_of = if hits.is_none() { (hay.as_ptr() as usize, hay.len()) } else { (0, 0) };
    let windows = &mut scratch.windows;
    let push = |windows: &mut Vec<(u32, usize, usize)>, r: u32, anchor: usize, anchor_end: usize| {
        let spec = &rules[r as usize].spec;
        windows.push((r, anchor.saturating_sub(spec.window_before), (anchor_end + spec.max_len + 1).min(hay.len())));
    };

    // Stage 1a: every occurrence of every keyword, one pass.
    let kw = &t.keywords;
    let mut on_keyword = |start: usize, id: usize| {
        let klen = kw.literals.keyword_len(id);
        // `PASSPORT` inside our own `[US_PASSPORT]` label is no keyword. (A keyword with a
        // lower-case letter never is: tested first, its flag saves most calls, whose walks
        // branch as unpredictably as the text.)
        if kw.label_like[id] && start > 0 && hay[start - 1] != b'[' && inside_label(hay, start, start + klen) {
            return;
        }
        for (r, follow) in &kw.rules[id] {
            let r = *r;
            // No match holds the keyword here where the regex puts it (`TokenFilter`).
            if follow.as_ref().is_some_and(|set| !hay.get(start + klen).is_some_and(|&b| set.contains(b))) {
                continue;
            }
            if let Some(offs) = &rules[r as usize].kw_offsets {
                // Its matches hold the keyword at one of these distances from their start: a
                // window starts at each such start (stage 2 searches anchored at window starts).
                let end = (start + klen + rules[r as usize].spec.max_len + 1).min(hay.len());
                for &o in offs.iter() {
                    if let Some(s) = start.checked_sub(o) {
                        windows.push((r, s, end));
                    }
                }
            } else {
                push(windows, r, start, start + klen);
            }
        }
    };
    match hits {
        Some(hits) => hits.iter().for_each(|&(start, id)| on_keyword(start, id as usize)),
        None => {
            let kw_hits = &mut scratch.kw_hits;
            kw.literals.for_each(hay, |start, id| {
                kw_hits.push((start, id as u32));
                on_keyword(start, id);
            });
        }
    }

    // Stage 1b: digit clusters, screened by one multi-pattern DFA run *anchored* at each place
    // a value can start: every digit group of the cluster, and the few bytes before it that can
    // belong to a value (`+`, `(`, letters of an IBAN or an ID prefix). An unanchored
    // overlapping search over the same bytes explodes the lazy DFA's state count (measured:
    // determinization was 30% of the run time on logs).
    // One pass over digit clusters serves both digit rules and the upper-case + digit trigger.
    let digit_set = t.digit_set();
    let upper_set = t.upper_set();
    let any_upper = !t.upper.is_empty() || !t.upper_screened.is_empty();
    if digit_set.is_some() || any_upper || !t.dotted.is_empty() {
        let set_cache = &mut scratch.set_cache;
        let mut digit_screen = digit_set.map(|set| match set {
            ScreenDfa::Dense(dfa) => DigitScreen::Dense(DenseWalk(dfa)),
            ScreenDfa::Lazy(dfa) => {
                DigitScreen::Lazy(LazyWalk { dfa, cache: set_cache.get_or_insert_with(|| dfa.create_cache()) })
            }
        });
        let mut upper_cache = upper_set.map(|set| scratch.upper_cache.get_or_insert_with(|| set.create_cache()));
        let memo = &mut scratch.digit_memo;
        let any_dotted = !t.dotted.is_empty();
        // The shortest cluster a digit rule or a dotted one can use: a rule's fewest digits,
        // and four digits and three dots. Shorter ones serve only upper-case rules, and only
        // after a capital; the iterator skips the rest in bulk.
        let by_digits = if digit_screen.is_some() { t.digit_min as usize } else { usize::MAX };
        let min_len = by_digits.min(if any_dotted { 7 } else { usize::MAX });
        for c in DigitClusters::wanted(hay, min_len, any_upper) {
            // Most clusters in logs and code serve no trigger (too few digits, no capital
            // before them): one branch on all three conditions, each computed without one
            // (they are unpredictable from one cluster to the next).
            let capital = any_upper & hay.get(c.start.wrapping_sub(1)).is_some_and(u8::is_ascii_uppercase);
            let dotted = any_dotted & (c.digits >= 4) & c.many_dots;
            let screened = digit_screen.is_some() & (c.digits >= t.digit_min);
            if !(capital | dotted | screened) {
                continue;
            }
            if capital && is_upper_start(hay, c.start) {
                for &r in &t.upper {
                    push(windows, r, c.start - 1, c.start);
                }
                if !t.upper_screened.is_empty() {
                    screen_upper(inner, upper_set.zip(upper_cache.as_deref_mut()), hay, c.start - 1, windows);
                }
            }
            if dotted {
                for &r in &t.dotted {
                    push(windows, r, c.start, c.start + 1);
                }
            }
            let Some(screen) = digit_screen.as_mut().filter(|_| screened) else { continue };
            let mut try_start = |s: usize, windows: &mut Vec<(u32, usize, usize)>| {
                let end = (s + t.digit_max_len).min(hay.len());
                let push_rule = |pid: usize, windows: &mut Vec<(u32, usize, usize)>| {
                    let r = t.digits[pid];
                    let spec = &rules[r as usize].spec;
                    if c.digits >= u32::from(spec.min_digits) {
                        windows.push((r, s, (s + spec.max_len + 1).min(hay.len())));
                    }
                };
                if screen.screen(memo, hay, s, end, &mut |pid| push_rule(pid, windows)).is_err() {
                    // The lazy DFA gave up (cache thrash or a quit byte): confirm every rule.
                    for pid in 0..t.digits.len() {
                        push_rule(pid, windows);
                    }
                }
            };
            // Value starts before the digits: `+44 …`, `(555) …`, `DE89 …`, `JK 48 …`,
            // `Y-0395728-G`; separators are stepped over, other bytes end the walk.
            for_each_value_prefix(hay, c.start, t.digit_before, |s| try_start(s, windows));
            try_start(c.start, windows);
            // Inside a cluster a value starts only after a space (`ref 12 4111 1111 …`), not
            // after `-`, `.` or `/`, and only where enough digits remain.
            // Digits left are counted once and decremented: recounting at every space was
            // quadratic on one long line of spaced digit groups. Most clusters hold no space.
            if !c.spaced {
                continue;
            }
            // One walk over the (short) cluster: a memchr per cluster cost more than the walk.
            let mut remaining = c.digits as usize;
            for i in c.start..c.end {
                let b = hay[i];
                if b.is_ascii_digit() {
                    remaining -= 1;
                } else if b == b' ' && hay[i + 1].is_ascii_digit() && remaining >= t.digit_min as usize {
                    // A space inside a cluster is followed by more of it: `i + 1 < c.end`.
                    try_start(i + 1, windows);
                }
            }
        }
    }

    // Stage 1c: '@', hex around ':', upper-case letter + digit.
    if !t.at.is_empty() {
        for p in memchr::memchr_iter(b'@', hay) {
            if t.at_after.as_ref().is_some_and(|set| p == 0 || !set.contains(hay[p - 1])) {
                continue;
            }
            for &r in &t.at {
                push(windows, r, p, p + 1);
            }
        }
    }
    if !t.hexcolon.is_empty() {
        for (s, e) in HexColonClusters::new(hay) {
            for &r in &t.hexcolon {
                windows.push((r, s.saturating_sub(1), (e + 1).min(hay.len())));
            }
        }
    }
}

/// Whether a scan of `hay` may find anything though no keyword occurs in it: `hay` holds an
/// ASCII digit (digit, upper-case and dotted triggers all start at a digit cluster), an `@`
/// (where `@` rules exist) or a `:` (where hex-colon rules exist), or the policy has a deny
/// list (searched in every text). Where it returns false, [`scan_with_hits`] with no
/// occurrences returns nothing.
#[allow(unsafe_code)]
pub(crate) fn may_open_windows(inner: &Inner, hay: &[u8]) -> bool {
    // Each kind of trigger but keywords needs one of the bytes below: a new kind must be
    // added here (this match stops compiling until it is).
    let _ = |kind: Trigger| match kind {
        Trigger::Keywords | Trigger::Digits | Trigger::Upper | Trigger::Dotted | Trigger::At | Trigger::HexColon => (),
    };
    let t = &inner.triggers;
    if inner.policy.deny.is_some() {
        return true;
    }
    // A byte no trigger uses stands for an absent one (a digit is tested anyway).
    let at = if t.at.is_empty() { b'0' } else { b'@' };
    let colon = if t.hexcolon.is_empty() { b'0' } else { b':' };
    #[cfg(target_arch = "x86_64")]
    if crate::has_avx2() {
        // SAFETY: the CPU has AVX2, the one feature `any_of_avx2` enables (checked just above).
        return unsafe { any_of_avx2(hay, at, colon) };
    }
    any_of(hay, at, colon)
}

/// Whether `hay` holds an ASCII digit, `at` or `colon`. The loop has no branch per byte, so it
/// compiles to vector compares.
#[inline(always)]
fn any_of(hay: &[u8], at: u8, colon: u8) -> bool {
    hay.chunks(32).any(|c| c.iter().fold(false, |acc, &b| acc | (b.wrapping_sub(b'0') < 10) | (b == at) | (b == colon)))
}

/// [`any_of`] with AVX2, 32 bytes a step: a digit is a byte whose distance above `0` is at
/// most 9 (unsigned), and two compares find `at` and `colon`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[allow(unsafe_code)]
fn any_of_avx2(hay: &[u8], at: u8, colon: u8) -> bool {
    use std::arch::x86_64::*;
    let (blocks, rest) = hay.as_chunks::<32>();
    let (zero, nine) = (_mm256_set1_epi8(b'0' as i8), _mm256_set1_epi8(9));
    let (at_v, colon_v) = (_mm256_set1_epi8(at as i8), _mm256_set1_epi8(colon as i8));
    for c in blocks {
        // SAFETY: `c` is 32 readable bytes, and `loadu` has no alignment requirement.
        let v = unsafe { _mm256_loadu_si256(c.as_ptr().cast()) };
        let d = _mm256_sub_epi8(v, zero);
        let digit = _mm256_cmpeq_epi8(_mm256_min_epu8(d, nine), d);
        let other = _mm256_or_si256(_mm256_cmpeq_epi8(v, at_v), _mm256_cmpeq_epi8(v, colon_v));
        if _mm256_movemask_epi8(_mm256_or_si256(digit, other)) != 0 {
            return true;
        }
    }
    any_of(rest, at, colon)
}

/// Stage 2 and 3: merges each rule's windows from `scratch.windows`, confirms them (regex,
/// validators, filters) and resolves overlaps; candidates sorted by start.
pub(crate) fn confirm_windows(inner: &Inner, scratch: &mut Scratch, text: &str) -> Vec<Candidate> {
    let hay = text.as_bytes();
    let rules = &inner.rules;
    let windows = &mut scratch.windows;
    if windows.is_empty() {
        return Vec::new();
    }

    // Stage 2: merge each rule's windows and confirm.
    sort_windows(windows, &mut scratch.window_spare, &mut scratch.window_counts, rules.len());
    let windows = &scratch.windows;
    let mut cands: Vec<Candidate> = Vec::new();
    let mut i = 0;
    let n = windows.len();
    while i < n {
        let first = i;
        let (r, mut s, mut e) = windows[i];
        i += 1;
        while i < n && windows[i].0 == r && windows[i].1 <= e {
            e = e.max(windows[i].2);
            i += 1;
        }
        let rule = &rules[r as usize];
        e = ceil_char(text, e);
        let parts = (&mut scratch.caches, &mut scratch.slots, &mut scratch.splits);
        let screened = match rule.spec.trigger {
            Trigger::Digits => true,
            Trigger::Upper => rule.word_start,
            _ => false,
        };
        if rule.kw_offsets.is_some() || screened {
            // Each window starts where a match can start: at a distance from a keyword, or
            // where the digit or upper-case screen found the rule's regex matching.
            let starts = windows[first..i].iter().map(|w| w.1);
            let glued = screened;
            confirm(inner, parts, r, text, Span::Starts { starts, end: e, glued }, &mut cands);
        } else {
            s = floor_char(text, snap_to_space(hay, s));
            confirm(inner, parts, r, text, Span::<std::iter::Empty<usize>>::Window(s, e), &mut cands);
        }
    }
    if cands.is_empty() {
        return cands;
    }
    resolve_overlaps(cands)
}

/// Sorts windows by rule, then start (the order of ends among equal starts does not matter:
/// merging keeps the largest end).
///
/// Few windows (a prompt's handful) take one comparison sort on a packed key. Many (code:
/// about 1,200 per 256 KiB segment) are bucketed by rule in one counting pass instead, and each
/// rule's windows are then sorted by start only where they are not already: every trigger
/// pushes its windows in text order, so most rules' runs are. Measured on `code.txt`
/// (callgrind, first pass): the comparison sort was 30M of 555M instructions.
fn sort_windows(
    windows: &mut Vec<(u32, usize, usize)>,
    spare: &mut Vec<(u32, usize, usize)>,
    counts: &mut Vec<u32>,
    rules: usize,
) {
    let n = windows.len();
    // The counting pass costs a few steps per rule besides its steps per window.
    if n < 128.max(rules / 4) || n >= u32::MAX as usize {
        if windows.iter().all(|w| w.1 < 1 << 40) && rules < 1 << 24 {
            windows.sort_unstable_by_key(|&(r, s, _)| (u64::from(r) << 40) | s as u64);
        } else {
            windows.sort_unstable();
        }
        return;
    }
    counts.clear();
    counts.resize(rules + 1, 0);
    for w in windows.iter() {
        counts[w.0 as usize + 1] += 1;
    }
    for r in 0..rules {
        counts[r + 1] += counts[r];
    }
    // `counts[r]` is now where rule r's windows begin; each placement advances it.
    spare.clear();
    spare.resize(n, (0, 0, 0));
    for &w in windows.iter() {
        let at = &mut counts[w.0 as usize];
        spare[*at as usize] = w;
        *at += 1;
    }
    // `counts[r]` is now where rule r's windows end.
    let mut begin = 0;
    for &end in counts[..rules].iter() {
        let run = &mut spare[begin..end as usize];
        if !run.is_sorted_by_key(|w| w.1) {
            run.sort_unstable_by_key(|w| w.1);
        }
        begin = end as usize;
    }
    std::mem::swap(windows, spare);
}

/// A rule's regex caches, capture slots and value-split caches, out of [`Scratch`].
type ConfirmScratch<'s> =
    (&'s mut Vec<Option<Cache>>, &'s mut Vec<Option<NonMaxUsize>>, &'s mut Vec<Option<SplitCache>>);

/// Where stage 2 searches a rule: an unanchored search over a window, or anchored searches at
/// each of the given starts (ascending) with matches ending by the window end; with `glued`,
/// a match followed by `-`, `.` or `/` and a digit is followed by the window search (see
/// [`Matcher::search_at`]).
enum Span<I> {
    Window(usize, usize),
    Starts { starts: I, end: usize, glued: bool },
}

fn confirm(
    inner: &Inner,
    scratch: ConfirmScratch<'_>,
    r: u32,
    text: &str,
    span: Span<impl Iterator<Item = usize>>,
    out: &mut Vec<Candidate>,
) {
    let rule: &Rule = &inner.rules[r as usize];
    let Some(regex) = rule.regex() else { return };
    let (caches, slots, splits) = scratch;
    if caches.len() <= r as usize {
        caches.resize_with(r as usize + 1, || None);
    }
    let cache = caches[r as usize].get_or_insert_with(|| regex.create_cache());
    let nslots = 2 * (rule.value_group.unwrap_or(0) + 1);
    slots.clear();
    slots.resize(nslots, None);
    let split = match rule.value_group {
        Some(_) => {
            if splits.len() <= r as usize {
                splits.resize_with(r as usize + 1, || None);
            }
            Some(splits[r as usize].get_or_insert_with(SplitCache::default))
        }
        None => None,
    };
    let mut m = Matcher { inner, rule, r, regex, cache, slots, split, text, out };
    let (ws, we) = match span {
        Span::Window(ws, we) => (ws, we),
        Span::Starts { starts, end, glued } => return m.search_at(starts, end, glued),
    };
    if rule.at_token {
        // `@property` and `"@types/node"` hold no email or credential URL.
        at_spans(text.as_bytes(), ws, we, rule.at_after.as_ref(), |s, e, may_match| {
            if may_match {
                m.search(s, e);
            }
        });
    } else {
        m.search(ws, we);
    }
}

/// Calls `f(start, end, inner_at)` with the parts of `hay[ws..we]` an `@`-token rule can
/// match in: around each `@`, the run of non-whitespace bytes and the whitespace byte before
/// it (a match may start there), plus the whitespace byte after it, which no match holds, so
/// a match never runs into a cut end (see `Matcher::search`). Overlapping parts are merged;
/// whitespace is ASCII, as for window starts. The flag says whether the part may hold a match:
/// with a set `after` (see `Rule::at_after`), only if one of its `@` follows a byte of the
/// window in that set.
fn at_spans(hay: &[u8], ws: usize, we: usize, after: Option<&ByteSet>, mut f: impl FnMut(usize, usize, bool)) {
    let mut cur: Option<(usize, usize, bool)> = None;
    let mut next = ws;
    while let Some(p) = memchr::memchr(b'@', &hay[next..we]) {
        let q = next + p;
        let lo = cur.map_or(ws, |c| c.1);
        let s = match hay[lo..q].iter().rposition(u8::is_ascii_whitespace) {
            Some(i) => lo + i,
            // The token goes on from the previous part (or starts the window).
            None => lo.saturating_sub(usize::from(cur.is_some())),
        };
        let e = hay[q + 1..we].iter().position(u8::is_ascii_whitespace).map_or(we, |i| q + 2 + i);
        let inner = after.is_none_or(|set| {
            memchr::memchr_iter(b'@', &hay[q..e]).any(|i| q + i > ws && set.contains(hay[q + i - 1]))
        });
        cur = match cur {
            Some((cs, ce, ci)) if s < ce => Some((cs, e, ci || inner)),
            Some((cs, ce, ci)) => {
                f(cs, ce, ci);
                Some((s, e, inner))
            }
            None => Some((s, e, inner)),
        };
        next = e;
    }
    if let Some((s, e, inner)) = cur {
        f(s, e, inner);
    }
}

/// One rule's regex search over parts of a text, collecting judged candidates.
struct Matcher<'a> {
    inner: &'a Inner,
    rule: &'a Rule,
    r: u32,
    regex: &'a regex_automata::meta::Regex,
    cache: &'a mut Cache,
    slots: &'a mut Vec<Option<NonMaxUsize>>,
    /// For a rule with a `value` group: once it has matched [`SPLIT_AFTER`] times, the regex
    /// reports only the match's bounds and the rule's value split finds the value in it; the
    /// regex's capture search runs only where the split cannot decide.
    split: Option<&'a mut SplitCache>,
    text: &'a str,
    out: &'a mut Vec<Candidate>,
}

impl Matcher<'_> {
    /// Every match in `ws..we` (leftmost first, then on after it).
    fn search(&mut self, ws: usize, we: usize) {
        let (rule, hay) = (self.rule, self.text.as_bytes());
        let mut input = Input::new(hay).span(ws..we);
        let split = self.split.as_ref().filter(|c| c.uses >= SPLIT_AFTER).and_then(|_| rule.split());
        let wanted = if split.is_some() { 2 } else { self.slots.len() };
        loop {
            if input.start() >= input.end() {
                break;
            }
            for s in self.slots.iter_mut() {
                *s = None;
            }
            if self.regex.search_slots_with(self.cache, &input, &mut self.slots[..wanted]).is_none() {
                break;
            }
            let (Some(ms), Some(me)) = (self.slots[0], self.slots[1]) else { break };
            let (ms, me) = (ms.get(), me.get());
            input.set_start(if me > ms { me } else { me + 1 });
            self.take(split, ms, me, we);
        }
    }

    /// The matches that start at `starts` (ascending) and end by `we`, skipping starts inside
    /// an earlier match. For a rule whose matches can start only at its window starts (a
    /// keyword at a fixed place, [`Rule::kw_offsets`]; a screened digit or upper-case rule at
    /// the starts its screen matched), these are the matches [`Matcher::search`] finds over
    /// the merged window, without its unanchored forward and reverse passes.
    ///
    /// With `glued` (screened rules): the screen tries no start after a `-`, `.` or `/` inside a
    /// digit cluster, but the window search went on after a match and found a value glued to
    /// it (`5018…3673-6304-9876-…`); so a match followed by one of those and a digit is
    /// followed by the window search, from its end. (After a space the screen looks itself,
    /// where enough digits are left for a value.)
    fn search_at(&mut self, starts: impl Iterator<Item = usize>, we: usize, glued: bool) {
        let split = self.split.as_ref().filter(|c| c.uses >= SPLIT_AFTER).and_then(|_| self.rule.split());
        let wanted = if split.is_some() { 2 } else { self.slots.len() };
        let hay = self.text.as_bytes();
        let mut next = 0;
        for p in starts {
            if p < next || p >= we {
                continue;
            }
            for s in self.slots.iter_mut() {
                *s = None;
            }
            let input = Input::new(hay).span(p..we).anchored(Anchored::Yes);
            if self.regex.search_slots_with(self.cache, &input, &mut self.slots[..wanted]).is_none() {
                continue;
            }
            let (Some(ms), Some(me)) = (self.slots[0], self.slots[1]) else { continue };
            let (ms, me) = (ms.get(), me.get());
            next = if me > ms { me } else { me + 1 };
            self.take(split, ms, me, we);
            if glued && next + 1 < we && matches!(hay[next], b'-' | b'.' | b'/') && hay[next + 1].is_ascii_digit() {
                return self.search(next, we);
            }
        }
    }

    /// Judges the match `[ms, me)` of a search ending at `we` and keeps it if it passes.
    #[inline]
    fn take(&mut self, split: Option<&ValueSplit>, ms: usize, me: usize, we: usize) {
        let (rule, hay) = (self.rule, self.text.as_bytes());
        let (vs, ve) = match rule.value_group {
            Some(g) => self.value_span(split, g, ms, me),
            None => (ms, me),
        };
        if ve <= vs || ve - vs > rule.spec.max_len {
            return;
        }
        // Windows reach one byte past the longest possible match, so a match that runs into
        // the end of its window is the truncated view of a longer one (which `max_len` rules
        // out): redacting its head would leave the tail behind.
        if me == we && we < hay.len() {
            return;
        }
        if rule.spec.trigger == Trigger::Digits && extends_group(hay, ms, me) {
            return;
        }
        if let Some(c) = judge(self.inner, rule, self.r, self.text, ms, vs, ve) {
            self.out.push(c);
        }
    }
}

impl Matcher<'_> {
    /// The `value` group (capture `g`) of the match `[ms, me)`: from the rule's value split
    /// when it has one and it decides, else from the regex's captures (already in `slots`
    /// unless the search asked only for the bounds). Kept out of line: it runs once per match,
    /// the search loop around it once per window.
    #[inline(never)]
    fn value_span(&mut self, split: Option<&ValueSplit>, g: usize, ms: usize, me: usize) -> (usize, usize) {
        let hay = self.text.as_bytes();
        if let (Some(split), Some(c)) = (split, self.split.as_deref_mut()) {
            if let Some(v) = split.resolve(c, hay, ms, me) {
                return v;
            }
            // The captures of this match: the same search, anchored on it.
            let on_match = Input::new(hay).span(ms..me).anchored(Anchored::Yes);
            self.regex.search_slots_with(self.cache, &on_match, self.slots);
        } else if let Some(c) = self.split.as_deref_mut() {
            // Counted up to the threshold only: a rule without a split (one-pass) matches on.
            c.uses = (c.uses + 1).min(SPLIT_AFTER);
        }
        match (self.slots[2 * g], self.slots[2 * g + 1]) {
            (Some(a), Some(b)) => (a.get(), b.get()),
            _ => (ms, me),
        }
    }
}

/// Whether a grouped number match is only part of a longer grouping: the text continues (or
/// starts) with one of the match's own separators and a digit group of the same length as the
/// match's last (first) group. `4854 2534 7397` inside `4854 2534 7397 7185` is not an
/// Aadhaar number; `4111 1111 1111 1111 123` still ends a card number.
fn extends_group(hay: &[u8], ms: usize, me: usize) -> bool {
    let m = &hay[ms..me];
    let is_sep = |b: u8| matches!(b, b' ' | b'-' | b'.' | b'/');
    let group_len = |it: &mut dyn Iterator<Item = &u8>| it.take_while(|b| b.is_ascii_digit()).count();
    let last = group_len(&mut m.iter().rev());
    let first = group_len(&mut m.iter());
    if last == m.len() {
        return false; // no separators inside: \b edges already handle plain runs
    }
    if me + 1 < hay.len() && is_sep(hay[me]) && m.contains(&hay[me]) {
        let next = group_len(&mut hay[me + 1..].iter());
        if next == last && next > 0 {
            return true;
        }
    }
    if ms >= 2 && is_sep(hay[ms - 1]) && m.contains(&hay[ms - 1]) {
        let prev = group_len(&mut hay[..ms - 1].iter().rev());
        if prev == first && prev > 0 {
            return true;
        }
    }
    false
}

/// Stage 2 filters and stage 3 confidence for one regex match.
fn judge(inner: &Inner, rule: &Rule, r: u32, text: &str, ms: usize, vs: usize, ve: usize) -> Option<Candidate> {
    let spec = &rule.spec;
    let value = text.get(vs..ve)?;
    if is_own_replacement(value) {
        return None;
    }
    // A match whose context part starts inside one of our labels would let redaction create
    // findings (`[US_PASSPORT] 650554189`): labels are never context.
    if ms < vs && inside_label(text.as_bytes(), ms, ms + 1) {
        return None;
    }
    if let Some(v) = spec.validator {
        if !v.check(value) {
            return None;
        }
    }
    if let Some(min) = spec.min_entropy {
        if shannon_entropy(value) < min {
            return None;
        }
    }
    if spec.placeholder_filter && is_placeholder(value) {
        return None;
    }
    let mut confidence = spec.confidence;
    if !spec.context.is_empty() {
        let cs = floor_char(text, ms.saturating_sub(spec.context_window));
        let region = text.get(cs..ve).unwrap_or("");
        let found = has_context(region, &rule.context);
        if spec.context_required && !found {
            return None;
        }
        if found && !spec.context_required {
            confidence = (confidence + 0.1).min(1.0);
        }
    }
    if confidence < inner.threshold {
        return None;
    }
    Some(Candidate { rule: r, start: vs, end: ve, confidence, priority: spec.priority })
}

/// Keeps the best of overlapping candidates: higher priority, then confidence, then longer,
/// then earlier. Returns them sorted by start.
pub(crate) fn resolve_overlaps(mut cands: Vec<Candidate>) -> Vec<Candidate> {
    // Whether a candidate is kept depends only on the candidates it overlaps, so each chain of
    // overlapping candidates is decided on its own, and one that overlaps nothing (most) is
    // kept without a look at priorities. Chains are found in order of start, one pass. (Code
    // with 14,000 findings per 16 MiB: the priority sort of every candidate, then a tree of
    // kept ones, was 18M of 543M instructions.)
    // The kept ones are written over the list itself (`w` never passes `i`): no second vector.
    cands.sort_unstable_by_key(|c| c.start);
    let (mut i, mut w) = (0, 0);
    while i < cands.len() {
        let (mut j, mut end) = (i + 1, cands[i].end);
        while j < cands.len() && cands[j].start < end {
            end = end.max(cands[j].end);
            j += 1;
        }
        if j == i + 1 {
            cands[w] = cands[i];
            w += 1;
        } else {
            for c in resolve_chain(&mut cands[i..j]) {
                cands[w] = c;
                w += 1;
            }
        }
        i = j;
    }
    cands.truncate(w);
    cands
}

/// The order in which overlapping candidates are considered: priority, then confidence, then
/// length (all highest first), then start and rule. Candidates equal in all of these are
/// equal in every field.
fn by_precedence(a: &Candidate, b: &Candidate) -> std::cmp::Ordering {
    b.priority
        .cmp(&a.priority)
        .then(b.confidence.total_cmp(&a.confidence))
        .then((b.end - b.start).cmp(&(a.end - a.start)))
        .then(a.start.cmp(&b.start))
        .then(a.rule.cmp(&b.rule))
}

/// Keeps, in order of precedence, each candidate that overlaps none kept before it; returns
/// the kept ones sorted by start.
fn resolve_chain(cands: &mut [Candidate]) -> Vec<Candidate> {
    cands.sort_unstable_by(by_precedence);
    if cands.len() <= 64 {
        let mut kept: Vec<Candidate> = Vec::with_capacity(cands.len());
        for &c in cands.iter() {
            // `kept` is sorted by start; a candidate overlaps if its neighbours do.
            let i = kept.partition_point(|k| k.start < c.start);
            let clash_prev = i > 0 && kept[i - 1].end > c.start;
            let clash_next = i < kept.len() && kept[i].start < c.end;
            if !clash_prev && !clash_next {
                kept.insert(i, c);
            }
        }
        return kept;
    }
    // A long chain: inserting into a sorted vector would be quadratic.
    let mut kept: std::collections::BTreeMap<usize, Candidate> = std::collections::BTreeMap::new();
    for &c in cands.iter() {
        let clash_prev = kept.range(..c.start).next_back().is_some_and(|(_, k)| k.end > c.start);
        let clash_next = kept.range(c.start..).next().is_some_and(|(_, k)| k.start < c.end);
        if !clash_prev && !clash_next {
            kept.insert(c.start, c);
        }
    }
    kept.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::{
        at_spans, ceil_char, collect_windows, confirm, floor_char, resolve_chain, resolve_overlaps, snap_to_space,
        sort_windows, word_starts_down, Candidate, Scratch, Span,
    };
    use crate::scanner::ByteSet;

    /// A seeded xorshift generator: each call gives a number below its argument.
    fn below(mut r: u64) -> impl FnMut(u64) -> u64 {
        move |m| {
            r ^= r << 13;
            r ^= r >> 7;
            r ^= r << 17;
            r % m
        }
    }

    /// The stage-1 loop compiled for AVX2 and its bit instructions opens the same windows as
    /// the baseline build of the same code, on every rule's examples glued with digits,
    /// separators and capitals (the digit clusters, the dotted and capital triggers) and on
    /// random text of those bytes.
    #[test]
    fn both_builds_of_stage_one_open_the_same_windows() {
        let scanner = crate::Scanner::new();
        let inner = &scanner.inner;
        let mut scratch = Scratch::default();
        let mut next = below(0x2545_F491_4F6C_DD1D);
        let alphabet = b"0123456789 -./()+:@AKZxe_\n\xc3\xa9";
        let mut texts: Vec<Vec<u8>> = inner
            .rules
            .iter()
            .flat_map(|r| r.spec.examples.iter().chain(&r.spec.negative_examples))
            .map(|e| format!("A{e} 12.34.56.78 (555) 0{e}-9 {e}").into_bytes())
            .collect();
        for len in [0, 1, 30, 63, 64, 65, 200, 1000, 5000] {
            for _ in 0..20 {
                texts.push((0..len).map(|_| alphabet[next(alphabet.len() as u64) as usize]).collect());
            }
        }
        let mut checked = 0;
        for t in &texts {
            collect_windows(inner, &mut scratch, t);
            let dispatched = scratch.windows.clone();
            super::collect_windows_body(inner, &mut scratch, t, None);
            assert_eq!(dispatched, scratch.windows, "{:?}", String::from_utf8_lossy(t));
            checked += usize::from(!dispatched.is_empty());
        }
        assert!(checked > texts.len() / 2, "most texts open windows: {checked} of {}", texts.len());
    }

    /// Where `may_open_windows` says no, stage 1 opens windows only at keywords: on every
    /// rule's examples (and negative examples) with one, two or all of the digits, `@` and
    /// `:` taken out, glued to capitals and separators. Each of the three bytes alone opens
    /// windows in some of them.
    #[test]
    fn texts_without_trigger_bytes_open_windows_only_at_keywords() {
        use crate::pack::Trigger;
        let scanner = crate::Scanner::new();
        let inner = &scanner.inner;
        let mut scratch = Scratch::default();
        let examples: Vec<&String> =
            inner.rules.iter().flat_map(|r| r.spec.examples.iter().chain(&r.spec.negative_examples)).collect();
        let classes: [fn(u8) -> bool; 3] = [|b| b.is_ascii_digit(), |b| b == b'@', |b| b == b':'];
        let mut opened_by = [0usize; 3];
        let mut said_no = 0;
        for (k, e) in examples.iter().enumerate() {
            for (keep, opened) in opened_by.iter_mut().enumerate() {
                // Keep one class of bytes (or, every third text, none).
                let t: Vec<u8> = format!("AK {e}, X{e}.")
                    .bytes()
                    .filter(|&b| classes.iter().enumerate().all(|(c, is)| !is(b) || (c == keep && k % 3 != 0)))
                    .collect();
                collect_windows(inner, &mut scratch, &t);
                let others =
                    scratch.windows.iter().any(|w| inner.rules[w.0 as usize].spec.trigger != Trigger::Keywords);
                if !super::may_open_windows(inner, &t) {
                    said_no += 1;
                    assert!(!others, "{:?}", String::from_utf8_lossy(&t));
                } else if others && k % 3 != 0 {
                    *opened += 1;
                }
            }
        }
        assert!(said_no > 100, "{said_no} texts without trigger bytes");
        assert!(opened_by.iter().all(|&n| n > 5), "windows opened by digits, @ and : alone: {opened_by:?}");
        // A deny list is searched in every text.
        let src = "id = \"p\"\nversion = \"1\"\n[[deny]]\nid = \"d\"\ntype = \"CODENAME\"\nterms = [\"Falcon\"]\n";
        let policy = crate::policy::Policy::from_toml("p.toml", src).expect("policy");
        let denying = crate::Scanner::builder().policy(&policy).build().expect("scanner");
        assert!(super::may_open_windows(&denying.inner, b"no trigger here"));
        assert!(!super::may_open_windows(inner, b"no trigger here"));
    }

    /// The AVX2 test for digits, `@` and `:` agrees with the portable one: each byte value at
    /// each place of texts of every length up to 100 (blocks of 32 and the tail).
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn trigger_byte_kernel_matches_its_portable_form() {
        if !crate::has_avx2() {
            return;
        }
        let mut seen = 0;
        for len in 1..100usize {
            for at in (0..len).step_by(7).chain([len - 1]) {
                for b in 0..=255u8 {
                    let mut t = vec![b'x'; len];
                    t[at] = b;
                    for (a, c) in [(b'@', b':'), (b'0', b'0')] {
                        // SAFETY: the CPU has AVX2 (checked above).
                        #[allow(unsafe_code)]
                        let fast = unsafe { super::any_of_avx2(&t, a, c) };
                        assert_eq!(fast, super::any_of(&t, a, c), "{len} {at} {b}");
                        seen += usize::from(fast);
                    }
                }
            }
        }
        assert!(seen > 1000);
    }

    /// Opening `@` windows only after a byte an email can hold before its `@` finds what
    /// opening one at every `@` finds: on the email rule's examples glued to quotes, line
    /// starts and other `@`s, and on random text of those bytes.
    #[test]
    fn at_windows_after_local_part_bytes_find_every_email() {
        let mut scanner = crate::Scanner::new();
        let filtered = crate::Scanner::new();
        let inner = std::sync::Arc::get_mut(&mut scanner.inner).expect("sole owner");
        assert!(inner.triggers.at_after.is_some(), "the email rule puts a set of bytes before its @");
        inner.triggers.at_after = None;
        let email = filtered.inner.rules.iter().position(|r| r.spec.id == "email-address").expect("email rule") as u32;
        let mut next = below(0x5DEE_CE66_D1CE_4E5D);
        let pieces = ["jane", ".doe", "_9", "+x", "'", "@", "@", "example.com", ".org", "\"", "\n", " ", ":", "/", "<"];
        let mut texts: Vec<String> = filtered.inner.rules[email as usize]
            .spec
            .examples
            .iter()
            .flat_map(|e| [format!("\"@{e}\"@x"), format!("@{e}\n@a@{e}"), format!("{e}@{e}")])
            .collect();
        for len in [1, 5, 20, 80] {
            for _ in 0..300 {
                texts.push((0..len).map(|_| pieces[next(pieces.len() as u64) as usize]).collect());
            }
        }
        let (mut all, mut some) = (Scratch::default(), Scratch::default());
        let (mut found, mut fewer) = (0, 0);
        for t in &texts {
            let want = super::scan(&scanner.inner, &mut all, t);
            assert_eq!(super::scan(&filtered.inner, &mut some, t), want, "{t:?}");
            found += want.iter().filter(|c| c.rule == email).count();
            let windows = |s: &Scratch| s.windows.iter().filter(|w| w.0 == email).count();
            assert!(windows(&some) <= windows(&all));
            fewer += usize::from(windows(&some) < windows(&all));
        }
        assert!(found > 100 && fewer > 100, "{found} emails, {fewer} texts with fewer windows");
    }

    /// Opening a keyword's windows only where the byte after it can follow it in a match
    /// finds what opening them at every occurrence finds: on texts glued from the examples of
    /// every rule with follow sets (keywords next to other keywords, identifiers, quotes and
    /// delimiters), most of them holding findings.
    #[test]
    fn keyword_windows_after_follow_bytes_find_every_match() {
        let mut scanner = crate::Scanner::new();
        let filtered = crate::Scanner::new();
        let inner = std::sync::Arc::get_mut(&mut scanner.inner).expect("sole owner");
        let mut with_follow = 0;
        for rules in inner.triggers.keywords.rules.iter_mut() {
            for (_, follow) in rules.iter_mut() {
                with_follow += usize::from(follow.take().is_some());
            }
        }
        assert!(with_follow > 100, "keywords with follow sets: {with_follow}");
        let mut next = below(0x1234_5678_9ABC_DEF1);
        let glue = ["", " ", "\n", "=", "_", "Filter ", "s ", "\"", ": '", "x"];
        let ex: Vec<&str> = filtered
            .inner
            .rules
            .iter()
            .filter(|r| r.kw_follow.iter().any(Option::is_some))
            .flat_map(|r| r.spec.examples.iter().chain(&r.spec.negative_examples))
            .map(String::as_str)
            .collect();
        let (mut all, mut some) = (Scratch::default(), Scratch::default());
        let (mut found, mut fewer) = (0, 0);
        for _ in 0..3000 {
            let mut t = String::new();
            for _ in 0..3 {
                t.push_str(glue[next(glue.len() as u64) as usize]);
                t.push_str(ex[next(ex.len() as u64) as usize]);
            }
            let want = super::scan(&scanner.inner, &mut all, &t);
            assert_eq!(super::scan(&filtered.inner, &mut some, &t), want, "{t:?}");
            found += want.len();
            fewer += usize::from(some.windows.len() < all.windows.len());
        }
        assert!(found > 3000 && fewer > 300, "{found} findings, {fewer} texts with fewer windows");
    }

    /// Deciding each chain of overlapping candidates on its own keeps what deciding all
    /// candidates at once keeps (short and long chains, ties in every field, touching spans).
    #[test]
    fn word_starts_are_found_as_a_walk_finds_them() {
        let alphabet = b"aZ9_ -.\xc3\xa9:";
        let mut r = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..3000 {
            r ^= r << 13;
            r ^= r >> 7;
            r ^= r << 17;
            let len = 1 + (r % 200) as usize;
            let hay: Vec<u8> =
                (0..len).map(|k| alphabet[((r >> (k % 50)) as usize + k * k) % alphabet.len()]).collect();
            let hi = (r >> 8) as usize % len;
            let lo = hi.saturating_sub((r >> 20) as usize % 150);
            let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
            let want: Vec<usize> =
                (lo..=hi).rev().filter(|&q| is_word(hay[q]) && (q == 0 || !is_word(hay[q - 1]))).collect();
            let mut got = Vec::new();
            word_starts_down(&hay, lo, hi, |q| got.push(q));
            assert_eq!(got, want, "{lo}..={hi} in {:?}", String::from_utf8_lossy(&hay));
        }
    }

    #[test]
    fn chains_resolve_as_the_whole_list_does() {
        let mut next = below(0x9E37_79B9_7F4A_7C15);
        for round in 0..400 {
            let n = [0, 1, 2, 5, 40, 200][round % 6];
            let spread = [20, 200, 5_000][round % 3];
            let cands: Vec<Candidate> = (0..n)
                .map(|_| {
                    let start = next(spread) as usize;
                    Candidate {
                        rule: next(6) as u32,
                        start,
                        end: start + 1 + next(30) as usize,
                        confidence: [0.5, 0.8, 0.9][next(3) as usize],
                        priority: next(3) as i32 - 1,
                    }
                })
                .collect();
            let mut whole = cands.clone();
            let want = resolve_chain(&mut whole);
            assert_eq!(resolve_overlaps(cands), want, "round {round}");
        }
    }

    /// Both ways of sorting windows (few: one comparison sort; many: bucketed by rule) give
    /// the windows ordered by rule, then start, and lose or invent none.
    #[test]
    fn window_sorts_order_by_rule_then_start() {
        let mut next = below(0x2545_F491_4F6C_DD1D);
        let (mut spare, mut counts) = (Vec::new(), Vec::new());
        for n in [0usize, 1, 5, 127, 128, 1_000, 5_000] {
            for rules in [1usize, 3, 300, 2_000] {
                // Runs mostly in text order, as triggers push them, with some out of order.
                let mut windows: Vec<(u32, usize, usize)> = (0..n)
                    .map(|i| {
                        let s = if next(4) == 0 { next(10_000) as usize } else { i * 3 };
                        (next(rules as u64) as u32, s, s + next(50) as usize)
                    })
                    .collect();
                let mut want = windows.clone();
                want.sort_unstable();
                sort_windows(&mut windows, &mut spare, &mut counts, rules);
                assert!(windows.windows(2).all(|w| (w[0].0, w[0].1) <= (w[1].0, w[1].1)), "n {n}, rules {rules}");
                windows.sort_unstable();
                assert_eq!(windows, want, "n {n}, rules {rules}");
            }
        }
    }

    /// For every rule searched anchored at its window starts (keyword rules with
    /// [`crate::scanner::Rule::kw_offsets`], digit and upper-case rules at their screened starts):
    /// on texts glued from its examples (positive and negative, with and without separators,
    /// so that matches touch, overlap and repeat), the anchored searches at the window starts
    /// find exactly what the unanchored search over each merged window finds. For digit rules,
    /// whose values start where the screen looks, the window search's matches that start
    /// elsewhere (a value after a `-` in another cluster, reached by a window that happened to
    /// be long enough) are left out of the comparison; nothing else is.
    #[test]
    fn anchored_keyword_search_finds_what_the_window_search_finds() {
        let scanner = crate::Scanner::new();
        let inner = &scanner.inner;
        let mut scratch = Scratch::default();
        let mut anchored = 0;
        let mut found = 0;
        let screened = |r: &crate::scanner::Rule| match r.spec.trigger {
            crate::Trigger::Digits => true,
            crate::Trigger::Upper => r.word_start,
            _ => false,
        };
        for (r, rule) in inner.rules.iter().enumerate().filter(|(_, r)| r.kw_offsets.is_some() || screened(r)) {
            let by_screen = screened(rule);
            anchored += 1;
            let r = r as u32;
            let ex: Vec<&str> =
                rule.spec.examples.iter().chain(&rule.spec.negative_examples).map(String::as_str).collect();
            for a in &ex {
                for b in &ex {
                    for sep in ["", " ", "\n", "=\"", "-", "0", "/"] {
                        let text = format!("{a}{sep}{b}{sep}{a}{a}");
                        collect_windows(inner, &mut scratch, text.as_bytes());
                        let mut mine: Vec<(u32, usize, usize)> =
                            scratch.windows.iter().copied().filter(|w| w.0 == r).collect();
                        mine.sort_unstable();
                        let (mut want, mut got) = (Vec::new(), Vec::new());
                        let screened: Vec<usize> = mine.iter().map(|w| w.1).collect();
                        let mut i = 0;
                        while i < mine.len() {
                            let first = i;
                            let (_, s, mut e) = mine[i];
                            i += 1;
                            while i < mine.len() && mine[i].1 <= e {
                                e = e.max(mine[i].2);
                                i += 1;
                            }
                            let e = ceil_char(&text, e);
                            // A screened rule's window search started where a space before it
                            // was, or at the text's start: values start where the screen looks,
                            // so the reference starts at the group's first start.
                            let ws = if by_screen { s } else { floor_char(&text, snap_to_space(text.as_bytes(), s)) };
                            let parts = (&mut scratch.caches, &mut scratch.slots, &mut scratch.splits);
                            let window = Span::<std::iter::Empty<usize>>::Window(ws, e);
                            confirm(inner, parts, r, &text, window, &mut want);
                            let parts = (&mut scratch.caches, &mut scratch.slots, &mut scratch.splits);
                            let starts =
                                Span::Starts { starts: mine[first..i].iter().map(|w| w.1), end: e, glued: by_screen };
                            confirm(inner, parts, r, &text, starts, &mut got);
                        }
                        // A window snapped back to a space can find a match of an earlier
                        // window again; overlap resolution drops such repeats.
                        for v in [&mut want, &mut got] {
                            v.sort_by_key(|c| (c.start, c.end));
                            v.dedup();
                        }
                        if by_screen {
                            // Glued after a match that was found: searched on (see `search_at`).
                            let glued = |c: &super::Candidate| {
                                c.start >= 1
                                    && matches!(text.as_bytes()[c.start - 1], b'-' | b'.' | b'/')
                                    && got.iter().any(|g| g.end + 1 == c.start)
                            };
                            want.retain(|c| screened.contains(&c.start) || glued(c));
                        }
                        assert_eq!(got, want, "rule {} on examples {a:?} {b:?} with {sep:?}", rule.spec.id);
                        found += want.len();
                    }
                }
            }
        }
        assert!(anchored > 100, "{anchored} rules searched anchored");
        assert!(found > 1000, "{found} matches compared");
    }

    /// The default packs' digit screen is the precompiled one (`build.rs`), and it reports
    /// the same patterns as a lazy screen built at run time from the same regexes; the
    /// memoized screen reports what the plain walk does, at every start of texts that repeat
    /// values and dates after different bytes, with one memo kept across all of them (as a
    /// scanner's scratch keeps it across calls).
    #[test]
    fn digit_screens_report_what_the_walk_reports() {
        use crate::screen::{DenseWalk, LazyWalk, ScreenDfa};
        let scanner = crate::Scanner::new();
        let t = &scanner.inner.triggers;
        let Some(ScreenDfa::Dense(dense)) = t.digit_set() else { panic!("the default digit screen is precompiled") };
        let lazy = crate::scanner::build_screen_set(&t.digit_patterns, "digit").unwrap();
        let mut cache = lazy.create_cache();
        let mut lazy_cache = lazy.create_cache();
        let (mut memo, mut lazy_memo) = (super::ScreenMemo::default(), super::ScreenMemo::default());
        let values = [
            "2024-03-01 00:00:01",
            "078-05-1120",
            "4111 1111 1111 1111",
            "+44 20 7946 0958",
            "(555) 010-4477",
            "DE89 3704 0044 0532 0130 00",
            "83836228",
            "1234567890123",
            "12.345.678-9",
        ];
        let (mut hits, mut screens) = (0, 0);
        for round in 0..3 {
            for before in ["", "\n", " ", "=", "x", "-", "é", "ORD-", "T"] {
                for v in values {
                    let text = format!("{before}{v}{}", [" ", "", "0", ":", "\n"][round + 1]);
                    let hay = text.as_bytes();
                    for s in 0..hay.len() {
                        if !text.is_char_boundary(s) {
                            continue;
                        }
                        let end = (s + t.digit_max_len).min(hay.len());
                        let (mut want, mut got, mut got_lazy) = (Vec::new(), Vec::new(), Vec::new());
                        let mut walk = LazyWalk { dfa: &lazy, cache: &mut cache };
                        let a = super::screen_anchored(&mut walk, hay, s, end, &mut |p| want.push(p));
                        let b =
                            super::screen_memoized(&mut DenseWalk(dense), &mut memo, hay, s, end, &mut |p| got.push(p));
                        let mut walk = LazyWalk { dfa: &lazy, cache: &mut lazy_cache };
                        let c =
                            super::screen_memoized(&mut walk, &mut lazy_memo, hay, s, end, &mut |p| got_lazy.push(p));
                        assert!(a.is_ok() && b.is_ok() && c.is_ok(), "{text:?} at {s}");
                        want.sort_unstable();
                        want.dedup();
                        assert_eq!(got, want, "{text:?} at {s}");
                        assert_eq!(got_lazy, want, "{text:?} at {s}");
                        screens += 1;
                        hits += usize::from(!want.is_empty());
                    }
                }
            }
        }
        assert!(screens > 1000 && hits > 100, "{screens} screens, {hits} with a pattern");
    }

    /// A scanner whose digit rules differ from the default packs' (here one disabled) gets a
    /// lazy screen of its own rules, with the same pattern numbering as its digit rules.
    #[test]
    fn other_digit_rule_sets_get_a_lazy_screen() {
        use crate::screen::ScreenDfa;
        let scanner = crate::Scanner::builder().disable("credit-card-mastercard").build().unwrap();
        assert!(matches!(scanner.inner.triggers.digit_set(), Some(ScreenDfa::Lazy(_))));
        let text = "ssn 078-05-1120 card 4111 1111 1111 1111 mc 5555 5555 5555 4444";
        assert_eq!(scanner.redact(text), "ssn [US_SSN] card [CREDIT_CARD] mc 5555 5555 5555 4444");
        let full = crate::Scanner::new();
        assert_eq!(full.redact(text), "ssn [US_SSN] card [CREDIT_CARD] mc [CREDIT_CARD]");
    }

    proptest::proptest! {
        /// Every `@` of the window lies in a part that holds its whole whitespace-free token,
        /// the whitespace byte before it (or the window's start) and the one after it (or the
        /// window's end); parts are ordered, disjoint and inside the window; a part's flag
        /// says whether one of its `@` follows a byte of the window in the set (`a`).
        #[test]
        fn at_spans_cover_every_token(s in "[a@ \n.]{0,60}", a in 0usize..60, b in 0usize..60) {
            let hay = s.as_bytes();
            let (ws, we) = (a.min(b).min(hay.len()), a.max(b).min(hay.len()));
            let mut parts = Vec::new();
            let mut flags = Vec::new();
            let mut set = ByteSet::default();
            set.add_range(b'a', b'a');
            at_spans(hay, ws, we, Some(&set), |x, y, inner| {
                parts.push((x, y));
                flags.push(inner);
            });
            for w in parts.windows(2) {
                proptest::prop_assert!(w[0].1 <= w[1].0, "{parts:?}");
            }
            for (&(x, y), &inner) in parts.iter().zip(&flags) {
                proptest::prop_assert!(ws <= x && x < y && y <= we, "{parts:?}");
                let want = (x..y).any(|q| hay[q] == b'@' && q > ws && hay[q - 1] == b'a');
                proptest::prop_assert_eq!(inner, want, "{:?} in {:?}", (x, y), parts);
            }
            for q in (ws..we).filter(|&q| hay[q] == b'@') {
                let lo = hay[ws..q].iter().rposition(u8::is_ascii_whitespace).map_or(ws, |i| ws + i);
                let hi = hay[q..we].iter().position(u8::is_ascii_whitespace).map_or(we, |i| q + i + 1);
                proptest::prop_assert!(parts.iter().any(|&(x, y)| x <= lo && hi <= y), "@ at {q}: {parts:?}");
            }
        }
    }
}
