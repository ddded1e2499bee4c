//! The `scrubline` binary end to end: exit codes, output formats, streaming, records,
//! directories, notebooks, odd input.

mod common;

use common::{bin, run_stdin, tmpdir};

const EMAIL: &str = "maria.gonzalez@globex.io";
const SSN: &str = "536-22-8417";

#[test]
fn redact_stdin_and_exit_codes() {
    let text = format!("login ok for {EMAIL} ssn {SSN} at 2026-11-02T09:14:05Z order ORD-88123411\n");
    let out = run_stdin(&["redact"], text.as_bytes());
    assert_eq!(out.status.code(), Some(1));
    let s = String::from_utf8(out.stdout).unwrap();
    assert_eq!(s, "login ok for [EMAIL] ssn [US_SSN] at 2026-11-02T09:14:05Z order ORD-88123411\n");
    let clean = run_stdin(&["redact"], b"nothing at 12:34:56, v1.2.3\n");
    assert_eq!(clean.status.code(), Some(0));
    assert_eq!(clean.stdout, b"nothing at 12:34:56, v1.2.3\n");
}

#[test]
fn scan_jsonl_reports_byte_offsets_lines_and_no_values() {
    let text = format!("first line é\nmail {EMAIL} now\n");
    let out = run_stdin(&["scan", "--format", "jsonl"], text.as_bytes());
    assert_eq!(out.status.code(), Some(1));
    let s = String::from_utf8(out.stdout).unwrap();
    let v: serde_json::Value = serde_json::from_str(s.lines().next().unwrap()).unwrap();
    let start = text.find(EMAIL).unwrap() as u64;
    assert_eq!(v["rule"], "email-address");
    assert_eq!(v["type"], "EMAIL");
    assert_eq!(v["category"], "pii");
    assert_eq!(v["start"], start);
    assert_eq!(v["end"], start + EMAIL.len() as u64);
    assert_eq!(v["line"], 2);
    assert!(v.get("value").is_none());
    assert!(!s.contains(EMAIL), "no raw value without --show-values");
    let shown = run_stdin(&["scan", "--format", "jsonl", "--show-values"], text.as_bytes());
    assert!(String::from_utf8(shown.stdout).unwrap().contains(EMAIL));
}

#[test]
fn invalid_utf8_passes_through_and_valid_runs_are_redacted() {
    let mut input = b"bad \xff\xfe bytes ".to_vec();
    input.extend_from_slice(EMAIL.as_bytes());
    input.extend_from_slice(b" end\n");
    let out = run_stdin(&["redact"], &input);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(out.stdout, b"bad \xff\xfe bytes [EMAIL] end\n".to_vec());
}

#[test]
fn private_key_block_is_held_across_lines() {
    let body = "MIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB\n".repeat(20);
    let pem = format!("-----BEGIN RSA PRIVATE KEY-----\n{body}-----END RSA PRIVATE KEY-----");
    let text = format!("before\n{pem}\nafter\n");
    let out = run_stdin(&["redact"], text.as_bytes());
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(!s.contains("MIIEowIBAAKCAQEA"), "key material left: {s}");
    assert!(s.starts_with("before\n") && s.ends_with("after\n"));
}

#[test]
fn huge_line_is_processed_in_bounded_pieces() {
    let mut text = "word ".repeat(600_000); // 3 MB, no newline
    text.push_str(EMAIL);
    let out = run_stdin(&["redact"], text.as_bytes());
    let s = String::from_utf8(out.stdout).unwrap();
    assert_eq!(s.len(), text.len() - EMAIL.len() + "[EMAIL]".len());
    assert!(s.ends_with("[EMAIL]"));
}

#[test]
fn records_in_and_out() {
    let input = format!(
        "{{\"id\": 7, \"text\": \"write to {EMAIL}\", \"lang\": \"en\"}}\n{{\"id\": \"b\", \"text\": \"clean\"}}\nnot json {SSN}\n"
    );
    let out = run_stdin(&["scan", "--input", "records", "--format", "jsonl"], input.as_bytes());
    let lines: Vec<serde_json::Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines[0]["id"], 7);
    assert_eq!(lines[0]["start"], 9);
    let red = run_stdin(&["redact", "--input", "records"], input.as_bytes());
    let s = String::from_utf8(red.stdout).unwrap();
    let mut it = s.lines();
    assert_eq!(it.next().unwrap(), r#"{"id":7,"text":"write to [EMAIL]","lang":"en"}"#);
    assert_eq!(it.next().unwrap(), r#"{"id": "b", "text": "clean"}"#);
    assert_eq!(it.next().unwrap(), "not json [US_SSN]", "a non-record line is redacted as text");
}

#[test]
fn directories_respect_gitignore_skip_binaries_and_read_notebooks() {
    let d = tmpdir("walk");
    std::fs::write(d.join(".gitignore"), "ignored.txt\n").unwrap();
    std::fs::write(d.join("a.txt"), format!("ssn {SSN}\n")).unwrap();
    std::fs::write(d.join("ignored.txt"), format!("ssn {SSN}\n")).unwrap();
    std::fs::write(d.join("blob.bin"), b"\x00\x01ssn 536-22-8417").unwrap();
    let nb = serde_json::json!({"cells": [
        {"cell_type": "markdown", "source": ["# notes\n"]},
        {"cell_type": "code", "source": ["x = 1\n", format!("email = '{EMAIL}'\n")], "outputs": []}
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5});
    std::fs::write(d.join("n.ipynb"), serde_json::to_string(&nb).unwrap()).unwrap();
    let out = bin().args(["scan", "--format", "jsonl"]).arg(&d).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let found: Vec<serde_json::Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let paths: Vec<String> = found.iter().map(|f| f["path"].as_str().unwrap().to_string()).collect();
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(paths[0].ends_with("a.txt"));
    assert!(paths[1].ends_with("n.ipynb"));
    assert_eq!(found[1]["cell"], 1);
    assert_eq!(found[1]["start"], 15);
    let red = bin().args(["redact", "--in-place"]).arg(d.join("n.ipynb")).output().unwrap();
    assert_eq!(red.status.code(), Some(1));
    let after = std::fs::read_to_string(d.join("n.ipynb")).unwrap();
    assert!(after.contains("[EMAIL]") && !after.contains(EMAIL));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn errors_exit_2_with_location_and_no_input() {
    let d = tmpdir("pack");
    let bad = d.join("bad.toml");
    std::fs::write(&bad, "[pack]\nid = \"x\"\nversion = \"1.0.0\"\n\n[[rules]]\nid = \"Bad Id\"\n").unwrap();
    let out = run_stdin(&["redact", "--pack", bad.to_str().unwrap()], format!("{SSN}\n").as_bytes());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("bad.toml:"), "{err}");
    assert!(!err.contains(SSN));
    let out = run_stdin(&["redact", "--action", "EMAIL=explode"], b"x\n");
    assert_eq!(out.status.code(), Some(2));
    let out = bin().args(["scan", "/definitely/not/here"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn rules_lists_every_rule_with_pack_and_examples() {
    let out = bin().args(["rules", "--format", "jsonl"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let rules: Vec<serde_json::Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(rules.len() >= 150);
    assert!(rules.iter().all(|r| r["examples"].as_u64().unwrap() >= 1 && r["version"].as_str().is_some()));
}

#[test]
fn actions_from_the_command_line() {
    let out = run_stdin(
        &["redact", "--action", "EMAIL=mask:4", "--action", "US_SSN=remove"],
        format!("{EMAIL} {SSN}\n").as_bytes(),
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "********************x.io \n");
}
