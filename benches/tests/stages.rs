//! `scrubline::stages` run one after another give exactly what the whole pipeline gives, on
//! every generated corpus kind and on the 2 KB prompt (the per-stage benches rely on it).

use scrubline::{stages, Scanner};
use scrubline_benches::{generate, prompt_2k, Kind};

fn check(scanner: &Scanner, name: &str, text: &str) -> usize {
    let windows = stages::trigger_scan(scanner, text);
    let findings = scanner.findings(text);
    for f in &findings {
        assert!(windows.covers(scanner, f.rule, f.span.start, f.span.end), "{name}: no window around {:?}", f.span);
    }
    let confirmed = stages::confirm(scanner, text, &windows);
    assert_eq!(confirmed.len(), findings.len(), "{name}");
    assert_eq!(stages::redact(scanner, text, &confirmed), scanner.redact(text), "{name}");
    findings.len()
}

#[test]
fn stages_compose_to_the_pipeline() {
    let scanner = Scanner::new();
    for (name, kind) in
        [("logs", Kind::Logs), ("jsonl", Kind::JsonLogs), ("prompts", Kind::Prompts), ("code", Kind::Code)]
    {
        let corpus = generate(kind, 64 << 10, 25, 11);
        assert_eq!(check(&scanner, name, &corpus.text), corpus.planted, "{name}");
    }
    assert_eq!(check(&scanner, "prompt", &prompt_2k(false)), 3);
    let clean = prompt_2k(true);
    assert_eq!(check(&scanner, "clean prompt", &clean), 0);
}

#[test]
fn clean_text_opens_no_window() {
    let scanner = Scanner::new();
    let windows = stages::trigger_scan(&scanner, "nothing to see here, just words and more words");
    assert!(windows.is_empty());
    assert_eq!(windows.bytes(), 0);
    assert!(stages::confirm(&scanner, "x", &windows).is_empty());
}
