//! Compiles the default packs' digit screen ahead of time.
//!
//! The digit screen (`Triggers::digit_set` in `src/scanner.rs`) is one DFA over the regexes
//! of every `trigger = "digits"` rule, walked anchored at each place a value can start. Built
//! lazily at run time, it determinizes thousands of states during the first megabytes of
//! every process (the largest one-shot cost after the trigger scan). Here it is determinized
//! once, as a dense DFA, and serialized into `OUT_DIR`; the scanner loads it when its digit
//! rules' regexes are exactly the ones listed beside it (the default packs, in order), and
//! builds the lazy DFA otherwise. The configuration below must match `build_screen_set`'s
//! (`unicode`, `utf8`, `MatchKind::All`, anchored starts): a test checks that both report
//! the same patterns.
use std::{env, fs, path::Path};

use regex_automata::dfa::{dense, StartKind};
use regex_automata::util::syntax;
use regex_automata::MatchKind;

/// Screens of more patterns than this are not embedded (the engine's memo holds a `u128`).
const MAX_PATTERNS: usize = 128;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let out_dir = env::var("OUT_DIR").expect("OUT_DIR");
    let out = Path::new(&out_dir);
    let mut patterns = Vec::new();
    for (name, src) in scrubline_patterns::PACKS {
        // A pack that does not parse is reported by the crate's own parser (with line and
        // column) at run time and in its tests; here it only means no embedded screen.
        let Ok(table) = src.parse::<toml::Table>() else {
            println!("cargo:warning=pack {name} does not parse: no precompiled digit screen");
            return write(out, &[], &[]);
        };
        let rules = table.get("rules").and_then(|r| r.as_array()).map(Vec::as_slice).unwrap_or(&[]);
        for rule in rules {
            if rule.get("trigger").and_then(|t| t.as_str()) == Some("digits") {
                if let Some(re) = rule.get("regex").and_then(|r| r.as_str()) {
                    patterns.push(re.to_string());
                }
            }
        }
    }
    if patterns.is_empty() || patterns.len() > MAX_PATTERNS {
        return write(out, &[], &[]);
    }
    let built = dense::Builder::new()
        .syntax(syntax::Config::new().unicode(true).utf8(true))
        .configure(
            dense::Config::new()
                .match_kind(MatchKind::All)
                .start_kind(StartKind::Anchored)
                // The engine steps the DFA itself: acceleration only marks more states special.
                .accelerate(false)
                .dfa_size_limit(Some(16 << 20))
                .determinize_size_limit(Some(64 << 20)),
        )
        .build_many(&patterns);
    let dfa = match built {
        Ok(dfa) => dfa,
        Err(e) => {
            println!("cargo:warning=digit screen not precompiled ({e}): the scanner builds it lazily");
            return write(out, &[], &[]);
        }
    };
    let (bytes, pad) = match env::var("CARGO_CFG_TARGET_ENDIAN").as_deref() {
        Ok("big") => dfa.to_bytes_big_endian(),
        _ => dfa.to_bytes_little_endian(),
    };
    write(out, &bytes[pad..], &patterns);
}

/// Writes the serialized DFA (empty: none) and the patterns it was built from.
fn write(out: &Path, dfa: &[u8], patterns: &[String]) {
    fs::write(out.join("digit_screen.dfa"), dfa).expect("write digit_screen.dfa");
    let mut list = String::from("&[\n");
    for p in patterns {
        list.push_str(&format!("    {p:?},\n"));
    }
    list.push(']');
    fs::write(out.join("digit_screen_patterns.rs"), list).expect("write digit_screen_patterns.rs");
}
