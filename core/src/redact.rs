//! Stage 4: apply each finding's action and build the redacted text.

use std::borrow::Cow;
use std::fmt::Write as _;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use unicode_segmentation::UnicodeSegmentation;

use crate::engine::{Candidate, Scratch};
use crate::literals::Literals;
use crate::model::Action;
use crate::scanner::Inner;
use crate::vault::VaultUse;

/// Version tag of the pseudonym encoding; part of the HMAC input so it can evolve.
pub const PSEUDONYM_VERSION: &str = "scrubline-pseudonym-v1";

/// Bytes around each replacement that are scanned again (see [`apply`]).
const RESCAN_MARGIN: usize = 256;
/// Rounds of re-scanning after the first redaction pass.
const MAX_ROUNDS: usize = 3;

/// Applies the candidates' actions. Then, because a replacement can let a rule match that
/// lost an overlap in the first pass (`password=hunter2!bob@x.org`: the email wins, the
/// password rule then matches `hunter2!`), the neighbourhood of every replacement is scanned
/// again until nothing new is found: redacting twice changes nothing, and
/// the output holds no finding. (Labels cannot supply context words: see `has_context`.)
pub(crate) fn apply<'t>(inner: &Inner, scratch: &mut Scratch, text: &'t str, cands: &[Candidate]) -> Cow<'t, str> {
    apply_rounds(inner, scratch, text, cands, None, false)
}

/// [`apply`] where `cands` is what `engine::scan(inner, scratch, text)` has just returned, with
/// the same `scratch`: its keyword occurrences (`scratch.kw_hits`) then serve the first re-scan
/// (see [`region_hits`]); they are used only if they were found in this very text (same
/// address and length), else the re-scan searches in full. With a vault, placeholders are
/// taken from it (and pseudonyms recorded in it).
pub(crate) fn apply_scanned<'t>(
    inner: &Inner,
    scratch: &mut Scratch,
    text: &'t str,
    cands: &[Candidate],
    vault: Option<VaultUse<'_>>,
) -> Cow<'t, str> {
    apply_rounds(inner, scratch, text, cands, vault, true)
}

/// The first replacement pass, then the re-scan rounds.
fn apply_rounds<'t>(
    inner: &Inner,
    scratch: &mut Scratch,
    text: &'t str,
    cands: &[Candidate],
    vault: Option<VaultUse<'_>>,
    scanned: bool,
) -> Cow<'t, str> {
    let Some((mut out, mut reps)) = apply_once(inner, text, cands, vault) else { return Cow::Borrowed(text) };
    let (scanned, hits) = first_pass_hits(scratch, text, scanned);
    let mut first = scanned.then_some(FirstPass { cands, hits: &hits });
    for _ in 0..MAX_ROUNDS {
        if reps.is_empty() {
            break;
        }
        let extra = rescan(inner, scratch, &out, &reps, first.take());
        match apply_once(inner, &out, &extra, vault) {
            Some((o, r)) => {
                out = o;
                reps = r;
            }
            None => break,
        }
    }
    // Back to the scratch, for its allocation.
    scratch.kw_hits = hits;
    Cow::Owned(out)
}

/// Appends the redaction of `text` to `out` (reusing its allocation), with the same re-scan
/// rounds as [`apply`]. Returns whether anything changed. `scanned`: as for [`apply_scanned`].
pub(crate) fn apply_into(
    inner: &Inner,
    scratch: &mut Scratch,
    text: &str,
    cands: &[Candidate],
    out: &mut String,
    scanned: bool,
) -> bool {
    let base = out.len();
    let Some(mut reps) = write_once(inner, text, cands, out, None) else {
        out.push_str(text);
        return false;
    };
    let (scanned, hits) = first_pass_hits(scratch, text, scanned);
    let mut first = scanned.then_some(FirstPass { cands, hits: &hits });
    for _ in 0..MAX_ROUNDS {
        if reps.is_empty() {
            break;
        }
        let extra = rescan(inner, scratch, &out[base..], &reps, first.take());
        if extra.is_empty() {
            break;
        }
        let tail = out.split_off(base);
        match write_once(inner, &tail, &extra, out, None) {
            Some(r) => reps = r,
            None => {
                out.push_str(&tail);
                break;
            }
        }
    }
    scratch.kw_hits = hits;
    true
}

