//! Any policy text: parsing returns a policy or a typed error naming the file with 1-based
//! positions; a policy that parses gives a scanner (or a typed error) for its base and every
//! tenant, and that scanner keeps every invariant of `scan_redact`. File references are
//! resolved in an empty directory, and texts that could name a path are skipped.
#![no_main]
use libfuzzer_sys::fuzz_target;
use scrubline::{Policy, Scanner};

mod common;

const TEXT: &str = "Globex mail bob@example.com ssn 078-05-1120 key=AKIAQ3EGRDVHXPAE7N2M {\"password\":\"x\"}\n";

fn empty_dir() -> &'static std::path::Path {
    static D: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    D.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("scrubline-fuzz-empty-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&d);
        d
    })
}

fn check(p: &Policy, src: &str) {
    let _ = format!("{p:?}");
    match Scanner::builder().policy(p).build() {
        Ok(s) => {
            for t in [TEXT, src] {
                common::check_findings(&s, t, 0.0);
                common::check_redact(&s, t);
                let _ = s.redact_json(t);
            }
        }
        Err(e) => common::check_error(&e, &[]),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    // No paths (nor the only escapes that could spell a `/`): nothing outside the empty
    // directory is read (`/dev/zero` would never end).
    if src.contains('/') || src.contains("\\u") || src.contains("\\U") {
        return;
    }
    match Policy::from_toml_in("fuzz.toml", src, empty_dir()) {
        Ok(p) => {
            check(&p, src);
            let tenants: Vec<String> = p.tenants().map(str::to_string).collect();
            for t in tenants.iter().take(4) {
                match p.for_tenant(t) {
                    Ok(tp) => check(&tp, src),
                    Err(e) => common::check_error(&e, &[]),
                }
            }
            assert!(p.for_tenant("\u{0}no such tenant").is_err());
        }
        Err(e) => {
            common::check_error(&e, &[]);
            if let Some(l) = e.line() {
                if e.source_name() == Some("fuzz.toml") {
                    assert!(l <= src.lines().count() + 1, "line out of range");
                }
            }
        }
    }
});
