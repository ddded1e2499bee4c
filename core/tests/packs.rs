//! Every rule of every embedded pack: its positive examples are found by the full default
//! scanner (as a finding of that rule), its negative examples are not.

use scrubline::{default_packs, Scanner};

#[test]
fn packs_parse_and_meet_the_inventory() {
    let packs = default_packs().expect("default packs parse");
    let rules: usize = packs.iter().map(|p| p.rules.len()).sum();
    assert!(rules >= 150, "at least 150 default rules, have {rules}");
    for p in &packs {
        for r in &p.rules {
            assert!(!r.examples.is_empty(), "{} has no examples", r.id);
            assert!(!r.negative_examples.is_empty(), "{} has no negative examples", r.id);
            assert!(!r.provenance.trim().is_empty(), "{} has no provenance", r.id);
        }
    }
}

#[test]
fn every_example_behaves() {
    let scanner = Scanner::builder().build().expect("default scanner builds");
    let mut failures = Vec::new();
    for r in scanner.rules() {
        for ex in &r.examples {
            let found: Vec<_> = scanner.find_iter(ex).map(|f| f.rule.to_string()).collect();
            if !found.iter().any(|f| f == &r.id) {
                failures.push(format!(
                    "{} ({}:{}): positive example not found (found {:?}): {:?}",
                    r.id, r.pack, r.line, found, ex
                ));
            }
        }
        for ex in &r.negative_examples {
            if scanner.find_iter(ex).any(|f| f.rule == r.id) {
                failures.push(format!("{} ({}:{}): negative example matched: {:?}", r.id, r.pack, r.line, ex));
            }
        }
    }
    assert!(failures.is_empty(), "{} example failures:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn redacting_examples_is_idempotent_and_clean() {
    let scanner = Scanner::new();
    for r in scanner.rules() {
        for ex in &r.examples {
            let once = scanner.redact(ex).into_owned();
            let twice = scanner.redact(&once).into_owned();
            assert_eq!(once, twice, "redacting twice changed the output of {}'s example", r.id);
        }
    }
}