/// One pass: the new text and the spans of its replacements, or `None` if nothing changed.
fn apply_once(
    inner: &Inner,
    text: &str,
    cands: &[Candidate],
    vault: Option<VaultUse<'_>>,
) -> Option<(String, Vec<(usize, usize)>)> {
    if cands.iter().all(|c| inner.rules[c.rule as usize].action == Action::Report) {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let reps = write_once(inner, text, cands, &mut out, vault)?;
    Some((out, reps))
}

/// Writes one pass to the end of `out`; replacement spans are relative to where it started.
/// `None` (and nothing written) when no candidate changes the text.
fn write_once(
    inner: &Inner,
    text: &str,
    cands: &[Candidate],
    out: &mut String,
    vault: Option<VaultUse<'_>>,
) -> Option<Vec<(usize, usize)>> {
    let acting = cands.iter().any(|c| inner.rules[c.rule as usize].action != Action::Report);
    if !acting {
        return None;
    }
    let base = out.len();
    out.reserve(text.len());
    let mut reps = Vec::with_capacity(cands.len());
    let mut last = 0;
    for c in cands {
        let rule = &inner.rules[c.rule as usize];
        if rule.action == Action::Report {
            continue;
        }
        out.push_str(&text[last..c.start]);
        let value = &text[c.start..c.end];
        let s = out.len() - base;
        write_replacement(out, &rule.action, &rule.spec.entity, value, inner, vault);
        reps.push((s, out.len() - base));
        last = c.end;
    }
    out.push_str(&text[last..]);
    Some(reps)
}

/// The first pass's keyword occurrences, taken out of the scratch (the caller puts the vector
/// back, for its allocation), if `scanned` says the candidates come from that pass and the
/// occurrences were found in this very text (same address and length).
fn first_pass_hits(scratch: &mut Scratch, text: &str, scanned: bool) -> (bool, Vec<(usize, u32)>) {
    if scanned && scratch.kw_hits_of == (text.as_ptr() as usize, text.len()) {
        // Taken: they no longer stand for this text in the scratch.
        scratch.kw_hits_of = (0, 0);
        (true, std::mem::take(&mut scratch.kw_hits))
    } else {
        (false, Vec::new())
    }
}

/// What the first pass over a text found: its candidates (the acting ones were replaced, in
/// order) and every keyword occurrence in it.
struct FirstPass<'a> {
    cands: &'a [Candidate],
    hits: &'a [(usize, u32)],
}

/// Findings in the neighbourhoods of `reps`, skipping any that touch a neighbourhood's cut
/// edge (they may be truncated views of longer text). With `first` (the pass that `reps`
/// replaced the findings of), keyword occurrences in the unchanged bytes are not searched
/// again ([`region_hits`]).
fn rescan(
    inner: &Inner,
    scratch: &mut Scratch,
    text: &str,
    reps: &[(usize, usize)],
    first: Option<FirstPass<'_>>,
) -> Vec<Candidate> {
    // The buffers of the last re-scan, for their allocations (put back below).
    let RescanBuffers { mut regions, mut orig, mut hits } = std::mem::take(&mut scratch.rescan);
    // Each region and the range of `reps` inside it.
    regions.clear();
    for (i, &(s, e)) in reps.iter().enumerate() {
        let (rs, re) = (floor(text, s.saturating_sub(RESCAN_MARGIN)), ceil(text, e + RESCAN_MARGIN));
        match regions.last_mut() {
            Some(last) if rs <= last.1 => {
                last.1 = last.1.max(re);
                last.3 = i + 1;
            }
            _ => regions.push((rs, re, i, i + 1)),
        }
    }
    // The spans the replacements took in the first pass's text, index for index with `reps`.
    orig.clear();
    if let Some(f) = &first {
        let acting = f.cands.iter().filter(|c| inner.rules[c.rule as usize].action != Action::Report);
        orig.extend(acting.map(|c| (c.start, c.end)));
    }
    let first = first.filter(|_| orig.len() == reps.len());
    let mut found = Vec::new();
    for &(rs, re, i, j) in &regions {
        let cands = match &first {
            Some(f) => {
                let lit = &inner.triggers.keywords.literals;
                region_hits(lit, text.as_bytes(), (rs, re), &reps[i..j], &orig[i..j], f.hits, &mut hits);
                if hits.is_empty() && !crate::engine::may_open_windows(inner, &text.as_bytes()[rs..re]) {
                    // No keyword, and no byte another trigger needs: the scan would find
                    // nothing (a prompt's regions, around its few replacements, mostly).
                    continue;
                }
                crate::engine::scan_with_hits(inner, scratch, &text[rs..re], &hits)
            }
            None => crate::engine::scan(inner, scratch, &text[rs..re]),
        };
        for mut c in cands {
            let cut_left = rs > 0 && c.start == 0;
            let cut_right = re < text.len() && c.end == re - rs;
            if cut_left || cut_right {
                continue;
            }
            c.start += rs;
            c.end += rs;
            found.push(c);
        }
    }
    scratch.rescan = RescanBuffers { regions, orig, hits };
    found
}

