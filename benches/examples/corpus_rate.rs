//! In-process redaction rate on corpus files, without the CLI's I/O: each file is cut into
//! 256 KiB segments of whole lines (as the CLI reads them) and redacted with `redact_into`,
//! best of five passes.
//!
//! `cargo run --release -p scrubline-benches --example corpus_rate -- bench-corpus/*.txt`

use std::time::Instant;

fn main() {
    let scanner = scrubline_benches::eager_scanner();
    for path in std::env::args().skip(1) {
        let text = scrubline_benches::read_corpus(&path);
        let segs = scrubline_benches::segments(&text, 256 << 10);
        let mut out = String::new();
        let mut best = f64::MAX;
        let mut first = 0.0;
        let mut found = 0;
        for pass in 0..std::env::var("PASSES").ok().and_then(|p| p.parse().ok()).unwrap_or(5) {
            let t0 = Instant::now();
            found = 0;
            for s in &segs {
                out.clear();
                found += scanner.redact_into(s, &mut out);
            }
            let t = t0.elapsed().as_secs_f64();
            if pass == 0 {
                first = t;
            }
            best = best.min(t);
        }
        let mb = text.len() as f64 / 1e6;
        println!("{path}: {:.0} MB/s (first pass {:.0} MB/s), {found} findings", mb / best, mb / first);
    }
}
