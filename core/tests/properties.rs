//! Invariants over arbitrary text with planted values: spans on char boundaries, sorted and
//! disjoint; redaction idempotent and leaving no finding behind; clean text borrowed.

use std::borrow::Cow;
use std::sync::OnceLock;

use proptest::prelude::*;
use scrubline::Scanner;

fn scanner() -> &'static Scanner {
    static S: OnceLock<Scanner> = OnceLock::new();
    S.get_or_init(Scanner::new)
}

const PLANTS: &[&str] = &[
    "jane.doe@example.org",
    "536-22-8417",
    "4526 0181 5908 3012",
    "DE44500105175407324931",
    "AKIAQ3EGRDVHXPAE7N2M",
    "203.0.113.77",
    "2001:db8:85a3::8a2e:370:7334",
    "password=Tr0ub4dor&3xq!",
];

const FILLER: &[&str] = &[
    " ",
    "\n",
    "é",
    "日本語",
    "👩‍👩‍👧",
    "e\u{301}",
    "2026-11-02T09:14:05.310Z",
    "ORD-88123411",
    "v4.12.0",
    "6f1c2a9e-3b7d-4e21-9a55-0c8d7e6f5a41",
    "1762074849123",
    ":",
    "=",
    "\"",
    "[",
    "<",
    "*",
    "-----",
    "the ",
    "key ",
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            3 => prop::sample::select(FILLER).prop_map(str::to_string),
            1 => prop::sample::select(PLANTS).prop_map(str::to_string),
            1 => "\\PC{0,12}",
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn spans_are_valid_and_redaction_is_idempotent(t in text()) {
        let s = scanner();
        let mut last = 0;
        for f in s.find_iter(&t) {
            prop_assert!(t.is_char_boundary(f.span.start) && t.is_char_boundary(f.span.end));
            prop_assert!(f.span.start >= last && f.span.end > f.span.start);
            last = f.span.end;
        }
        let once = s.redact(&t).into_owned();
        prop_assert_eq!(s.findings(&once).len(), 0, "redacted output has no findings");
        let twice = s.redact(&once);
        prop_assert!(matches!(twice, Cow::Borrowed(_)));
    }
}

/// What a window finds must not depend on where it begins: here the first pass sees the
/// long address from its first char (a local part over 64 chars, rejected, and skipped
/// whole), while a window starting inside it, as in the redacted text where the neighbouring
/// address is gone, would find `local@db.internal` after the inner `.`.
#[test]
fn window_start_does_not_change_what_is_found() {
    let s = scanner();
    for run in [60, 70, 100, 200] {
        let text = format!("a@b.io zz {}.local@db.internal done", "e".repeat(run));
        let once = s.redact(&text).into_owned();
        assert_eq!(s.findings(&once).len(), 0, "{run}");
        assert_eq!(s.redact(&once), once, "{run}");
        // And alone, the long address is judged the same way.
        let alone = format!("zz {}.local@db.internal done", "e".repeat(run));
        assert_eq!(s.findings(&alone).len(), s.findings(&text).len() - 1, "{run}");
    }
}

/// Fuzzer finds, kept as regressions (`fuzz/artifacts`): redaction must be idempotent.
#[test]
fn fuzz_regressions_are_idempotent() {
    let cases: &[&[u8]] = &[
        include_bytes!("regressions/crash-3e86fa49.bin"),
        include_bytes!("regressions/crash-b8d03c97.bin"),
        include_bytes!("regressions/crash-f705a698.bin"),
    ];
    let s = scanner();
    for data in cases {
        let text = String::from_utf8_lossy(data);
        let once = s.redact(&text).into_owned();
        assert_eq!(s.redact(&once), once);
        assert_eq!(s.findings(&once).len(), 0);
    }
}
