//! Time per pipeline stage on corpus files, in process: the keyword search alone (stage 1a),
//! stage 1 (trigger scan), stages 2–3
//! (confirmation and overlap resolution) and stage 4 (redaction), each over 256 KiB segments
//! of whole lines, warm (best of `PASSES`, default 5, after one pass that warms the caches).
//!
//! `RULES=1` also lists the 20 rules whose windows alone take stages 2–3 longest, with their
//! windows and window bytes. `ONLY=rule-id` runs stages 2–3 over that rule's windows alone,
//! `PASSES` times, and prints nothing: a run for a profiler.
//!
//! `cargo run --release -p scrubline-benches --example stage_rate -- bench-corpus/*.txt`

use std::time::Instant;

use scrubline::stages;

fn best<T>(passes: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::MAX;
    let mut n = f();
    for _ in 0..passes {
        let t0 = Instant::now();
        n = f();
        best = best.min(t0.elapsed().as_secs_f64());
    }
    (best, n)
}

fn main() {
    let scanner = scrubline_benches::eager_scanner();
    let passes = std::env::var("PASSES").ok().and_then(|p| p.parse().ok()).unwrap_or(5);
    for path in std::env::args().skip(1) {
        let text = scrubline_benches::read_corpus(&path);
        let segs = scrubline_benches::segments(&text, 256 << 10);
        let windows: Vec<_> = segs.iter().map(|s| stages::trigger_scan(&scanner, s)).collect();
        let confirmed: Vec<_> = segs.iter().zip(&windows).map(|(s, w)| stages::confirm(&scanner, s, w)).collect();
        if let Ok(id) = std::env::var("ONLY") {
            let only: Vec<_> = windows.iter().map(|w| w.of_rule(&scanner, &id)).collect();
            for _ in 0..passes {
                let n = segs.iter().zip(&only).map(|(s, w)| stages::confirm(&scanner, s, w).len()).sum::<usize>();
                std::hint::black_box(n);
            }
            continue;
        }
        let (t0, nk) = best(passes, || segs.iter().map(|s| stages::keyword_search(&scanner, s).0).sum::<usize>());
        let (t1, nw) = best(passes, || segs.iter().map(|s| stages::trigger_scan(&scanner, s).len()).sum::<usize>());
        let (t2, nf) = best(passes, || {
            segs.iter().zip(&windows).map(|(s, w)| stages::confirm(&scanner, s, w).len()).sum::<usize>()
        });
        let (t4, _) = best(passes, || {
            segs.iter().zip(&confirmed).map(|(s, c)| stages::redact(&scanner, s, c).len()).sum::<usize>()
        });
        let wbytes: usize = windows.iter().map(|w| w.bytes()).sum();
        let mb = text.len() as f64 / 1e6;
        println!("{path}: keyword search {:.0} MB/s ({nk} keywords)", text.len() as f64 / 1e6 / t0);
        println!(
            "{path}: stage 1 {:.0} MB/s ({nw} windows, {:.1} MB), stages 2-3 {:.0} MB/s ({nf} findings), \
             stage 4 {:.0} MB/s; all {:.0} MB/s",
            mb / t1,
            wbytes as f64 / 1e6,
            mb / t2,
            mb / t4,
            mb / (t1 + t2 + t4)
        );
        if std::env::var_os("RULES").is_some() {
            let mut acc: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
            for w in &windows {
                for (id, n, b) in w.per_rule(&scanner) {
                    let e = acc.entry(id).or_default();
                    e.0 += n;
                    e.1 += b;
                }
            }
            // Each rule's windows confirmed alone, slowest first.
            let mut v: Vec<_> = acc
                .into_iter()
                .map(|(id, (n, b))| {
                    let only: Vec<_> = windows.iter().map(|w| w.of_rule(&scanner, &id)).collect();
                    let (t, _) = best(passes, || {
                        segs.iter().zip(&only).map(|(s, w)| stages::confirm(&scanner, s, w).len()).sum::<usize>()
                    });
                    (t, id, n, b)
                })
                .collect();
            v.sort_by(|a, b| b.0.total_cmp(&a.0));
            for (t, id, n, b) in v.iter().take(20) {
                println!("  {id}: {:.2} ms, {n} windows, {:.2} MB", t * 1e3, *b as f64 / 1e6);
            }
        }
    }
}
