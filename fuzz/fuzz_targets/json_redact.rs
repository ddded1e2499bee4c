//! Arbitrary bytes as a JSON document (structural mode) under arbitrary JSON options (numbers
//! scanned or not, small size and depth limits, key rules): never a panic or a stack overflow;
//! text that is not JSON is redacted as text; valid JSON stays valid JSON; redaction is
//! idempotent; JSON lines agree with document-by-document redaction.
#![no_main]
use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use scrubline::{Action, JsonOptions, Scanner};

mod common;

#[derive(Arbitrary, Debug, Clone, Hash, PartialEq, Eq)]
struct Opts {
    scan_numbers: bool,
    max_depth: u8,
    max_size: u8,
    key: Option<(u8, bool)>,
}

const GLOBS: &[&str] =
    &["password", "**.password", "*.token", "user.*.ssn", "**", "*", "a.**.b", "headers.authorization"];

fn scanner(o: &Opts) -> Option<Scanner> {
    thread_local! {
        static CACHE: std::cell::RefCell<std::collections::HashMap<Opts, Option<Scanner>>> = Default::default();
    }
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if let Some(s) = c.get(o) {
            return s.clone();
        }
        if c.len() >= 1024 {
            c.clear();
        }
        // A small space of options (about 600), so every built scanner stays cached.
        let depth = [0, 1, 2, 3, 8, 128][usize::from(o.max_depth) % 6];
        let size = [8 << 20, 16, 300][usize::from(o.max_size) % 3];
        let mut j = JsonOptions::default().scan_numbers(o.scan_numbers).max_depth(depth).max_size(size);
        if let Some((g, remove)) = o.key {
            let a = if remove { Action::Remove } else { Action::Label };
            j = j.key_rule(GLOBS[usize::from(g) % GLOBS.len()], a, None).expect("valid glob");
        }
        let built = match Scanner::builder().json_options(j).build() {
            Ok(s) => Some(s),
            Err(e) => {
                common::check_error(&e, &[]);
                None
            }
        };
        c.insert(o.clone(), built.clone());
        built
    })
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let s = if data.first().is_some_and(|b| b & 3 != 0) {
        let _ = u.arbitrary::<u8>();
        common::default_scanner().clone()
    } else {
        let Ok(o) = Opts::arbitrary(&mut u) else { return };
        match scanner(&o) {
            Some(s) => s,
            None => return,
        }
    };
    let doc = String::from_utf8_lossy(u.take_rest());
    let out = s.redact_json(&doc);
    let parsed = serde_json::from_str::<serde_json::Value>(&doc);
    if out != doc && parsed.is_ok() {
        assert!(serde_json::from_str::<serde_json::Value>(&out).is_ok(), "valid JSON stays valid");
    }
    if parsed.is_err() && !doc.contains(['{', '[', '"']) {
        // Cannot be JSON even for a more lenient parser: redacted as text.
        assert_eq!(out, s.redact(&doc), "non-JSON is redacted as text");
    }
    assert_eq!(s.redact_json(&out), out, "JSON redaction is idempotent");

    let mut report = scrubline::Report::new(&s);
    let with_report = s.redact_json_with_report(&doc, &mut report);
    assert_eq!(with_report, out);

    if !doc.contains(['\n', '\r']) {
        let lines = format!("{doc}\n\n{doc}\r\n");
        let want = format!("{out}\n\n{out}\r\n");
        assert_eq!(s.redact_json_lines(&lines), want);
    }
});
