//! Invariants under every replacing action (`properties.rs` and `stream.rs` cover the default
//! label): with mask, remove, pseudonym and tokenize, no finding survives `redact`, redaction is
//! idempotent, findings sit on char boundaries in order, and streaming equals one shot; a
//! tokenized text restores to one with the same findings.

use std::sync::OnceLock;

use proptest::prelude::*;
use scrubline::{Action, Restorer, Scanner, StreamRedactor, Vault};

const ACTIONS: &[(&str, Action)] = &[
    ("label", Action::Label),
    ("mask", Action::Mask { keep: 4 }),
    ("mask0", Action::Mask { keep: 0 }),
    ("remove", Action::Remove),
    ("pseudonym", Action::Pseudonym),
    ("tokenize", Action::Tokenize),
];

fn scanners() -> &'static Vec<Scanner> {
    static S: OnceLock<Vec<Scanner>> = OnceLock::new();
    S.get_or_init(|| {
        ACTIONS
            .iter()
            .map(|(_, a)| {
                Scanner::builder().default_action(a.clone()).pseudonym_key(b"invariants".to_vec()).build().unwrap()
            })
            .collect()
    })
}

const PLANTS: &[&str] = &[
    "jane.doe@example.org",
    "536-22-8417",
    "4526 0181 5908 3012",
    "DE44500105175407324931",
    "AKIAQ3EGRDVHXPAE7N2M",
    "203.0.113.77",
    "password=Tr0ub4dor&3xq!",
    "ghp_R8sT2vW4xY6zA8bC0dE2fG4hJ6kL8mN0pQ2r",
];

const FILLER: &[&str] =
    &[" ", "\n", "é", "日本語", "👩‍👩‍👧", "e\u{301}", ":", "=", "@", "-", "1", "x", "\0", "<", ">", "_"];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            3 => prop::sample::select(FILLER).prop_map(str::to_string),
            2 => prop::sample::select(PLANTS).prop_map(str::to_string),
            1 => "\\PC{0,8}",
        ],
        0..30,
    )
    .prop_map(|parts| parts.concat())
}

/// `text` in pieces of about `cut` bytes, each ending on a char boundary.
fn pieces(text: &str, cut: usize) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut n = cut.min(rest.len());
        while !rest.is_char_boundary(n) {
            n += 1;
        }
        let (piece, tail) = rest.split_at(n);
        rest = tail;
        Some(piece)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_replacing_action_leaves_no_finding(t in text(), which in 0..ACTIONS.len()) {
        let s = &scanners()[which];
        let mut last = 0;
        for f in s.find_iter(&t) {
            prop_assert!(t.is_char_boundary(f.span.start) && t.is_char_boundary(f.span.end));
            prop_assert!(f.span.start >= last && f.span.end > f.span.start);
            last = f.span.end;
        }
        let once = s.redact(&t).into_owned();
        prop_assert!(s.findings(&once).is_empty(), "{}: a finding survived in {:?}", ACTIONS[which].0, once);
        prop_assert_eq!(s.redact(&once), once.as_str(), "{}: not idempotent", ACTIONS[which].0);
    }

    #[test]
    fn streaming_equals_one_shot_for_every_action(t in text(), which in 0..ACTIONS.len(), cut in 1usize..64) {
        let s = &scanners()[which];
        let mut r = StreamRedactor::with_step(s, 16);
        let mut out = String::new();
        for piece in pieces(&t, cut) {
            out.push_str(&r.push(piece));
        }
        out.push_str(&r.finish());
        prop_assert_eq!(out, s.redact(&t).into_owned());
    }

    #[test]
    fn tokenize_then_restore_gives_back_the_findings(t in text(), cut in 1usize..32) {
        let s = &scanners()[0];
        let vault = Vault::new();
        let tok = s.tokenize(&t, &vault).into_owned();
        prop_assert!(s.findings(&tok).is_empty());
        let back = vault.restore(&tok).into_owned();
        // Values come back (in the form first seen), so the restored text has a finding of the
        // same types as the original; streaming the restore gives the same text.
        let types = |x: &str| s.findings(x).iter().map(|f| f.entity.to_string()).collect::<Vec<_>>();
        if !t.contains(['<', '>', '_']) {
            prop_assert_eq!(types(&back), types(&t));
        }
        let mut r = Restorer::new(&vault);
        let mut out = String::new();
        for piece in pieces(&tok, cut) {
            out.push_str(&r.push(piece));
        }
        out.push_str(&r.finish());
        prop_assert_eq!(out, back);
    }
}
