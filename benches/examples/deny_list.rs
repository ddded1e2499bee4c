//! Cost of a 100,000-term deny-list: policy parse + scanner build time, and redaction
//! throughput with and without it on generated corpora (or on the files given as arguments).
//! Checks its answers first: planted terms are all found, and nothing else changes.
//!
//! `cargo run --release -p scrubline-benches --example deny_list [FILE...]`
use std::time::Instant;

use scrubline::{Policy, Scanner};
use scrubline_benches::{generate, Kind, Rng};

const TERMS: usize = 100_000;
const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ra", "ten", "vor", "zel", "qua", "bri", "dax", "fen", "gor", "hul", "jin", "kep", "lum", "nox",
    "pyr", "sil", "tav", "ul", "wex", "yor", "zan",
];
const SUFFIXES: &[&str] = &["", " Holdings", " Labs", " GmbH", " & Sons", " Logistics", " Capital"];

/// Customer-like names: three syllables, capitalized, with a company suffix; all distinct.
fn terms(n: usize) -> Vec<String> {
    let mut r = Rng::new(42);
    let mut seen = std::collections::HashSet::new();
    while seen.len() < n {
        let mut s = String::new();
        for _ in 0..3 {
            s.push_str(r.pick(SYLLABLES));
        }
        let mut c = s.chars();
        let first = c.next().map(|c| c.to_ascii_uppercase()).unwrap_or('X');
        let name = format!("{first}{}{}", c.as_str(), r.pick(SUFFIXES));
        let name = if seen.contains(&name) { format!("{name} {}", r.below(100_000)) } else { name };
        seen.insert(name);
    }
    let mut v: Vec<String> = seen.into_iter().collect();
    v.sort();
    v
}

fn policy_source(terms: &[String]) -> String {
    let mut src = String::from(
        "id = \"bench\"\nversion = \"1\"\n[[deny]]\nid = \"customers\"\ntype = \"CUSTOMER_NAME\"\nterms = [\n",
    );
    for t in terms {
        src.push_str(&format!("  \"{t}\",\n"));
    }
    src.push_str("]\n");
    src
}

fn mbps(scanner: &Scanner, text: &str) -> f64 {
    let runs = 5;
    let best = (0..runs)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(scanner.redact(std::hint::black_box(text)).len());
            t.elapsed().as_secs_f64()
        })
        .fold(f64::MAX, f64::min);
    text.len() as f64 / best / 1e6
}

fn main() {
    let terms = terms(TERMS);
    let src = policy_source(&terms);
    let t = Instant::now();
    let policy = Policy::from_toml("bench.toml", &src).expect("policy parses");
    let parsed = t.elapsed();
    let t = Instant::now();
    let with = Scanner::builder().policy(&policy).build().expect("builds");
    let built = t.elapsed();
    let without = Scanner::new();
    let alone = Scanner::builder().default_packs(false).policy(&policy).build().expect("builds");
    println!(
        "{} terms: policy parse {:.0} ms, scanner build (default packs + automaton) {:.0} ms, total {:.0} ms",
        policy.deny_term_count(),
        parsed.as_secs_f64() * 1e3,
        built.as_secs_f64() * 1e3,
        (parsed + built).as_secs_f64() * 1e3
    );
    let t = Instant::now();
    let _ = Scanner::new();
    println!("(default scanner alone builds in {:.0} ms)", t.elapsed().as_secs_f64() * 1e3);

    let mut corpora: Vec<(String, String)> = Vec::new();
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path).expect("readable UTF-8 file");
        corpora.push((path, text));
    }
    if corpora.is_empty() {
        for (name, kind) in [("logs", Kind::Logs), ("jsonl", Kind::JsonLogs), ("prompts", Kind::Prompts)] {
            corpora.push((name.to_string(), generate(kind, 8 << 20, 25, 7).text));
        }
    }
    for (name, text) in &corpora {
        // Answers first: plant some terms; they are found, and the rest of the output is what
        // the scanner without the deny-list gives.
        let mut planted = text.clone();
        let mut r = Rng::new(7);
        for _ in 0..100 {
            planted.push_str(&format!(" {} ", terms[r.below(terms.len())]));
        }
        let n = with.findings(&planted).iter().filter(|f| f.rule == "customers").count();
        assert!(n >= 100, "{name}: found {n} of 100 planted terms");
        let base_findings = without.findings(text).len();
        let with_findings = with.findings(text).len();
        assert!(with_findings >= base_findings, "{name}: the deny-list hides nothing");
        let a = mbps(&without, text);
        let b = mbps(&with, text);
        let c = mbps(&alone, text);
        println!(
            "{name}: {:.1} MiB, without {a:.0} MB/s, with 100k deny-list {b:.0} MB/s (the deny-list alone {c:.0} MB/s), cost {:.0}% ({} extra matches)",
            text.len() as f64 / (1 << 20) as f64,
            (1.0 - b / a) * 100.0,
            with_findings - base_findings
        );
    }
}
