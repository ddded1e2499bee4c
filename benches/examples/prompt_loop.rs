//! Redacts the 2 KB prompt of the criterion bench in a loop, for profilers:
//! `valgrind --tool=callgrind target/release/examples/prompt_loop [N] [clean]`.
fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let clean = args.next().is_some_and(|a| a == "clean");
    let scanner = scrubline::Scanner::new();
    let text = scrubline_benches::prompt_2k(clean);
    let mut total = 0;
    for _ in 0..n {
        total += std::hint::black_box(scanner.redact(std::hint::black_box(&text))).len();
    }
    println!("{total}");
}
