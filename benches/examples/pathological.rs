//! Linear time on hostile input: user regexes that backtracking engines take exponential or
//! polynomial time on, and long single lines that stress each trigger of the default packs,
//! timed over growing sizes. Prints seconds and the growth ratio per 10x of input (linear: ~10).
//!
//! `cargo run --release -p scrubline-benches --example pathological [MAX_MB]` (default 100)
use std::time::Instant;

use scrubline::Scanner;

/// Patterns that backtracking engines take exponential or polynomial time on.
const PATTERNS: &[&str] = &[r"(a*)*b", r"(a|a)*b", r"(a|aa)+b", r"(?:a+a+)+b", r"a*a*a*a*a*a*b", r"(.*a){12}b"];

/// Single-line texts for the default packs: each stresses one trigger (digit groups broken by a
/// word every few groups; one unbroken cluster is the known issue at the end of `main`).
const UNITS: &[(&str, &str)] = &[
    ("words+email", "the quick brown fox jumps over the lazy dog 2026-11-02T09:14:05Z maria.gonzalez@globex.io "),
    ("digits", "1234 5678 9012 3456 ref 7890 1234 5678 9012 3456 78 "),
    ("at-signs", "@@@a@b@c.d@e.f@@ maria.gonzalez@globex.io "),
    ("hex-colon", "fe80::1:2:3:4:5:6:7:8:9:a:b:c:d:e:f: "),
    ("keywords", "password=password=secret=token=AKIA ghp_ sk-proj- eyJ "),
    ("pem-like", "MIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB "),
];

fn user_pack(regex: &str) -> String {
    format!(
        "[pack]\nid = \"hostile\"\nversion = \"1.0.0\"\n[[rules]]\nid = \"hostile-rule\"\nname = \"H\"\n\
         type = \"HOSTILE\"\ncategory = \"custom\"\nsensitivity = \"low\"\nconfidence = 0.9\n\
         keywords = [\"aaa\"]\nregex = '''{regex}'''\nmax_len = 16384\nprovenance = \"bench\"\n\
         examples = [\"aaab\"]\nnegative_examples = [\"zzz\"]\n"
    )
}

fn line(unit: &str, len: usize) -> String {
    let mut t = unit.repeat(len / unit.len() + 1);
    t.truncate(len);
    t
}

fn series(name: &str, s: &Scanner, make: &dyn Fn(usize) -> String, max: usize) {
    let mut prev: Option<f64> = None;
    let mut n = max / 100;
    while n <= max {
        let text = make(n);
        let t = Instant::now();
        let out = s.redact(&text);
        let secs = t.elapsed().as_secs_f64();
        std::hint::black_box(out);
        let ratio = prev.map_or(String::from("-"), |p| format!("{:.1}", secs / p));
        println!("{name:<16} {:>10} B {secs:>9.4} s  {:>7.1} MB/s  x10 ratio {ratio}", n, n as f64 / secs / 1e6);
        prev = Some(secs);
        n *= 10;
    }
}

fn main() {
    let max_mb: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(100);
    let max = max_mb * 1_000_000;
    println!("user regexes over 'aaa…' (no match: the worst case of a backtracking engine)");
    for re in PATTERNS {
        match Scanner::builder().default_packs(false).pack_toml("hostile.toml", user_pack(re)).build() {
            Ok(s) => series(re, &s, &|n| "a".repeat(n), max),
            Err(e) => println!("{re:<16} refused: {e}"),
        }
    }
    println!("default packs, one line without a newline");
    let s = Scanner::new();
    for (name, unit) in UNITS {
        series(name, &s, &|n| line(unit, n), max);
    }
    // KNOWN ISSUE: one unbroken digit cluster is quadratic today (see SECURITY.md and
    // core/tests/hostile.rs `digit_cluster_line_costs_linear_time`): capped at 200 KB here
    // (1 MB took 69 s on the 2-core dev machine).
    let cluster = "1234 5678 9012 3456 7890 1234 5678 9012 3456 78 ";
    series("digit-cluster", &s, &|n| line(cluster, n), max.min(200_000));
}
