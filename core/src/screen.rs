//! Screening DFAs and the anchored walk that drives them.
//!
//! Stage 1 screens digit clusters and upper-case triggers with one DFA per trigger over the
//! regexes of its rules (`MatchKind::All`), walked byte by byte from each place a value can
//! start. A screen is either precompiled ([`ScreenDfa::Dense`]: the default packs' digit
//! screen, determinized by `build.rs` and embedded in the library) or lazy
//! ([`ScreenDfa::Lazy`]: built at run time, its states determinized as walks reach them, which
//! costs thousands of states during a process's first megabytes). [`Walker`] is the step
//! interface both share, also used by the value splits' lazy DFAs (`split.rs`).

use regex_automata::dfa::{dense, Automaton};
use regex_automata::hybrid::{self, LazyStateID};
use regex_automata::util::primitives::StateID;
use regex_automata::Input;

/// A screening DFA (see the module documentation).
pub(crate) enum ScreenDfa {
    /// Determinized at build time, deserialized from the library's read-only data.
    Dense(dense::DFA<&'static [u32]>),
    /// Determinized as it runs; each thread's scratch holds its cache.
    Lazy(hybrid::dfa::DFA),
}

/// `include_bytes!` data aligned for a `u32` transition table (`dense::DFA::from_bytes` needs
/// 4-byte alignment).
#[repr(C)]
struct Aligned<B: ?Sized> {
    _align: [u32; 0],
    bytes: B,
}

/// The default packs' digit screen, serialized by `build.rs` in the target's byte order, or
/// empty when it could not be built there.
static DIGIT_SCREEN: &Aligned<[u8]> =
    &Aligned { _align: [], bytes: *include_bytes!(concat!(env!("OUT_DIR"), "/digit_screen.dfa")) };

/// The regexes [`DIGIT_SCREEN`] was built from, in pattern order.
const DIGIT_SCREEN_PATTERNS: &[&str] = include!(concat!(env!("OUT_DIR"), "/digit_screen_patterns.rs"));

/// The precompiled digit screen, if it was built from exactly `patterns` (same regexes, same
/// order: pattern ids are indices into the scanner's digit rules). Any other rule set (a
/// policy disabling a digit rule, a user pack adding one) gets a lazy screen.
pub(crate) fn precompiled_digit_screen(patterns: &[String]) -> Option<dense::DFA<&'static [u32]>> {
    let same = patterns.len() == DIGIT_SCREEN_PATTERNS.len()
        && patterns.iter().zip(DIGIT_SCREEN_PATTERNS).all(|(a, b)| a == b);
    if !same || DIGIT_SCREEN.bytes.is_empty() {
        return None;
    }
    // Validates the tables (about 1 ms once per process); a failure means a stale or foreign
    // build artefact, and the lazy screen serves instead.
    dense::DFA::from_bytes(&DIGIT_SCREEN.bytes).ok().map(|(dfa, _)| dfa)
}

/// One step at a time through a DFA, lazy or dense: the walks of [`walk`] and the engine's
/// memoized digit screen are written once for both.
pub(crate) trait Walker {
    /// A state.
    type Sid: Copy;
    /// The anchored start state for `input` (it depends on the byte before the span).
    fn start(&mut self, input: &Input<'_>) -> Result<Self::Sid, ()>;
    /// The state after `b`.
    fn next(&mut self, sid: Self::Sid, b: u8) -> Result<Self::Sid, ()>;
    /// The state after the end of the input.
    fn next_eoi(&mut self, sid: Self::Sid) -> Result<Self::Sid, ()>;
    /// A match, dead or quit state (the only ones a walk looks at twice).
    fn is_special(&self, sid: Self::Sid) -> bool;
    /// Some pattern matched (one byte late, as in every DFA of regex-automata).
    fn is_match(&self, sid: Self::Sid) -> bool;
    /// No pattern can match any more.
    fn is_dead(&self, sid: Self::Sid) -> bool;
    /// The DFA gave up (a quit byte).
    fn is_quit(&self, sid: Self::Sid) -> bool;
    /// Calls `f` with each pattern a match state reports.
    fn for_each_match(&self, sid: Self::Sid, f: &mut dyn FnMut(usize));
    /// How many patterns the DFA has.
    fn pattern_len(&self) -> usize;
}

/// A lazy DFA and its cache.
pub(crate) struct LazyWalk<'a> {
    pub dfa: &'a hybrid::dfa::DFA,
    pub cache: &'a mut hybrid::dfa::Cache,
}

