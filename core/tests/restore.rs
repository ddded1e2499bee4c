//! Restoring: tolerated model mangling, look-alikes left alone, streaming equal to one-shot for
//! every chunking, the hold-back bound (measured), and `restore(tokenize(x)) == x`.

use std::sync::OnceLock;

use proptest::prelude::*;
use scrubline::{Action, Restorer, Scanner, Vault, MAX_INNER_SPACES};

fn scanner() -> &'static Scanner {
    static S: OnceLock<Scanner> = OnceLock::new();
    S.get_or_init(Scanner::new)
}

/// A vault with a few numbered placeholders and a pseudonym, and its (placeholder, value) pairs.
fn fixture() -> &'static (Vault, Vec<(String, String)>) {
    static F: OnceLock<(Vault, Vec<(String, String)>)> = OnceLock::new();
    F.get_or_init(|| {
        let v = Vault::new();
        let mut pairs = Vec::new();
        for value in
            ["a.one@example.com", "b.two@example.org", "c.three@example.net", "536-22-8417", "4526 0181 5908 3012"]
        {
            pairs.push((scanner().tokenize(value, &v).into_owned(), value.to_string()));
        }
        let ps = Scanner::builder().action("AWS_ACCESS_KEY", Action::Pseudonym).pseudonym_key(b"k".to_vec()).build();
        let value = "AKIAQ3EGRDVHXPAE7N2M";
        pairs.push((ps.unwrap().tokenize(value, &v).into_owned(), value.to_string()));
        for (p, _) in &pairs {
            assert!(p.starts_with('<') && p.ends_with('>'), "{p}");
        }
        (v, pairs)
    })
}

fn stream(vault: &Vault, chunks: &[&str]) -> (String, usize) {
    let mut r = Restorer::new(vault);
    let mut out = String::new();
    let mut held = 0;
    for c in chunks {
        out.push_str(&r.push(c));
        held = held.max(r.held_back());
    }
    out.push_str(&r.finish());
    (out, held)
}

#[test]
fn mangled_forms_restore() {
    let (v, _) = fixture();
    for (text, want) in [
        ("to <EMAIL_1>.", "to a.one@example.com."),
        ("to <email_1>.", "to a.one@example.com."),
        ("to <Email_2>.", "to b.two@example.org."),
        ("to EMAIL_1.", "to a.one@example.com."),
        ("to email_3, ok", "to c.three@example.net, ok"),
        ("to < EMAIL_1 >.", "to a.one@example.com."),
        ("to <   EMAIL_1   >.", "to a.one@example.com."),
        ("to <  EMAIL_1>.", "to a.one@example.com."),
        ("to <EMAIL_1.", "to a.one@example.com."),
        ("to EMAIL_1>.", "to a.one@example.com."),
        ("(US_SSN_1)", "(536-22-8417)"),
        ("\"credit_card_1\"", "\"4526 0181 5908 3012\""),
        ("<EMAIL_1><EMAIL_2>", "a.one@example.comb.two@example.org"),
        ("日本<EMAIL_1>語", "日本a.one@example.com語"),
        // A spaced bracket without its partner stays in the text.
        ("a < EMAIL_1 and", "a < a.one@example.com and"),
        ("if EMAIL_1 > 2", "if a.one@example.com > 2"),
        ("four <    EMAIL_1>", "four <    a.one@example.com"),
    ] {
        assert_eq!(v.restore(text), want, "{text}");
        assert_eq!(stream(v, &text.split_inclusive(|_| true).collect::<Vec<_>>()).0, want, "{text}");
    }
}

