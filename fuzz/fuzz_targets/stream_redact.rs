//! Arbitrary text pushed in arbitrary chunks through a `StreamRedactor` with an arbitrary scan
//! step, under the default or an arbitrary scanner configuration: the concatenated output
//! equals one-shot `redact`, and the redactor holds back a bounded amount.
#![no_main]
use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use scrubline::StreamRedactor;

mod common;

#[derive(Arbitrary, Debug)]
struct Plan {
    /// An arbitrary configuration for one value of 8 of the first byte (cached builds).
    with_config: u8,
    config: common::Config,
    step: u16,
    sizes: Vec<u16>,
    /// Also run a second stream through the same redactor after `finish`.
    reuse: bool,
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(plan) = Plan::arbitrary(&mut u) else { return };
    let text = String::from_utf8_lossy(u.take_rest());
    let s = match plan.with_config % 8 {
        0 => match common::scanner(&plan.config) {
            Some(s) => s,
            None => return,
        },
        _ => common::default_scanner().clone(),
    };
    let one = s.redact(&text);
    let mut r = StreamRedactor::with_step(&s, usize::from(plan.step));
    let rounds = if plan.reuse { 2 } else { 1 };
    for _ in 0..rounds {
        let mut out = String::new();
        for piece in common::chunks(&text, &plan.sizes) {
            out.push_str(&r.push(piece));
            assert!(r.pending() <= (4 << 20), "bounded buffering");
        }
        out.push_str(&r.finish());
        assert_eq!(r.pending(), 0);
        assert!(out == one, "streamed output differs from one-shot redact");
    }
});
