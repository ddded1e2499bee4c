#![allow(missing_docs)] // criterion_group! generates undocumented functions
//! Throughput of `redact` on generated corpora, and per-call latency on a 2 KB prompt. Every
//! benchmark first checks its answers: all planted values found, clean text untouched.

use std::borrow::Cow;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use scrubline::Scanner;
use scrubline_benches::{generate, prompt_2k, Kind};

fn corpora(c: &mut Criterion) {
    let scanner = Scanner::new();
    let mut g = c.benchmark_group("redact");
    for (name, kind) in
        [("logs", Kind::Logs), ("jsonl", Kind::JsonLogs), ("prompts", Kind::Prompts), ("code", Kind::Code)]
    {
        let corpus = generate(kind, 4 << 20, 25, 7);
        let found = scanner.findings(&corpus.text).len();
        assert_eq!(found, corpus.planted, "{name}: every planted value and nothing else");
        g.throughput(Throughput::Bytes(corpus.text.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(name), &corpus.text, |b, t| {
            b.iter(|| black_box(scanner.redact(black_box(t)).len()))
        });
    }
    g.finish();
}

fn prompt(c: &mut Criterion) {
    let scanner = Scanner::new();
    let dirty = prompt_2k(false);
    let clean = prompt_2k(true);
    assert_eq!(scanner.findings(&dirty).len(), 3);
    assert!(matches!(scanner.redact(&clean), Cow::Borrowed(_)));
    let mut g = c.benchmark_group("prompt_2k");
    g.bench_function("redact", |b| b.iter(|| black_box(scanner.redact(black_box(&dirty)).len())));
    g.bench_function("redact_clean", |b| b.iter(|| black_box(scanner.redact(black_box(&clean)).len())));
    g.finish();
}

criterion_group!(benches, corpora, prompt);
criterion_main!(benches);