#[test]
fn look_alikes_do_not_restore() {
    let (v, _) = fixture();
    for text in [
        "<EMAIL_12>",
        "EMAIL_10",
        "XEMAIL_1Y",
        "XEMAIL_1",
        "EMAIL_1Y",
        "my_EMAIL_1",
        "EMAIL_1_",
        "<EMAIL_01>",
        "EMAIL 1",
        "<EMAIL-1>",
        "EMAIL_",
        "EMAIL_4",
        "<PHONE_1>",
        "<US_SSN_2>",
        "<EMAIL__1>",
    ] {
        assert_eq!(v.restore(text), text);
        assert_eq!(stream(v, &[text]).0, text);
    }
}

/// The hold-back bound, measured: every tolerated form of every placeholder of a vault that
/// holds a pseudonym for each type of the default packs (the longest placeholders they can
/// make), pushed one char at a time. The most held back is `7 + L` bytes (`L`: the longest
/// `TYPE_ID`): `<` + 3 spaces + `TYPE_ID` + 3 spaces, waiting for `>`.
#[test]
fn hold_back_is_at_most_the_longest_tolerated_form_minus_one() {
    let s = Scanner::builder().default_action(Action::Pseudonym).pseudonym_key(b"k".to_vec()).build().unwrap();
    let v = Vault::new();
    let mut keys = Vec::new();
    for rule in s.rules() {
        for ex in &rule.examples {
            let out = s.tokenize(ex, &v).into_owned();
            let mut rest = out.as_str();
            while let Some(a) = rest.find('<') {
                let Some(b) = rest[a..].find('>') else { break };
                let inner = &rest[a + 1..a + b];
                if inner.starts_with(rule.entity.as_str()) {
                    keys.push(inner.to_string());
                }
                rest = &rest[a + b + 1..];
            }
        }
    }
    let longest = keys.iter().map(String::len).max().unwrap();
    // GOOGLE_OAUTH_CLIENT_SECRET (26) + `_` + 16 hex digits.
    assert_eq!(longest, 43, "longest TYPE_ID of the default packs");
    let sp = " ".repeat(MAX_INNER_SPACES);
    let mut most = 0;
    for k in &keys {
        let value = v.restore(&format!("<{k}>")).into_owned();
        assert_ne!(value, format!("<{k}>"));
        for form in [format!("<{sp}{k}{sp}>"), format!("{k}>"), k.to_lowercase(), format!("<{k}")] {
            let text = format!("x {form} y");
            let chars: Vec<String> = text.chars().map(String::from).collect();
            let refs: Vec<&str> = chars.iter().map(String::as_str).collect();
            let (out, held) = stream(&v, &refs);
            assert_eq!(out, format!("x {value} y"), "{form}");
            most = most.max(held);
        }
    }
    assert_eq!(most, longest + 7, "measured hold-back");
    assert_eq!(most, 50);
}

#[test]
fn clean_streams_are_not_held_back() {
    let (v, _) = fixture();
    let mut r = Restorer::new(v);
    assert_eq!(r.push("Hello there, how are "), "Hello there, how are ");
    assert_eq!(r.held_back(), 0);
    // Only what could still become a placeholder waits.
    assert_eq!(r.push("you? Mail E"), "you? Mail ");
    assert_eq!(r.held_back(), 1);
    assert_eq!(r.push("MAIL"), "");
    assert_eq!(r.push("S are"), "EMAILS are");
    assert_eq!(r.push(" <"), " ");
    assert_eq!(r.push("b>"), "<b>");
    assert_eq!(r.push("email_1"), "");
    assert_eq!(r.push("0 and US_SSN_1"), "email_10 and ");
    assert_eq!(r.finish(), "536-22-8417");
    // An empty vault holds nothing back.
    let mut e = Restorer::new(&Vault::new());
    assert_eq!(e.push("<EMA"), "<EMA");
}

const FILLER: &[&str] = &[
    "the",
    "a",
    "Mail",
    "EMAIL",
    "email",
    "<",
    ">",
    "< ",
    " >",
    "é",
    "日本語",
    "👩‍👩‍👧",
    "v4.12.0",
    "\n",
    "(",
    ")",
    ":",
    "\"",
    "2026-11-02",
    "id",
    "x",
    "key",
];

