#![allow(missing_docs)] // criterion_group! generates undocumented functions
//! One benchmark per pipeline stage on the generated corpora: the keyword search alone (stage
//! 1a, checked against a naive search for every keyword), the trigger scan (stage 1), the
//! confirmation (stages 2 and 3: window merging, regexes, validators, overlap resolution), the
//! redaction (stage 4: actions and the re-scan around each replacement), and JSON-lines
//! redaction (parse, redact by key and by value, serialize). Each stage's answer is checked
//! before it is timed: stage 1 opens a window around every finding, stage 2 finds every
//! planted value and nothing else, stage 4 gives `Scanner::redact`'s output and leaves no
//! finding, JSON lines stay valid JSON with every planted value gone.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use scrubline::{stages, Scanner};
use scrubline_benches::{generate, Corpus, Kind};

const KINDS: [(&str, Kind); 4] =
    [("logs", Kind::Logs), ("jsonl", Kind::JsonLogs), ("prompts", Kind::Prompts), ("code", Kind::Code)];

fn corpus(kind: Kind) -> Corpus {
    generate(kind, 4 << 20, 25, 7)
}

/// Every occurrence of every keyword, by comparing each keyword at every position.
fn naive_keyword_count(keywords: &[&[u8]], text: &[u8]) -> usize {
    keywords.iter().map(|k| text.windows(k.len()).filter(|w| w == k).count()).sum()
}

fn keyword_search(c: &mut Criterion) {
    let scanner = Scanner::new();
    let keywords = stages::keywords(&scanner);
    let mut g = c.benchmark_group("stage1a_keyword_search");
    for (name, kind) in KINDS {
        let corpus = corpus(kind);
        let (n, _) = stages::keyword_search(&scanner, &corpus.text);
        assert_eq!(n, naive_keyword_count(&keywords, corpus.text.as_bytes()), "{name}: every keyword occurrence");
        g.throughput(Throughput::Bytes(corpus.text.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(name), &corpus.text, |b, t| {
            b.iter(|| black_box(stages::keyword_search(&scanner, black_box(t))))
        });
    }
    g.finish();
}

fn trigger_scan(c: &mut Criterion) {
    let scanner = Scanner::new();
    let mut g = c.benchmark_group("stage1_trigger_scan");
    for (name, kind) in KINDS {
        let corpus = corpus(kind);
        let windows = stages::trigger_scan(&scanner, &corpus.text);
        let findings = scanner.findings(&corpus.text);
        assert_eq!(findings.len(), corpus.planted, "{name}: every planted value and nothing else");
        for f in &findings {
            assert!(
                windows.covers(&scanner, f.rule, f.span.start, f.span.end),
                "{name}: stage 1 opened no window of {} around {:?}",
                f.rule,
                f.span
            );
        }
        g.throughput(Throughput::Bytes(corpus.text.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(name), &corpus.text, |b, t| {
            b.iter(|| black_box(stages::trigger_scan(&scanner, black_box(t)).len()))
        });
    }
    g.finish();
}

fn confirm(c: &mut Criterion) {
    let scanner = Scanner::new();
    let mut g = c.benchmark_group("stage2_confirm");
    for (name, kind) in KINDS {
        let corpus = corpus(kind);
        let windows = stages::trigger_scan(&scanner, &corpus.text);
        let confirmed = stages::confirm(&scanner, &corpus.text, &windows);
        assert_eq!(confirmed.len(), corpus.planted, "{name}: every planted value and nothing else");
        // Bytes of the text, so the rate compares with the other stages.
        g.throughput(Throughput::Bytes(corpus.text.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(name), &corpus.text, |b, t| {
            b.iter(|| black_box(stages::confirm(&scanner, black_box(t), &windows).len()))
        });
    }
    g.finish();
}

fn redact(c: &mut Criterion) {
    let scanner = Scanner::new();
    let mut g = c.benchmark_group("stage4_redact");
    for (name, kind) in KINDS {
        let corpus = corpus(kind);
        let windows = stages::trigger_scan(&scanner, &corpus.text);
        let confirmed = stages::confirm(&scanner, &corpus.text, &windows);
        let out = stages::redact(&scanner, &corpus.text, &confirmed);
        assert_eq!(out, scanner.redact(&corpus.text), "{name}: stage 4 alone gives redact()'s output");
        assert!(scanner.findings(&out).is_empty(), "{name}: the output holds no finding");
        g.throughput(Throughput::Bytes(corpus.text.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(name), &corpus.text, |b, t| {
            b.iter(|| black_box(stages::redact(&scanner, black_box(t), &confirmed).len()))
        });
    }
    g.finish();
}

fn json(c: &mut Criterion) {
    let scanner = Scanner::new();
    let corpus = corpus(Kind::JsonLogs);
    let out = scanner.redact_json_lines(&corpus.text);
    assert_eq!(out.lines().count(), corpus.text.lines().count(), "one output line per input line");
    for line in out.lines() {
        serde_json::from_str::<serde_json::Value>(line).expect("every output line is valid JSON");
    }
    assert!(scanner.findings(&out).is_empty(), "every planted value is gone");
    let placeholders = out.matches('[').count() - corpus.text.matches('[').count();
    assert!(placeholders >= corpus.planted, "one placeholder per planted value at least");
    let mut g = c.benchmark_group("json_lines");
    g.throughput(Throughput::Bytes(corpus.text.len() as u64));
    g.bench_function("redact_json_lines", |b| {
        b.iter(|| black_box(scanner.redact_json_lines(black_box(&corpus.text)).len()))
    });
    g.finish();
}

criterion_group!(benches, keyword_search, trigger_scan, confirm, redact, json);
criterion_main!(benches);