/// [`rescan`]'s working vectors, kept in the [`Scratch`] between calls: the regions, the
/// replaced spans of the first pass, and a region's keyword occurrences.
#[derive(Default)]
pub(crate) struct RescanBuffers {
    regions: Vec<(usize, usize, usize, usize)>,
    orig: Vec<(usize, usize)>,
    hits: Vec<(usize, u32)>,
}

/// The keyword occurrences in `out[rs..re]` (`region`), relative to `rs` and in the order the
/// search reports them (start, then keyword id), where `out` is a text in which `reps[k]`
/// (ascending spans of `out`, all inside the region) replaced `orig[k]` (spans of the original
/// text, whose keyword occurrences are `t_hits`, in the same order).
///
/// An occurrence depends only on its own bytes: those inside the unchanged bytes between
/// replacements are the original's, moved by the difference in length of the replacements
/// before them. Only the bytes around each replacement (up to the longest keyword's length
/// less one on either side) are searched, for occurrences that overlap it.
fn region_hits(
    lit: &Literals,
    out: &[u8],
    region: (usize, usize),
    reps: &[(usize, usize)],
    orig: &[(usize, usize)],
    t_hits: &[(usize, u32)],
    hits: &mut Vec<(usize, u32)>,
) {
    let (rs, re) = region;
    hits.clear();
    let (Some(&(first_s, _)), Some(&(orig_s, _))) = (reps.first(), orig.first()) else { return };
    // Unchanged runs: `out[a..b]` equals the original from `ta` on.
    let mut unchanged = |a: usize, b: usize, ta: usize| {
        let tb = ta + (b - a);
        let from = t_hits.partition_point(|h| h.0 < ta);
        for &(p, id) in t_hits[from..].iter().take_while(|h| h.0 < tb) {
            if p + lit.keyword_len(id as usize) <= tb {
                hits.push((p - ta + a - rs, id));
            }
        }
    };
    unchanged(rs, first_s, orig_s - (first_s - rs));
    for k in 1..reps.len() {
        unchanged(reps[k - 1].1, reps[k].0, orig[k - 1].1);
    }
    if let (Some(&(_, last_e)), Some(&(_, orig_e))) = (reps.last(), orig.last()) {
        unchanged(last_e, re, orig_e);
    }
    let reach = lit.max_keyword_len().saturating_sub(1);
    for (k, &(ps, pe)) in reps.iter().enumerate() {
        // A replacement that starts and ends with bytes no keyword holds (the brackets of our
        // labels) holds every occurrence that overlaps it: only its inner bytes are searched.
        if pe - ps >= 2 && !lit.holds(out[ps]) && !lit.holds(out[pe - 1]) {
            lit.for_each(&out[ps + 1..pe - 1], |q, id| hits.push((ps + 1 + q - rs, id as u32)));
            continue;
        }
        let lo = rs.max(ps.saturating_sub(reach));
        let hi = re.min(pe + reach);
        // An occurrence that also overlaps the replacement before was found around that one.
        let after = if k > 0 { reps[k - 1].1 } else { 0 };
        lit.for_each(&out[lo..hi], |q, id| {
            let q = lo + q;
            if q < pe && q + lit.keyword_len(id) > ps && q >= after {
                hits.push((q - rs, id as u32));
            }
        });
    }
    hits.sort_unstable();
}