fn ssn() -> impl Strategy<Value = String> {
    (prop_oneof![100u32..666, 667u32..900], 1u32..100, 1u32..10000)
        .prop_map(|(a, g, s)| format!("{a:03}-{g:02}-{s:04}"))
}

fn card() -> impl Strategy<Value = String> {
    prop::collection::vec(0u32..10, 14).prop_map(|body| {
        let mut d: Vec<u32> = std::iter::once(4).chain(body).collect();
        // Luhn check digit.
        let sum: u32 = d
            .iter()
            .rev()
            .enumerate()
            .map(|(i, &x)| {
                if i % 2 == 0 {
                    let y = x * 2;
                    if y > 9 {
                        y - 9
                    } else {
                        y
                    }
                } else {
                    x
                }
            })
            .sum();
        d.push((10 - sum % 10) % 10);
        let s: String = d.iter().map(|x| char::from_digit(*x, 10).unwrap_or('0')).collect();
        format!("{} {} {} {}", &s[0..4], &s[4..8], &s[8..12], &s[12..16])
    })
}

fn planted() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z]{2,8}(\\.[a-z]{2,8})?@(example|mail|corp)\\.(com|org|net)",
        ssn(),
        card(),
        "AKIA[A-Z2-7]{16}",
        (11u8..=99, 0u8..=255, 0u8..=255, 1u8..=254).prop_map(|(a, b, c, d)| format!("{a}.{b}.{c}.{d}")),
    ]
}

/// Text from filler words and planted values (each value used with one spelling), joined with
/// `"; "` (a space alone would let two cards read as one longer digit grouping, which the
/// scanner rightly refuses).
fn text_with_values() -> impl Strategy<Value = (String, Vec<String>)> {
    (prop::collection::vec(planted(), 1..6), prop::collection::vec((any::<bool>(), 0usize..64), 0..30)).prop_map(
        |(values, parts)| {
            let words: Vec<String> = parts
                .iter()
                .map(
                    |&(plant, i)| {
                        if plant {
                            values[i % values.len()].clone()
                        } else {
                            FILLER[i % FILLER.len()].to_string()
                        }
                    },
                )
                .collect();
            (words.join("; "), values)
        },
    )
}

fn mangle(key: &str, flips: &[bool], mode: u8, left: usize, right: usize) -> String {
    let k: String =
        key.chars().zip(flips.iter().cycle()).map(|(c, &f)| if f { c.to_ascii_lowercase() } else { c }).collect();
    match mode % 4 {
        0 => format!("<{}{k}{}>", " ".repeat(left), " ".repeat(right)),
        1 => format!("<{k}"),
        2 => format!("{k}>"),
        _ => k,
    }
}

/// Text mixing placeholders, mangled ones, look-alikes and arbitrary characters.
fn stream_text() -> impl Strategy<Value = String> {
    let (_, pairs) = fixture();
    let keys: Vec<String> = pairs.iter().map(|(p, _)| p[1..p.len() - 1].to_string()).collect();
    let keys2 = keys.clone();
    prop::collection::vec(
        prop_oneof![
            2 => (prop::sample::select(keys), prop::collection::vec(any::<bool>(), 1..4), any::<u8>(), 0usize..=4, 0usize..=4)
                .prop_map(|(k, f, m, l, r)| mangle(&k, &f, m, l, r)),
            1 => (prop::sample::select(keys2), "[A-Za-z0-9_]{0,2}", "[A-Za-z0-9_]{0,2}").prop_map(|(k, a, b)| format!("{a}{k}{b}")),
            2 => prop::sample::select(FILLER).prop_map(str::to_string),
            2 => "[ <>_a-zA-Z0-9]{0,6}",
            1 => "\\PC{0,8}",
        ],
        0..24,
    )
    .prop_map(|parts| parts.concat())
}

