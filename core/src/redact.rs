//! Stage 4: apply each finding's action and build the redacted text.

use std::borrow::Cow;
use std::fmt::Write as _;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use unicode_segmentation::UnicodeSegmentation;

use crate::engine::{Candidate, Scratch};
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
    apply_with(inner, scratch, text, cands, None)
}

/// [`apply`], with placeholders taken from (and pseudonyms recorded in) a vault.
pub(crate) fn apply_with<'t>(
    inner: &Inner,
    scratch: &mut Scratch,
    text: &'t str,
    cands: &[Candidate],
    vault: Option<VaultUse<'_>>,
) -> Cow<'t, str> {
    let Some((mut out, mut reps)) = apply_once(inner, text, cands, vault) else { return Cow::Borrowed(text) };
    for _ in 0..MAX_ROUNDS {
        if reps.is_empty() {
            break;
        }
        let extra = rescan(inner, scratch, &out, &reps);
        match apply_once(inner, &out, &extra, vault) {
            Some((o, r)) => {
                out = o;
                reps = r;
            }
            None => break,
        }
    }
    Cow::Owned(out)
}

/// Appends the redaction of `text` to `out` (reusing its allocation), with the same re-scan
/// rounds as [`apply`]. Returns whether anything changed.
pub(crate) fn apply_into(
    inner: &Inner,
    scratch: &mut Scratch,
    text: &str,
    cands: &[Candidate],
    out: &mut String,
) -> bool {
    let base = out.len();
    let Some(mut reps) = write_once(inner, text, cands, out, None) else {
        out.push_str(text);
        return false;
    };
    for _ in 0..MAX_ROUNDS {
        if reps.is_empty() {
            break;
        }
        let extra = rescan(inner, scratch, &out[base..], &reps);
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
    let mut reps = Vec::new();
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

/// Findings in the neighbourhoods of `reps`, skipping any that touch a neighbourhood's cut
/// edge (they may be truncated views of longer text).
fn rescan(inner: &Inner, scratch: &mut Scratch, text: &str, reps: &[(usize, usize)]) -> Vec<Candidate> {
    let mut regions: Vec<(usize, usize)> = Vec::new();
    for &(s, e) in reps {
        let (rs, re) = (floor(text, s.saturating_sub(RESCAN_MARGIN)), ceil(text, e + RESCAN_MARGIN));
        match regions.last_mut() {
            Some(last) if rs <= last.1 => last.1 = last.1.max(re),
            _ => regions.push((rs, re)),
        }
    }
    let mut found = Vec::new();
    for (rs, re) in regions {
        for mut c in crate::engine::scan(inner, scratch, &text[rs..re]) {
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
    found
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