fn floor(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

pub(crate) fn write_replacement(
    out: &mut String,
    action: &Action,
    entity: &str,
    value: &str,
    inner: &Inner,
    vault: Option<VaultUse<'_>>,
) {
    if let Some(v) = vault {
        match action {
            Action::Tokenize => return v.vault.write_placeholder(out, entity, value),
            Action::Label | Action::Mask { .. } | Action::Remove if v.all => {
                return v.vault.write_placeholder(out, entity, value)
            }
            Action::Pseudonym => {
                let key = inner.pseudonym_key.as_deref().unwrap_or_default();
                let id = pseudonym_hex(key, &inner.scope, entity, value);
                let _ = write!(out, "<{entity}_{id}>");
                return v.vault.record_pseudonym(entity, &id, value);
            }
            _ => {}
        }
    }
    match action {
        // Without a vault a placeholder could never be restored: the label says as much.
        Action::Label | Action::Tokenize => {
            out.push('[');
            out.push_str(entity);
            out.push(']');
        }
        Action::Mask { keep } => mask(out, value, *keep),
        Action::Remove | Action::Report => {}
        Action::Pseudonym => {
            let key = inner.pseudonym_key.as_deref().unwrap_or_default();
            let _ = write!(out, "<{}_{}>", entity, pseudonym_hex(key, &inner.scope, entity, value));
        }
    }
}

/// Keeps the last `keep` graphemes and masks the others with `*`, one per grapheme. Values
/// shorter than twice `keep` are masked whole, so a short secret never shows half of itself.
fn mask(out: &mut String, value: &str, keep: usize) {
    let graphemes: Vec<&str> = value.graphemes(true).collect();
    let n = graphemes.len();
    let keep = if n >= keep.saturating_mul(2) { keep } else { 0 };
    for _ in 0..n - keep {
        out.push('*');
    }
    for g in &graphemes[n - keep..] {
        out.push_str(g);
    }
}

/// The normalized form of a value for pseudonyms: digits only for numbers (cards, SSNs,
/// phones, ...), lower case for emails, upper case without spaces for IBANs, as is otherwise.
pub fn normalize(entity: &str, value: &str) -> String {
    let digits_only = ["CREDIT_CARD", "US_SSN", "US_ITIN", "PHONE_NUMBER", "ABA_ROUTING"];
    if digits_only.contains(&entity) || entity.starts_with("PHONE") {
        let plus = if value.trim_start().starts_with('+') { "+" } else { "" };
        return format!("{plus}{}", value.chars().filter(char::is_ascii_digit).collect::<String>());
    }
    if entity == "EMAIL" {
        return value.to_lowercase();
    }
    if entity == "IBAN" {
        return value.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_uppercase).collect();
    }
    value.to_string()
}