/// Cuts `text` at the given fractions, snapped to char boundaries.
fn split(text: &str, cuts: &[usize]) -> Vec<String> {
    let mut at: Vec<usize> = cuts.iter().map(|c| if text.is_empty() { 0 } else { c % (text.len() + 1) }).collect();
    at.push(0);
    at.push(text.len());
    for p in &mut at {
        while !text.is_char_boundary(*p) {
            *p -= 1;
        }
    }
    at.sort_unstable();
    at.windows(2).map(|w| text[w[0]..w[1]].to_string()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn restore_inverts_tokenize((text, values) in text_with_values()) {
        let v = Vault::new();
        let tokenized = scanner().tokenize(&text, &v).into_owned();
        for value in &values {
            // Values the scanner finds on their own are found in the text too (so the property
            // is not vacuous); a few generated ones are refused, e.g. placeholder-like cards.
            if text.contains(value.as_str()) && scanner().is_match(value) {
                prop_assert!(!tokenized.contains(value.as_str()), "{} left in {}", value, tokenized);
            }
        }
        prop_assert_eq!(v.restore(&tokenized), text.as_str());
        // Streaming the tokenized text restores it too, and placeholders are not findings.
        let words: Vec<&str> = tokenized.split_inclusive(';').collect();
        prop_assert_eq!(stream(&v, &words).0, text.as_str());
        prop_assert_eq!(scanner().redact(&tokenized), tokenized.as_str());
    }

    #[test]
    fn streaming_equals_one_shot_for_every_chunking(text in stream_text(), cuts in prop::collection::vec(any::<usize>(), 0..12)) {
        let (v, pairs) = fixture();
        let longest = pairs.iter().map(|(p, _)| p.len() - 2).max().unwrap_or(0);
        let chunks = split(&text, &cuts);
        let refs: Vec<&str> = chunks.iter().map(String::as_str).collect();
        let (out, held) = stream(v, &refs);
        prop_assert_eq!(out, v.restore(&text).into_owned());
        prop_assert!(held <= longest + 7, "held back {} bytes", held);
    }

    #[test]
    fn mangled_placeholders_restore(
        i in 0usize..6, flips in prop::collection::vec(any::<bool>(), 1..5), mode in any::<u8>(),
        left in 0usize..=MAX_INNER_SPACES, right in 0usize..=MAX_INNER_SPACES,
        before in prop::sample::select(vec!["", " ", "\n", "(", "\"", "日本", ", "]),
        after in prop::sample::select(vec!["", " ", ".", ")", "\"", "語", "!\n"]),
    ) {
        let (v, pairs) = fixture();
        let (p, value) = &pairs[i % pairs.len()];
        let text = format!("{before}{}{after}", mangle(&p[1..p.len() - 1], &flips, mode, left, right));
        let want = format!("{before}{value}{after}");
        prop_assert_eq!(v.restore(&text), want.as_str());
        let chars: Vec<String> = text.chars().map(String::from).collect();
        let refs: Vec<&str> = chars.iter().map(String::as_str).collect();
        prop_assert_eq!(stream(v, &refs).0, want);
    }

    #[test]
    fn look_alikes_stay(
        i in 0usize..6, mode in any::<u8>(), flips in prop::collection::vec(any::<bool>(), 1..5),
        pre in prop::sample::select(vec!["", "X", "x", "9", "_", "my_"]),
        post in prop::sample::select(vec!["", "0", "2", "7", "Y", "_", "_x", "abc"]),
    ) {
        prop_assume!(!pre.is_empty() || !post.is_empty());
        let (v, pairs) = fixture();
        let (p, _) = &pairs[i % pairs.len()];
        let k = format!("{pre}{}{post}", &p[1..p.len() - 1]);
        let text = format!("see {} now", mangle(&k, &flips, mode, 1, 1));
        prop_assert_eq!(v.restore(&text), text.as_str());
    }
}
