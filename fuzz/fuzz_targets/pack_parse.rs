//! Any pack text: parsing and building return a scanner or a typed error (kind pack or
//! pattern, 1-based positions), never panic. A pack that builds scans its own source and a
//! fixed text with every invariant of `scan_redact`, in linear time.
#![no_main]
use libfuzzer_sys::fuzz_target;
use scrubline::{ErrorKind, Scanner};

mod common;

const TEXT: &str = "mail bob@example.com TCK-123456 ssn 078-05-1120 key=AKIAQ3EGRDVHXPAE7N2M 日本 é\n";

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    // With the default packs one input in 8: building them costs milliseconds.
    let default_packs = src.len() % 8 == 0;
    match Scanner::builder().default_packs(default_packs).pack_toml("fuzz.toml", src).build() {
        Ok(s) => {
            for t in [TEXT, src] {
                common::check_findings(&s, t, 0.5);
                common::check_redact(&s, t);
            }
        }
        Err(e) => {
            common::check_error(&e, &[]);
            assert!(matches!(e.kind(), ErrorKind::Pack | ErrorKind::Pattern | ErrorKind::Policy), "{:?}", e.kind());
            if e.line().is_some() {
                // The line is in the file (or just past its end, for a missing field).
                assert!(e.line().unwrap() <= src.lines().count() + 1, "line out of range");
            }
        }
    }
});
