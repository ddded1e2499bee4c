//! Placeholder restore: a vault filled by tokenizing arbitrary text, then an arbitrary answer
//! restored delta by delta with a `Restorer`: the concatenated output equals one-shot
//! `Vault::restore`, the held-back suffix stays within its documented bound, and the vault
//! survives an export/import round trip with the same restore. Tokenized text restores to a
//! text with the same findings.
#![no_main]
use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use scrubline::{Restorer, Vault, MAX_INNER_SPACES};

mod common;

#[derive(Arbitrary, Debug)]
struct Plan<'a> {
    /// Text whose findings fill the vault.
    seed: &'a [u8],
    /// Placeholder-shaped pieces to splice into the answer.
    splice: Vec<(u8, u8, u8)>,
    sizes: Vec<u16>,
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(plan) = Plan::arbitrary(&mut u) else { return };
    let answer_raw = String::from_utf8_lossy(u.take_rest());
    let s = common::default_scanner();
    let seed = String::from_utf8_lossy(plan.seed);
    let vault = Vault::new();
    let tok = s.tokenize(&seed, &vault).into_owned();
    assert!(s.findings(&tok).is_empty(), "tokenized text holds no finding");

    // The answer: arbitrary text with mangled placeholders of the vault spliced in.
    let mut answer = answer_raw.into_owned();
    let keys: Vec<String> = {
        let mut k = Vec::new();
        for (i, _) in tok.match_indices('<') {
            if let Some(end) = tok[i..].find('>') {
                k.push(tok[i + 1..i + end].to_string());
            }
        }
        k
    };
    if !keys.is_empty() {
        for &(which, form, at) in plan.splice.iter().take(8) {
            let k = &keys[usize::from(which) % keys.len()];
            let sp = " ".repeat(usize::from(form >> 4) % (MAX_INNER_SPACES + 2));
            let piece = match form % 6 {
                0 => format!("<{k}>"),
                1 => format!("<{sp}{k}{sp}>"),
                2 => k.to_ascii_lowercase(),
                3 => format!("<{k}"),
                4 => format!("{k}>"),
                _ => k.clone(),
            };
            let mut pos = usize::from(at) % (answer.len() + 1);
            while !answer.is_char_boundary(pos) {
                pos -= 1;
            }
            answer.insert_str(pos, &piece);
        }
    }

    let one = vault.restore(&answer).into_owned();
    let longest = vault_longest_key(&tok);
    let mut r = Restorer::new(&vault);
    let mut out = String::new();
    for piece in common::chunks(&answer, &plan.sizes) {
        out.push_str(&r.push(piece));
        assert!(r.held_back() <= 2 * MAX_INNER_SPACES + 2 + longest + 4, "held back {} > bound", r.held_back());
    }
    out.push_str(&r.finish());
    assert!(out == one, "streamed restore differs from one-shot");

    let key = [7u8; 32];
    let blob = vault.export(&key).expect("export");
    let back = Vault::import(&blob, &key).expect("import");
    assert_eq!(back.len(), vault.len());
    assert!(back.restore(&answer) == one, "imported vault restores the same");
    assert!(Vault::import(&blob, &[8u8; 32]).is_err());
});

/// Length of the longest `TYPE_ID` in the tokenized text (an upper bound of the vault's).
fn vault_longest_key(tok: &str) -> usize {
    tok.split(['<', '>']).map(str::len).max().unwrap_or(0).max(64 + 21)
}
