//! The `value` group of a match, found with small anchored DFAs instead of a backtracking
//! search.
//!
//! A rule's regex is usually `P (?P<value>V) S`: a key name and a delimiter, the value, a
//! terminator. Once the whole match `[ms, me)` is known, the value starts at a position `x`
//! where `P` matches `[ms, x)` and `V S` matches `[x, me)`, and ends at a position `y` where
//! `V` matches `[x, y)` and `S` matches `[y, me)`. When each of those intersections holds
//! exactly one position, that split is the only derivation of the match, so it is the one the
//! regex's leftmost-first captures report. Four lazy DFAs find the sets (forward from `ms` for
//! `P` and from `x` for `V`, backward from `me` for `V S` and `S`), a few steps per byte of the
//! match. Since the match is known to split so, where `P` alone (a key and a delimiter) ends in
//! one place, that is `x`, and where `S` alone (a closing quote) starts in one place, that is
//! `y`: the two walks across the value are needed only when those leave several candidates.
//! When a set holds several positions (an ambiguous split) or a DFA gives up, the
//! caller falls back to the regex's own capture search (a bounded backtracker for most of
//! these rules, whose cost grows with the regex's NFA size times the match's length).

use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::nfa::thompson::{self, WhichCaptures};
use regex_automata::{Anchored, Input, MatchKind};
use regex_syntax::hir::{Hir, HirKind};

use crate::screen::{walk, walk_anchored, LazyWalk};

/// Cache capacity of each split DFA: they run on one match at a time, anchored.
const CACHE_CAPACITY: usize = 64 << 10;

/// Matches of a rule (per thread) whose value the regex's own captures find before its split
/// is built. Building it costs as much as a few hundred capture searches (about 350,000
/// instructions: five NFAs compiled, one-pass checked), which a rule that matches a few times
/// never repays: on 16 MiB corpora the split pays only for the few rules that match thousands
/// of times; in a loop of API calls it pays for every rule that matches.
pub(crate) const SPLIT_AFTER: u32 = 256;

/// The DFAs that split a match of `P (?P<value>V) S` into its parts.
pub(crate) struct ValueSplit {
    /// `P` forward, or `None` when `P` matches only the empty string (the value starts the
    /// match).
    head: Option<DFA>,
    /// `V S` reversed (built only with `head`).
    tail_rev: Option<DFA>,
    /// `V` forward, or `None` when `S` matches only the empty string (the value ends the match).
    value: Option<DFA>,
    /// `S` reversed (built only with `value`).
    suffix_rev: Option<DFA>,
}

/// Per-thread caches of one rule's [`ValueSplit`] DFAs.
#[derive(Default)]
pub(crate) struct SplitCache {
    /// Matches resolved by the regex's captures so far (counted up to [`SPLIT_AFTER`]).
    pub uses: u32,
    head: Option<Cache>,
    tail_rev: Option<Cache>,
    value: Option<Cache>,
    suffix_rev: Option<Cache>,
    bits: Vec<u64>,
}

impl ValueSplit {
    /// The split of a rule's regex, where it pays: `None` when the regex is one-pass (its
    /// captures then come from a one-pass DFA, one step per byte, which the split would not
    /// beat) or does not split (see [`ValueSplit::new`]).
    pub(crate) fn for_rule(hir: &Hir) -> Option<ValueSplit> {
        let nfa = thompson::Compiler::new()
            .configure(thompson::Config::new().nfa_size_limit(Some(1 << 20)))
            .build_from_hir(hir)
            .ok()?;
        if regex_automata::dfa::onepass::DFA::builder().build_from_nfa(nfa).is_ok() {
            return None;
        }
        ValueSplit::new(hir)
    }

