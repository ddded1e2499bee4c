//! Times the 2 KB prompt one stage at a time (trigger scan, confirm, redact with its
//! re-scans), best of several rounds of many calls each:
//! `cargo run --release -p scrubline-benches --example prompt_stages`.
use std::hint::black_box;
use std::time::Instant;

use scrubline::stages;

fn best(n: usize, mut f: impl FnMut()) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..15 {
        let t = Instant::now();
        for _ in 0..n {
            f();
        }
        best = best.min(t.elapsed().as_secs_f64() / n as f64);
    }
    best * 1e9
}

fn main() {
    let scanner = scrubline::Scanner::new();
    let text = scrubline_benches::prompt_2k(false);
    let clean = scrubline_benches::prompt_2k(true);
    let windows = stages::trigger_scan(&scanner, &text);
    let confirmed = stages::confirm(&scanner, &text, &windows);
    assert_eq!(confirmed.len(), 3);
    for (id, n, b) in windows.per_rule(&scanner) {
        println!("  window {id}: {n} windows, {b} bytes");
    }
    let out0 = scanner.redact(&text).into_owned();
    for (id, n, b) in stages::trigger_scan(&scanner, &out0).per_rule(&scanner) {
        println!("  output window {id}: {n} windows, {b} bytes");
    }
    let n = 20_000;
    let t_redact = best(n, || {
        black_box(scanner.redact(black_box(&text)).len());
    });
    let t_clean = best(n, || {
        black_box(scanner.redact(black_box(&clean)).len());
    });
    let t_trig = best(n, || {
        black_box(stages::trigger_scan(&scanner, black_box(&text)).len());
    });
    let t_conf = best(n, || {
        black_box(stages::confirm(&scanner, black_box(&text), &windows).len());
    });
    let t_apply = best(n, || {
        black_box(stages::redact(&scanner, black_box(&text), &confirmed).len());
    });
    let out = scanner.redact(&text).into_owned();
    let t_out = best(n, || {
        black_box(scanner.redact(black_box(&out)).len());
    });
    println!(
        "redact {t_redact:.0} ns | clean {t_clean:.0} | trigger scan {t_trig:.0} ({} windows) | confirm {t_conf:.0} | apply+rescan {t_apply:.0} | redact(output) {t_out:.0}",
        windows.len()
    );
}
