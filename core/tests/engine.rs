//! Engine behaviour on small, self-contained packs (independent of the default packs).

use std::borrow::Cow;

use scrubline::{Action, ErrorKind, Scanner};

const PACK: &str = r#"
[pack]
id = "test-pack"
version = "1.0.0"

[[rules]]
id = "demo-token"
name = "Demo token"
type = "DEMO_TOKEN"
category = "secret"
sensitivity = "high"
confidence = 0.9
keywords = ["dmo_"]
regex = '''(?-u:\b)dmo_[A-Za-z0-9]{20}(?-u:\b)'''
provenance = "made up for tests"
examples = ["dmo_abcdefghij0123456789"]
negative_examples = ["dmo_short"]

[[rules]]
id = "demo-assign"
name = "Demo assignment"
type = "PASSWORD"
category = "credential"
sensitivity = "high"
confidence = 0.7
keywords = ["secret"]
regex = '''secret\s*=\s*(?P<value>[^\s]{6,64})'''
placeholder_filter = true
provenance = "made up for tests"
examples = ["secret=hunter2hunter"]
negative_examples = ["secret=changeme"]

[[rules]]
id = "demo-number"
name = "Demo number"
type = "DEMO_NUMBER"
category = "pii"
sensitivity = "medium"
confidence = 0.6
trigger = "digits"
min_digits = 9
regex = '''(?-u:\b)[0-9]{3}-[0-9]{2}-[0-9]{4}(?-u:\b)'''
context = ["ssn"]
provenance = "made up for tests"
examples = ["123-45-6789"]
negative_examples = ["123-456-789"]
"#;

fn scanner() -> Scanner {
    Scanner::builder().default_packs(false).pack_toml("test.toml", PACK).build().unwrap()
}

#[test]
fn finds_keyword_digit_and_value_group() {
    let s = scanner();
    let text = "a dmo_abcdefghij0123456789 b secret=hunter2hunter c ssn 123-45-6789";
    let f: Vec<_> = s.find_iter(text).collect();
    assert_eq!(f.len(), 3, "{f:?}");
    assert_eq!(f[0].rule, "demo-token");
    assert_eq!(&text[f[1].span.clone()], "hunter2hunter");
    assert_eq!(f[2].rule, "demo-number");
    assert!((f[2].confidence - 0.7).abs() < 1e-6, "context raises confidence");
    assert_eq!(s.redact(text), "a [DEMO_TOKEN] b secret=[PASSWORD] c ssn [DEMO_NUMBER]");
}

#[test]
fn overlap_goes_to_the_more_specific_rule() {
    let s = scanner();
    let text = "secret=dmo_abcdefghij0123456789";
    let f: Vec<_> = s.find_iter(text).collect();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].rule, "demo-token");
}

#[test]
fn clean_text_is_borrowed() {
    let s = scanner();
    let text = "nothing here, 12:34:56, version 1.2.3";
    assert!(matches!(s.redact(text), Cow::Borrowed(_)));
    assert_eq!(s.find_iter(text).count(), 0);
}

#[test]
fn placeholder_values_are_ignored() {
    let s = scanner();
    assert_eq!(s.find_iter("secret=changeme secret=xxxxxxxx secret=${SECRET}").count(), 0);
}

#[test]
fn actions_target_rule_type_or_category() {
    let s = Scanner::builder()
        .default_packs(false)
        .pack_toml("t", PACK)
        .action("pii", Action::Mask { keep: 4 })
        .action("demo-token", Action::Remove)
        .build()
        .unwrap();
    assert_eq!(s.redact("x dmo_abcdefghij0123456789 y 123-45-6789"), "x  y *******6789");
    let r = Scanner::builder()
        .default_packs(false)
        .pack_toml("t", PACK)
        .action("DEMO_TOKEN", Action::Report)
        .build()
        .unwrap();
    assert!(matches!(r.redact("dmo_abcdefghij0123456789"), Cow::Borrowed(_)));
    assert_eq!(r.find_iter("dmo_abcdefghij0123456789").count(), 1);
}

#[test]
fn pseudonyms_need_a_key_and_are_stable() {
    let err = Scanner::builder()
        .default_packs(false)
        .pack_toml("t", PACK)
        .action("pii", Action::Pseudonym)
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Policy);
    let s = Scanner::builder()
        .default_packs(false)
        .pack_toml("t", PACK)
        .action("pii", Action::Pseudonym)
        .pseudonym_key(b"k".to_vec())
        .build()
        .unwrap();
    let a = s.redact("123-45-6789").into_owned();
    assert!(a.starts_with("<DEMO_NUMBER_") && a.len() == "<DEMO_NUMBER_>".len() + 16, "{a}");
    assert_eq!(s.redact("x 123-45-6789 y").into_owned(), format!("x {a} y"));
    assert_eq!(s.redact(&a), a, "a pseudonym is not detected again");
}