    /// Builds the split of `hir` around its capture group named `value`; `None` when that
    /// group is not an item of the regex's top-level concatenation, or a DFA fails to build.
    pub(crate) fn new(hir: &Hir) -> Option<ValueSplit> {
        let (head, value, suffix) = parts(hir)?;
        let zero_width = |h: &Hir| h.properties().maximum_len() == Some(0);
        let (head_dfa, tail_rev) = if zero_width(&head) {
            (None, None)
        } else {
            let tail = Hir::concat(vec![value.clone(), suffix.clone()]);
            (Some(build(&head, false)?), Some(build(&tail, true)?))
        };
        let (value_dfa, suffix_rev) =
            if zero_width(&suffix) { (None, None) } else { (Some(build(&value, false)?), Some(build(&suffix, true)?)) };
        Some(ValueSplit { head: head_dfa, tail_rev, value: value_dfa, suffix_rev })
    }

    /// The value's span in the match `[ms, me)` of `hay`, or `None` when the split is not
    /// unique or a DFA gave up (the caller then asks the regex for its captures).
    pub(crate) fn resolve(&self, c: &mut SplitCache, hay: &[u8], ms: usize, me: usize) -> Option<(usize, usize)> {
        let vs = match (&self.head, &self.tail_rev) {
            (Some(head), Some(tail)) => {
                let hc = c.head.get_or_insert_with(|| head.create_cache());
                let tc = c.tail_rev.get_or_insert_with(|| tail.create_cache());
                unique(head, hc, tail, tc, &mut c.bits, hay, ms, me, Short::Forward)?
            }
            _ => ms,
        };
        let ve = match (&self.value, &self.suffix_rev) {
            (Some(value), Some(suffix)) => {
                let vc = c.value.get_or_insert_with(|| value.create_cache());
                let sc = c.suffix_rev.get_or_insert_with(|| suffix.create_cache());
                unique(value, vc, suffix, sc, &mut c.bits, hay, vs, me, Short::Reverse)?
            }
            _ => me,
        };
        Some((vs, ve))
    }
}

/// `(P, V, S)` of a regex `P (?P<value>V) S`, with `P` and `S` possibly empty.
fn parts(hir: &Hir) -> Option<(Hir, Hir, Hir)> {
    let is_value = |h: &Hir| matches!(h.kind(), HirKind::Capture(c) if c.name.as_deref() == Some("value"));
    match hir.kind() {
        HirKind::Capture(c) if is_value(hir) => Some((Hir::empty(), (*c.sub).clone(), Hir::empty())),
        HirKind::Concat(items) => {
            let k = items.iter().position(is_value)?;
            let HirKind::Capture(c) = items[k].kind() else { return None };
            Some((Hir::concat(items[..k].to_vec()), (*c.sub).clone(), Hir::concat(items[k + 1..].to_vec())))
        }
        _ => None,
    }
}

/// A lazy DFA reporting every match (anchored use only), forward or over the reversed regex.
fn build(hir: &Hir, reverse: bool) -> Option<DFA> {
    let nfa = thompson::Compiler::new()
        .configure(
            thompson::Config::new().reverse(reverse).which_captures(WhichCaptures::None).nfa_size_limit(Some(1 << 20)),
        )
        .build_from_hir(hir)
        .ok()?;
    DFA::builder()
        .configure(
            DFA::config()
                .match_kind(MatchKind::All)
                .unicode_word_boundary(true)
                .cache_capacity(CACHE_CAPACITY)
                .skip_cache_capacity_check(true),
        )
        .build_from_nfa(nfa)
        .ok()
}

/// Which of a split's two walks is short: the head's forward walk (it dies soon after the
/// key and delimiter) or the suffix's reverse walk (a closing quote); the other crosses the
/// value.
#[derive(Clone, Copy)]
enum Short {
    Forward,
    Reverse,
}

