//! Any pack text: parsing and building return a typed error or a scanner, never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(src) = std::str::from_utf8(data) {
        let _ = scrubline::Scanner::builder().default_packs(false).pack_toml("fuzz.toml", src).build();
    }
});
