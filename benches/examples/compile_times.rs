//! Start-up cost: building the default scanner lazily and with every regex compiled.
use std::time::Instant;

fn best(f: impl Fn()) -> f64 {
    (0..5)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .fold(f64::MAX, f64::min)
}

fn main() {
    let lazy = best(|| drop(scrubline::Scanner::builder().build()));
    let eager = best(|| drop(scrubline::Scanner::builder().compile_eagerly(true).build()));
    println!("build: lazy {lazy:.1} ms, every regex compiled {eager:.1} ms");
}
