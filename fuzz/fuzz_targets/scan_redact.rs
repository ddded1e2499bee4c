//! Any input: scanning never panics, findings sit on char boundaries and do not overlap,
//! redaction is idempotent and leaves no finding behind.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn scanner() -> &'static scrubline::Scanner {
    static S: OnceLock<scrubline::Scanner> = OnceLock::new();
    S.get_or_init(scrubline::Scanner::new)
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let s = scanner();
    let mut last = 0;
    for f in s.find_iter(&text) {
        assert!(text.is_char_boundary(f.span.start) && text.is_char_boundary(f.span.end));
        assert!(f.span.start >= last && f.span.end > f.span.start);
        last = f.span.end;
    }
    let once = s.redact(&text).into_owned();
    let twice = s.redact(&once).into_owned();
    assert_eq!(once, twice);
});