/// The one position `x` in `lo..=hi` where `fwd` matches `[lo, x)` and `rev` (a reversed
/// regex) matches `[x, hi)`; `None` if there are none, several, or a DFA gave up.
///
/// `[lo, hi)` is known to split so (a match of the whole regex): where the `short` walk
/// alone finds one candidate, that one is the split, and the long walk across the value is
/// not needed.
#[allow(clippy::too_many_arguments)]
fn unique(
    fwd: &DFA,
    fc: &mut Cache,
    rev: &DFA,
    rc: &mut Cache,
    bits: &mut Vec<u64>,
    hay: &[u8],
    lo: usize,
    hi: usize,
    short: Short,
) -> Option<usize> {
    bits.clear();
    bits.resize((hi - lo) / 64 + 1, 0);
    let (mut found, mut count) = (None, 0);
    let mut mark = |x: usize| {
        bits[(x - lo) / 64] |= 1 << ((x - lo) % 64);
        found = Some(x);
        count += 1;
    };
    match short {
        Short::Forward => ends_forward(fwd, fc, hay, lo, hi, &mut mark).ok()?,
        Short::Reverse => starts_backward(rev, rc, hay, lo, hi, &mut mark).ok()?,
    }
    if count == 1 {
        return found;
    }
    let (mut found, mut count) = (None, 0);
    let mut check = |x: usize| {
        if bits[(x - lo) / 64] & (1 << ((x - lo) % 64)) != 0 {
            count += 1;
            found = Some(x);
        }
    };
    match short {
        Short::Forward => starts_backward(rev, rc, hay, lo, hi, &mut check).ok()?,
        Short::Reverse => ends_forward(fwd, fc, hay, lo, hi, &mut check).ok()?,
    }
    if count == 1 {
        found
    } else {
        None
    }
}

/// Calls `f(x)` for every `x` in `lo..=hi` where `dfa` (anchored at `lo`) matches `[lo, x)`.
/// Look-around sees the haystack's bytes on both sides.
fn ends_forward(
    dfa: &DFA,
    cache: &mut Cache,
    hay: &[u8],
    lo: usize,
    hi: usize,
    f: &mut dyn FnMut(usize),
) -> Result<(), ()> {
    walk_anchored(&mut LazyWalk { dfa, cache }, hay, lo, hi, |x, _, _| f(x))
}

