//! Arbitrary bytes under an arbitrary scanner configuration (packs, only, disable, actions,
//! default action, threshold, pseudonym key, scope): building returns a scanner or a typed
//! error; findings sit on char boundaries, sorted, disjoint and above the threshold; redaction
//! leaves no finding but report-only ones, is idempotent, and every redaction API agrees;
//! tokenizing is idempotent and its vault restores the tokenized text to a text that scans to
//! the same placeholders.
#![no_main]
use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use scrubline::Vault;

mod common;

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    // The default configuration most of the time: building a scanner costs milliseconds, so
    // most of the search is on the text; configurations are cached.
    let cfg = if data.first().is_some_and(|b| b & 3 != 0) {
        let _ = u.arbitrary::<u8>();
        None
    } else {
        match common::Config::arbitrary(&mut u) {
            Ok(c) => Some(c),
            Err(_) => return,
        }
    };
    let text = String::from_utf8_lossy(u.take_rest());
    let (s, threshold) = match &cfg {
        None => (common::default_scanner().clone(), 0.5),
        Some(c) => match common::scanner(c) {
            Some(s) => (s, f32::from(c.threshold % 10) / 8.0),
            None => return,
        },
    };
    common::check_findings(&s, &text, threshold);
    let out = common::check_redact(&s, &text);
    common::check_findings(&s, &out, threshold);

    let vault = Vault::new();
    let tok = s.tokenize(&text, &vault).into_owned();
    assert_eq!(s.tokenize(&tok, &vault), tok, "tokenizing is idempotent");
    assert_eq!(s.redact_with_vault(&tok, &vault), tok);
});
