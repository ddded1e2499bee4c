//! Hostile and broken input through the binary: invalid UTF-8 and NUL bytes in every input
//! mode, JSON nested 10,000 deep, and errors that never echo input. The behaviour of each is
//! documented in SECURITY.md ("Hostile input").

mod common;

use common::{run_stdin, tmpdir};

const EMAIL: &str = "maria.gonzalez@globex.io";
const SSN: &str = "536-22-8417";

#[test]
fn text_mode_keeps_invalid_bytes_and_redacts_around_them() {
    // Invalid bytes are copied as they are (they cannot be part of a value); every valid run
    // around them is scanned, on the same line and across lines.
    let mut input = b"\xff".to_vec();
    input.extend_from_slice(EMAIL.as_bytes());
    input.extend_from_slice(b"\xfe\xc3(");
    input.extend_from_slice(SSN.as_bytes());
    input.extend_from_slice(b")\n\xed\xa0\x80 ");
    input.extend_from_slice(EMAIL.as_bytes());
    input.extend_from_slice(b" \xf0\x9f\n");
    let out = run_stdin(&["redact"], &input);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(out.stdout, b"\xff[EMAIL]\xfe\xc3([US_SSN])\n\xed\xa0\x80 [EMAIL] \xf0\x9f\n".to_vec());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains(EMAIL) && !text.contains(SSN));
}

#[test]
fn text_mode_nul_bytes() {
    let input = format!("\0{EMAIL}\0\0{SSN}\0\n").into_bytes();
    let out = run_stdin(&["redact"], &input);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(out.stdout, b"\0[EMAIL]\0\0[US_SSN]\0\n".to_vec());
}

#[test]
fn json_mode_decodes_invalid_utf8_lossily() {
    // JSON lines must be UTF-8: invalid sequences become U+FFFD, then the line is redacted
    // structurally (or as text if it is not JSON). Nothing is passed through unscanned.
    let mut input = format!("{{\"a\":\"{EMAIL} ").into_bytes();
    input.extend_from_slice(b"\xff\",\"n\":1}\nnot json \xfe ");
    input.extend_from_slice(SSN.as_bytes());
    input.extend_from_slice(b"\n{\"k\":\"\0\"}\n");
    let out = run_stdin(&["redact", "--input", "json"], &input);
    assert_eq!(out.status.code(), Some(1));
    let s = String::from_utf8(out.stdout).expect("lossy output is UTF-8");
    assert_eq!(s, "{\"a\":\"[EMAIL] \u{fffd}\",\"n\":1}\nnot json \u{fffd} [US_SSN]\n{\"k\":\"\0\"}\n");
}

#[test]
fn records_mode_refuses_invalid_utf8() {
    // A records file is JSON lines; invalid UTF-8 is refused with an error naming the line, and
    // no part of the input is written (exit 2).
    let mut input = format!("{{\"id\":\"1\",\"text\":\"{EMAIL}\"}}\n").into_bytes();
    input.extend_from_slice(b"{\"id\":\"2\",\"text\":\"\xff ");
    input.extend_from_slice(SSN.as_bytes());
    input.extend_from_slice(b"\"}\n");
    let out = run_stdin(&["redact", "--input", "records"], &input);
    assert_eq!(out.status.code(), Some(2));
    let all = [out.stdout.as_slice(), out.stderr.as_slice()].concat();
    let all = String::from_utf8_lossy(&all);
    assert!(!all.contains(EMAIL) && !all.contains(SSN), "{all}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("UTF-8"));
}

#[test]
fn json_mode_10000_deep() {
    let deep_array = format!("{}\"{EMAIL}\"{}", "[".repeat(10_000), "]".repeat(10_000));
    let deep_object = format!("{}\"{EMAIL}\"{}", "{\"a\":".repeat(10_000), "}".repeat(10_000));
    let truncated = format!("{}\"{EMAIL}\"", "[".repeat(10_000));
    let input = format!("{deep_array}\n{deep_object}\n{truncated}\n");
    let out = run_stdin(&["redact", "--input", "json"], input.as_bytes());
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let s = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = s.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(!s.contains(EMAIL));
    assert_eq!(lines[0], deep_array.replace(EMAIL, "[EMAIL]"));
    assert_eq!(lines[1], deep_object.replace(EMAIL, "[EMAIL]"));
    assert_eq!(lines[2], truncated.replace(EMAIL, "[EMAIL]"));
    // The same through a file, and the scan command.
    let dir = tmpdir("hostile-deep");
    let f = dir.join("deep.jsonl");
    std::fs::write(&f, &input).unwrap();
    let out = common::bin().args(["scan", "--input", "json", "--format", "jsonl"]).arg(&f).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 3);
}

#[test]
fn errors_never_echo_input() {
    let dir = tmpdir("hostile-errors");
    let pack = dir.join("bad.toml");
    std::fs::write(&pack, format!("[pack]\nid = \"p\"\nversion = \"{EMAIL}\"\n")).unwrap();
    let policy = dir.join("policy.toml");
    std::fs::write(&policy, format!("id = \"p\"\nversion = \"1\"\nthreshold = \"{SSN}\"\n")).unwrap();
    let input = format!("{EMAIL} {SSN}\n");
    for args in [
        vec!["redact", "--pack", pack.to_str().unwrap()],
        vec!["redact", "--policy", policy.to_str().unwrap()],
        vec!["redact", "--action", "EMAIL=blur"],
        vec!["redact", "--only", "NO_SUCH_TYPE"],
    ] {
        let out = run_stdin(&args, input.as_bytes());
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains(EMAIL) && !err.contains(SSN), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}: nothing written on a configuration error");
    }
}