#[test]
fn bad_packs_name_file_rule_and_line() {
    let bad = PACK.replace(r#"regex = '''(?-u:\b)dmo_[A-Za-z0-9]{20}(?-u:\b)'''"#, "regex = '''dmo_[A-Z'''");
    let e = Scanner::builder().default_packs(false).pack_toml("bad.toml", bad).build().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Pattern);
    assert_eq!(e.rule(), Some("demo-token"));
    assert_eq!(e.source_name(), Some("bad.toml"));
    assert!(e.line().is_some());

    let bad = PACK.replace("category = \"secret\"", "category = \"secrets\"");
    let e = Scanner::builder().default_packs(false).pack_toml("bad.toml", bad).build().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Pack);
    assert_eq!((e.source_name(), e.rule(), e.line()), (Some("bad.toml"), Some("demo-token"), Some(6)));

    let e = Scanner::builder()
        .default_packs(false)
        .pack_toml("broken.toml", "[pack]\nid = \"x\"\nversion = 1\n")
        .build()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Pack);
    assert_eq!(e.line(), Some(3));
    assert!(e.to_string().contains("broken.toml:3:"), "{e}");
}

#[test]
fn errors_never_echo_input() {
    let e =
        Scanner::builder().default_packs(false).pack_toml("t", PACK).action("nope", Action::Label).build().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Policy);
}

#[test]
fn findings_sit_on_char_boundaries_in_unicode_text() {
    let s = scanner();
    let text = "é secret=naïve€€€€ 日本 ssn 123-45-6789 👩‍👩‍👧";
    for f in s.find_iter(text) {
        assert!(text.is_char_boundary(f.span.start) && text.is_char_boundary(f.span.end));
    }
    assert_eq!(s.find_iter(text).count(), 2);
}

/// Upper-case-trigger rules: one whose regex starts at a word (screened, anchored at each word
/// start within `window_before` of the trigger, even a word before the trigger's own), one
/// that does not (searched in windows around the trigger).
#[test]
fn upper_case_rules_screened_at_word_starts_and_windowed_otherwise() {
    const UPPER: &str = r#"
[pack]
id = "upper-pack"
version = "1.0.0"

[[rules]]
id = "two-words"
name = "Two words"
type = "TWO_WORDS"
category = "pii"
sensitivity = "medium"
confidence = 0.9
trigger = "upper"
window_before = 4
max_len = 16
regex = '''(?-u:\b)[A-Z]{2} [A-Z][0-9]{4}(?-u:\b)'''
provenance = "made up for tests"
examples = ["id AB C1234 ok"]
negative_examples = ["id AB C123 ok", "xAB C1234"]

[[rules]]
id = "glued"
name = "Glued"
type = "GLUED"
category = "pii"
sensitivity = "medium"
confidence = 0.9
trigger = "upper"
window_before = 5
max_len = 16
regex = '''[A-Z]{3}-Q[0-9]{3}(?-u:\b)'''
provenance = "made up for tests"
examples = ["ref ABC-Q123"]
negative_examples = ["ref ABC-Q12"]
"#;
    let s = Scanner::builder().default_packs(false).pack_toml("upper.toml", UPPER).build().unwrap();
    let text = "id AB C1234 and ref ABC-Q123, not xAB C1234 nor AB C123 nor AB-Q123";
    let f: Vec<_> = s.find_iter(text).map(|f| (f.rule.to_string(), &text[f.span.clone()])).collect();
    assert_eq!(f, vec![("two-words".to_string(), "AB C1234"), ("glued".to_string(), "ABC-Q123")]);
    assert_eq!(s.redact(text), "id [TWO_WORDS] and ref [GLUED], not xAB C1234 nor AB C123 nor AB-Q123");
}

/// Rules that match often switch from the regex's captures to the value split (after a few
/// hundred matches on a thread): the findings must not change when they do.
#[test]
fn findings_do_not_change_once_value_groups_are_split() {
    let s = Scanner::new();
    let text = "mail jane.doe@example.com, db postgres://app:Zq8vLw2mNp4x@db.internal:5432/app and \
                aws_secret_access_key = \"q7Vd2LmP9xRt4KsW8yBn3HcJ6fGz1QaE5uTo0iXe\" then password: Tr0ub4dor&3x";
    let spans = |s: &Scanner| s.find_iter(text).map(|f| (f.rule.to_string(), f.span)).collect::<Vec<_>>();
    let first = spans(&s);
    assert!(first.len() >= 4, "{first:?}");
    for _ in 0..600 {
        assert_eq!(spans(&s), first);
    }
    assert_eq!(s.redact(text), Scanner::new().redact(text));
}

/// Generic assignments are searched anchored where their keyword sits in the key name
/// (`token` for the keywords `oken` and `OKEN`): found in every usual spelling and position;
/// a key name in a case no keyword covers triggers nothing, as it never did on its own.
#[test]
fn generic_assignments_found_where_their_keyword_sits() {
    let s = Scanner::new();
    for (text, want) in [
        ("api_token = \"q8Jz2LmP0vXw\"", "api_token = \"[TOKEN]\""),
        ("TOKEN: 'q8Jz2LmP0vXw'", "TOKEN: '[TOKEN]'"),
        ("x=1; access_token=\"q8Jz2LmP0vXw\" y", "x=1; access_token=\"[TOKEN]\" y"),
        ("client_secret=\"9fK2mQ7xLp3Z\"", "client_secret=\"[SECRET]\""),
        ("password: \"Tr0ub4dor&3x\"", "password: \"[PASSWORD]\""),
        ("DB_PASS=\"Tr0ub4dor&3x\"", "DB_PASS=\"[PASSWORD]\""),
        ("ToKeN = \"q8Jz2LmP0vXw\"", "ToKeN = \"q8Jz2LmP0vXw\""),
    ] {
        assert_eq!(s.redact(text), want);
    }
}
