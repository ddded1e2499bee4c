//! StreamRedactor: any chunking of any text gives byte-identical output to one-shot redaction,
//! including values split across chunks, with bounded buffering.

use std::sync::OnceLock;

use proptest::prelude::*;
use scrubline::{Scanner, StreamRedactor};

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
    "ghp_R8sT2vW4xY6zA8bC0dE2fG4hJ6kL8mN0pQ2r",
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA1c7+9z5Pad7OejecsQ0bu3aozN3tihPmljnnudb9G3HcjfW0\n-----END RSA PRIVATE KEY-----",
];

const FILLER: &[&str] =
    &[" ", "\n", "é", "日本語", "👩‍👩‍👧", "the quick brown fox ", "order 12345 ", "ssn: ", "{\"k\": \"", "\"}"];

fn text_strategy(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop_oneof![3 => prop::sample::select(FILLER), 1 => prop::sample::select(PLANTS)], 0..max)
        .prop_map(|v| v.concat())
}

fn chunked(s: &Scanner, text: &str, sizes: &[usize], step: usize) -> String {
    let mut r = StreamRedactor::with_step(s, step);
    let mut out = String::new();
    let mut rest = text;
    let mut i = 0;
    while !rest.is_empty() {
        let mut n = sizes[i % sizes.len()].clamp(1, rest.len());
        while !rest.is_char_boundary(n) {
            n += 1;
        }
        let (a, b) = rest.split_at(n);
        out.push_str(&r.push(a));
        rest = b;
        i += 1;
    }
    out.push_str(&r.finish());
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn any_chunking_equals_one_shot(text in text_strategy(600), sizes in prop::collection::vec(1usize..5000, 1..6), step in 1usize..4096) {
        let s = scanner();
        let one = s.redact(&text).into_owned();
        prop_assert_eq!(chunked(s, &text, &sizes, step), one);
    }
}

#[test]
fn a_value_split_across_reads_is_caught() {
    let s = scanner();
    let text = "key AKIAQ3EGRDVHXPAE7N2M end";
    for cut in 1..text.len() {
        let mut r = StreamRedactor::new(s);
        let out = r.push(&text[..cut]) + &r.push(&text[cut..]) + &r.finish();
        assert_eq!(out, "key [AWS_ACCESS_KEY] end", "split at {cut}");
    }
}

#[test]
fn large_inputs_in_any_chunk_size_equal_one_shot() {
    let s = scanner();
    let mut text = String::new();
    let mut i = 0usize;
    while text.len() < 1 << 20 {
        text.push_str(FILLER[i % FILLER.len()]);
        if i.is_multiple_of(7) {
            text.push_str(PLANTS[(i / 7) % PLANTS.len()]);
        }
        text.push_str(&format!(" line {i} of the log\n"));
        i += 1;
    }
    let one = s.redact(&text).into_owned();
    for size in [1usize, 7, 4096, 65_536, 1 << 20] {
        let sizes = [size];
        let step = if size == 1 { 16 << 10 } else { 64 << 10 };
        assert!(chunked(s, &text, &sizes, step) == one, "chunk size {size}");
    }
}

#[test]
fn buffering_is_bounded_on_one_long_line() {
    let s = scanner();
    let mut r = StreamRedactor::new(s);
    let piece = "abc defg hij 4111 1111 1111 1111 klm ".repeat(1000);
    let mut max_pending = 0;
    let mut out_len = 0;
    for _ in 0..64 {
        out_len += r.push(&piece).len();
        max_pending = max_pending.max(r.pending());
    }
    out_len += r.finish().len();
    assert!(out_len > 0);
    assert!(max_pending < 2 << 20, "held back {max_pending} bytes");
}