/// First 64 bits, as 16 hex digits, of HMAC-SHA256(key, version 0 scope 0 type 0 normalized).
pub fn pseudonym_hex(key: &[u8], scope: &str, entity: &str, value: &str) -> String {
    #[allow(clippy::expect_used)]
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC accepts any key length");
    for part in [PSEUDONYM_VERSION, scope, entity] {
        mac.update(part.as_bytes());
        mac.update(&[0]);
    }
    mac.update(normalize(entity, value).as_bytes());
    let tag = mac.finalize().into_bytes();
    let mut s = String::with_capacity(16);
    for b in &tag[..8] {
        let _ = write!(s, "{b:02x}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_graphemes() {
        let mut s = String::new();
        mask(&mut s, "4111111111111111", 4);
        assert_eq!(s, "************1111");
        s.clear();
        mask(&mut s, "ab👩‍👩‍👧cdéfgh", 4);
        assert_eq!(s, "*****éfgh");
        s.clear();
        mask(&mut s, "abc", 4);
        assert_eq!(s, "***");
    }

    /// A small random generator for the tests below.
    struct Lcg(u64);
    impl Lcg {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (self.0 >> 33) as usize % n.max(1)
        }
    }

    #[test]
    fn region_hits_are_what_a_search_of_the_region_finds() {
        // Keywords that overlap, nest and share heads, and text made of their bytes; the
        // replacements are made of the same bytes (or empty), so that keywords run across
        // their edges and across short gaps between two of them.
        const KWS: [&str; 12] =
            ["sk-", "sk-ant-", "ghp_", "AKIA", "oken", "token", "xox", "lin_", "her", "://", "password", "pass"];
        let lit = Literals::new(KWS);
        let alphabet = b"skantghp_AKIAokenxolin_her:/pword -.";
        let mut r = Lcg(0x2545_f491_4f6c_dd1d);
        // Keywords, their heads and tails, and single bytes.
        let piece = |r: &mut Lcg, out: &mut Vec<u8>| {
            let k = KWS[r.below(KWS.len())].as_bytes();
            match r.below(4) {
                0 => out.extend_from_slice(k),
                1 => out.extend_from_slice(&k[..r.below(k.len())]),
                2 => out.extend_from_slice(&k[r.below(k.len())..]),
                _ => out.push(alphabet[r.below(alphabet.len())]),
            }
        };
        let mut checked = 0;
        for _ in 0..4000 {
            let mut t = Vec::new();
            for _ in 0..r.below(60) {
                piece(&mut r, &mut t);
            }
            let len = t.len();
            let (mut out, mut reps, mut orig) = (Vec::new(), Vec::new(), Vec::new());
            let mut last = 0;
            loop {
                let s = last + [0, 1, 2, 5, 30][r.below(5)] + r.below(4);
                let e = s + r.below(12);
                if e > len || (s == e && s == last && !reps.is_empty()) {
                    break;
                }
                out.extend_from_slice(&t[last..s]);
                let at = out.len();
                // Some replacements are bracketed, as our labels are: no keyword holds a
                // bracket, so only their inner bytes are searched.
                let bracketed = r.below(3) == 0;
                if bracketed {
                    out.push(b'[');
                }
                for _ in 0..[0, 1, 2, 3][r.below(4)] {
                    piece(&mut r, &mut out);
                }
                if bracketed {
                    out.push(b']');
                }
                reps.push((at, out.len()));
                orig.push((s, e));
                last = e;
            }
            out.extend_from_slice(&t[last..]);
            if reps.is_empty() {
                continue;
            }
            let mut t_hits = Vec::new();
            lit.for_each(&t, |s, id| t_hits.push((s, id as u32)));
            // A region holds whole replacements and unchanged bytes around them, as `rescan`'s.
            for _ in 0..4 {
                let i = r.below(reps.len());
                let j = i + 1 + r.below(reps.len() - i);
                let lo = if i > 0 { reps[i - 1].1 } else { 0 };
                let hi = if j < reps.len() { reps[j].0 } else { out.len() };
                let rs = lo + r.below(reps[i].0 - lo + 1);
                let re = reps[j - 1].1 + r.below(hi - reps[j - 1].1 + 1);
                let mut want = Vec::new();
                lit.for_each(&out[rs..re], |s, id| want.push((s, id as u32)));
                let mut got = Vec::new();
                region_hits(&lit, &out, (rs, re), &reps[i..j], &orig[i..j], &t_hits, &mut got);
                assert_eq!(got, want, "region {rs}..{re} of {:?}", String::from_utf8_lossy(&out));
                checked += want.len();
            }
        }
        assert!(checked > 10_000, "too few occurrences to compare: {checked}");
    }

    #[test]
    fn rescans_with_first_pass_keywords_redact_as_full_rescans() {
        // Every action (empty replacements, masks that keep part of the value, report-only
        // rules whose findings stay in the text), on texts made of the packs' examples glued
        // with and without spaces: values side by side, keywords next to replaced values.
        let scanners = [
            crate::Scanner::new(),
            crate::Scanner::builder().default_action(Action::Remove).build().expect("remove"),
            crate::Scanner::builder()
                .default_action(Action::Mask { keep: 4 })
                .action("secret", Action::Report)
                .action("EMAIL", Action::Pseudonym)
                .pseudonym_key(b"test key".to_vec())
                .build()
                .expect("mixed"),
        ];
        for (k, scanner) in scanners.iter().enumerate() {
            same_redactions_with_first_pass_keywords(scanner, 7 + k as u64);
        }
    }

    #[test]
    fn keyword_occurrences_of_another_text_are_not_used() {
        // The bearer token is found only by the re-scan, through its keyword (`Bearer`), once
        // the key glued to it is replaced: occurrences taken from another text would lose it.
        let scanner = crate::Scanner::new();
        let inner = &scanner.inner;
        let mut scratch = Scratch::default();
        let text = "Authorization: Bearer xb0nvLAAwMYFNE2AoaxqtBiPVIEyFTZt5sKUKvGKmUKA67Jg\
                    ASSEMBLYAI_API_KEY=6cb26ff46bd0a55a040bc16f147b3a67,   ";
        let cands = crate::engine::scan(inner, &mut scratch, text);
        assert!(cands.iter().all(|c| c.start > 30), "the first pass finds the key only");
        let full = apply(inner, &mut scratch, text, &cands).into_owned();
        assert_eq!(full, "Authorization: Bearer [BEARER_TOKEN][ASSEMBLYAI_API_KEY],   ");
        // The scratch now holds the occurrences of another text of the same length, and then
        // of a shorter one.
        let other = "x".repeat(text.len());
        for o in [other.as_str(), "xyz"] {
            crate::engine::scan(inner, &mut scratch, o);
            assert_eq!(apply_scanned(inner, &mut scratch, text, &cands, None), full);
            crate::engine::scan(inner, &mut scratch, o);
            let mut into = String::new();
            apply_into(inner, &mut scratch, text, &cands, &mut into, true);
            assert_eq!(into, full);
        }
    }

    fn same_redactions_with_first_pass_keywords(scanner: &crate::Scanner, seed: u64) {
        let inner = &scanner.inner;
        let mut pieces: Vec<String> = inner.rules.iter().flat_map(|r| r.spec.examples.iter().cloned()).collect();
        pieces
            .extend(["password: ", "token=", " and ", "\n", "", " ", "api_key ", "[EMAIL]", "ghp_"].map(String::from));
        let mut r = Lcg(seed);
        let mut scratch = Scratch::default();
        let mut changed = 0;
        for _ in 0..1500 {
            let mut text = String::new();
            for _ in 0..1 + r.below(6) {
                text.push_str(&pieces[r.below(pieces.len())]);
                text.push_str([" ", "", "\n", ", ", "="][r.below(5)]);
            }
            let cands = crate::engine::scan(inner, &mut scratch, &text);
            let reused = apply_scanned(inner, &mut scratch, &text, &cands, None).into_owned();
            let full = apply(inner, &mut scratch, &text, &cands).into_owned();
            assert_eq!(reused, full, "{text:?}");
            let mut into = String::from("head ");
            let cands = crate::engine::scan(inner, &mut scratch, &text);
            apply_into(inner, &mut scratch, &text, &cands, &mut into, true);
            assert_eq!(into[5..], full[..], "{text:?}");
            changed += usize::from(full != text);
        }
        assert!(changed > 1000, "too few redactions to compare: {changed}");
    }

    #[test]
    fn pseudonyms_are_stable_and_keyed() {
        let a = pseudonym_hex(b"k1", "", "EMAIL", "Bob@Example.com");
        assert_eq!(a, pseudonym_hex(b"k1", "", "EMAIL", "bob@example.com"));
        assert_ne!(a, pseudonym_hex(b"k2", "", "EMAIL", "bob@example.com"));
        assert_ne!(a, pseudonym_hex(b"k1", "tenant", "EMAIL", "bob@example.com"));
        assert_eq!(a.len(), 16);
        assert_eq!(
            pseudonym_hex(b"k", "", "CREDIT_CARD", "4111 1111 1111 1111"),
            pseudonym_hex(b"k", "", "CREDIT_CARD", "4111-1111-1111-1111")
        );
    }
}