impl Walker for LazyWalk<'_> {
    type Sid = LazyStateID;
    #[inline]
    fn start(&mut self, input: &Input<'_>) -> Result<LazyStateID, ()> {
        self.dfa.start_state_forward(self.cache, input).map_err(|_| ())
    }
    #[inline]
    fn next(&mut self, sid: LazyStateID, b: u8) -> Result<LazyStateID, ()> {
        self.dfa.next_state(self.cache, sid, b).map_err(|_| ())
    }
    #[inline]
    fn next_eoi(&mut self, sid: LazyStateID) -> Result<LazyStateID, ()> {
        self.dfa.next_eoi_state(self.cache, sid).map_err(|_| ())
    }
    #[inline]
    fn is_special(&self, sid: LazyStateID) -> bool {
        sid.is_tagged()
    }
    #[inline]
    fn is_match(&self, sid: LazyStateID) -> bool {
        sid.is_match()
    }
    #[inline]
    fn is_dead(&self, sid: LazyStateID) -> bool {
        sid.is_dead()
    }
    #[inline]
    fn is_quit(&self, sid: LazyStateID) -> bool {
        // `next_state` never returns an unknown state; were it to, giving up is safe.
        sid.is_quit() || sid.is_unknown()
    }
    #[inline]
    fn for_each_match(&self, sid: LazyStateID, f: &mut dyn FnMut(usize)) {
        for i in 0..self.dfa.match_len(self.cache, sid) {
            f(self.dfa.match_pattern(self.cache, sid, i).as_usize());
        }
    }
    #[inline]
    fn pattern_len(&self) -> usize {
        self.dfa.pattern_len()
    }
}

/// A dense DFA (no cache: every state exists).
pub(crate) struct DenseWalk<'a>(pub &'a dense::DFA<&'static [u32]>);

impl Walker for DenseWalk<'_> {
    type Sid = StateID;
    #[inline]
    fn start(&mut self, input: &Input<'_>) -> Result<StateID, ()> {
        self.0.start_state_forward(input).map_err(|_| ())
    }
    #[inline]
    fn next(&mut self, sid: StateID, b: u8) -> Result<StateID, ()> {
        Ok(self.0.next_state(sid, b))
    }
    #[inline]
    fn next_eoi(&mut self, sid: StateID) -> Result<StateID, ()> {
        Ok(self.0.next_eoi_state(sid))
    }
    #[inline]
    fn is_special(&self, sid: StateID) -> bool {
        self.0.is_special_state(sid)
    }
    #[inline]
    fn is_match(&self, sid: StateID) -> bool {
        self.0.is_match_state(sid)
    }
    #[inline]
    fn is_dead(&self, sid: StateID) -> bool {
        self.0.is_dead_state(sid)
    }
    #[inline]
    fn is_quit(&self, sid: StateID) -> bool {
        self.0.is_quit_state(sid)
    }
    #[inline]
    fn for_each_match(&self, sid: StateID, f: &mut dyn FnMut(usize)) {
        for i in 0..self.0.match_len(sid) {
            f(self.0.match_pattern(sid, i).as_usize());
        }
    }
    #[inline]
    fn pattern_len(&self) -> usize {
        self.0.pattern_len()
    }
}

/// Steps a DFA from `sid` over `bytes`, then over `last` (the byte just past the walk, or the
/// end of input when `None`), and calls `f(x, walker, state)` at every match state. Matches
/// show one byte late: a match state after the `k`-th byte is a match at `x = at(k)` (walking
/// forward from `lo`, the match ends at `lo + k`; walking backward from `hi`, it starts at
/// `hi - k`), and one after `last` is a match at `end`. `Err` when the DFA gives up (a quit
/// byte, or a lazy cache thrashing); stops early at a dead state.
#[allow(clippy::too_many_arguments)]
#[inline]
pub(crate) fn walk<W: Walker>(
    w: &mut W,
    mut sid: W::Sid,
    bytes: impl Iterator<Item = u8>,
    at: impl Fn(usize) -> usize,
    last: Option<u8>,
    end: usize,
    mut f: impl FnMut(usize, &W, W::Sid),
) -> Result<(), ()> {
    for (k, b) in bytes.enumerate() {
        sid = w.next(sid, b)?;
        if w.is_special(sid) {
            if w.is_match(sid) {
                f(at(k), w, sid);
            } else if w.is_dead(sid) {
                return Ok(());
            } else if w.is_quit(sid) {
                return Err(());
            }
        }
    }
    sid = match last {
        Some(b) => w.next(sid, b)?,
        None => w.next_eoi(sid)?,
    };
    if w.is_match(sid) {
        f(end, w, sid);
    } else if w.is_quit(sid) {
        return Err(());
    }
    Ok(())
}

/// [`walk`] anchored at `lo` over `hay[lo..hi]`, from the start state that `hay`'s byte before
/// `lo` selects, with the byte at `hi` (or the end of input) as the look-ahead.
#[inline]
pub(crate) fn walk_anchored<W: Walker>(
    w: &mut W,
    hay: &[u8],
    lo: usize,
    hi: usize,
    f: impl FnMut(usize, &W, W::Sid),
) -> Result<(), ()> {
    let input = Input::new(hay).span(lo..hi).anchored(regex_automata::Anchored::Yes);
    let sid = w.start(&input)?;
    walk(w, sid, hay[lo..hi].iter().copied(), |k| lo + k, hay.get(hi).copied(), hi, f)
}