/// Calls `f(x)` for every `x` in `lo..=hi` where the reversed regex of `dfa` (anchored at
/// `hi`) matches `[x, hi)`, walking backwards.
fn starts_backward(
    dfa: &DFA,
    cache: &mut Cache,
    hay: &[u8],
    lo: usize,
    hi: usize,
    f: &mut dyn FnMut(usize),
) -> Result<(), ()> {
    let input = Input::new(hay).span(lo..hi).anchored(Anchored::Yes);
    let sid = dfa.start_state_reverse(cache, &input).map_err(|_| ())?;
    let before = lo.checked_sub(1).map(|p| hay[p]);
    let mut w = LazyWalk { dfa, cache };
    walk(&mut w, sid, hay[lo..hi].iter().rev().copied(), |k| hi - k, before, lo, |x, _, _| f(x))
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex_automata::meta::Regex;

    fn hir(re: &str) -> Hir {
        regex_automata::util::syntax::parse(re).unwrap()
    }

    /// The value span from the split, checked against the regex's own captures, for every
    /// match in `hay`; returns how many matches the split resolved.
    fn agree(re: &str, hay: &str) -> usize {
        let split = ValueSplit::new(&hir(re)).expect("splittable");
        let regex = Regex::new(re).unwrap();
        let g = regex.group_info().to_index(regex_automata::PatternID::ZERO, "value").unwrap();
        let mut cache = SplitCache::default();
        let mut resolved = 0;
        for caps in regex.captures_iter(hay) {
            let m = caps.get_match().unwrap();
            let want = caps.get_group(g).map(|s| (s.start, s.end)).unwrap_or((m.start(), m.end()));
            if let Some(got) = split.resolve(&mut cache, hay.as_bytes(), m.start(), m.end()) {
                assert_eq!(got, want, "{re} on {hay:?}");
                resolved += 1;
            }
        }
        resolved
    }

    #[test]
    fn splits_agree_with_captures() {
        let email = r"(?:^|[^:/A-Za-z0-9_]|(?i:mailto):)(?P<value>[A-Za-z0-9_](?:[A-Za-z0-9._%+'-]*[A-Za-z0-9_%+'-])?@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24})(?-u:\b)";
        assert_eq!(agree(email, "mail jane.doe@example.com, or mailto:bob@x.org and ann@a.b.co"), 3);
        assert_eq!(agree(email, "bob@example.com at the start"), 1);
        let aws = r#"(?i:aws_?secret(?:_?access)?_?key|secret_?access_?key|aws_?secret)["']?[ \t]{0,4}(?:=>|:=|[:=])[ \t]{0,4}["']?(?P<value>[A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)"#;
        let key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        assert_eq!(agree(aws, &format!("aws_secret_access_key = \"{key}\"\nAWS_SECRET={key}")), 2);
        let jwt = r"(?-u:\b)(?P<value>eyJ[A-Za-z0-9_-]{8}[A-Za-z0-9_-]*\.eyJ[A-Za-z0-9_-]{4}[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)(?:[^A-Za-z0-9_-]|$)";
        assert_eq!(agree(jwt, "Bearer eyJhbGciOiJI.eyJzdWIi.sig-x_1 and eyJhbGciOiJI.eyJzdWIi."), 2);
        // The short walk alone leaves several candidates (the head ends after each `=`, the
        // suffix starts at each `v`): the long walk decides.
        assert_eq!(agree(r"k=*(?P<value>v+)\.", "k==vv. k=v."), 2);
        assert_eq!(agree(r"k(?P<value>v)v*\.", "kvvv. kv."), 2);
    }

    /// Every default rule with a `value` group: on each of its examples, a resolved split is
    /// the regex's own capture, and most of them resolve.
    #[test]
    fn default_rules_split_like_their_captures() {
        let (mut rules, mut splittable, mut resolved, mut paying) = (0, 0, 0, 0);
        for pack in crate::pack::default_packs().unwrap() {
            for r in &pack.rules {
                let h = regex_automata::util::syntax::parse_with(
                    &r.regex,
                    &regex_automata::util::syntax::Config::new().unicode(true).utf8(true),
                )
                .unwrap();
                if !r.regex.contains("?P<value>") {
                    continue;
                }
                rules += 1;
                if ValueSplit::new(&h).is_none() {
                    continue;
                }
                splittable += 1;
                paying += usize::from(ValueSplit::for_rule(&h).is_some());
                for ex in r.examples.iter().chain(&r.negative_examples) {
                    resolved += agree(&r.regex, ex);
                }
            }
        }
        assert!(splittable * 10 >= rules * 9, "{splittable} of {rules} rules split");
        assert!(resolved >= splittable, "{resolved} examples resolved");
        // Email, credential URLs, generic assignments: about half are not one-pass.
        assert!(paying > 0 && paying < rules, "{paying} of {rules} rules use the split");
    }

    #[test]
    fn ambiguous_splits_are_left_to_the_regex() {
        // `a*` then `a*`: every split of "aaa" is a derivation.
        assert_eq!(agree(r"x(?P<value>a*)a*y", "xaaay"), 0);
        // Unambiguous once the delimiter is fixed.
        assert_eq!(agree(r"x=*(?P<value>[a-z]+)=*;", "x==abc=;"), 1);
    }

    #[test]
    fn only_top_level_value_groups_split() {
        assert!(ValueSplit::new(&hir(r"(?:a(?P<value>b)|c)")).is_none());
        assert!(ValueSplit::new(&hir(r"a(?P<other>b)")).is_none());
        assert!(ValueSplit::new(&hir(r"(?P<value>ab)")).is_some());
    }

    proptest::proptest! {
        /// Whatever the text, a resolved split is the regex's own capture.
        #[test]
        fn resolved_splits_match_captures(s in "[a-c=:; ]{0,40}") {
            for re in [r"(?:^|[ ;])[ab]+[:=]+ ?(?P<value>[a-c]+=?)(?:;|$)", r"(?-u:\b)(?P<value>a[a-c]*)(?-u:\b)", r"c(?P<value>[ab]*)b*"] {
                agree(re, &s);
            }
        }
    }
}
