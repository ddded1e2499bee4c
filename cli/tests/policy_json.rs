//! `scrubline policy check`, `--policy`/`--tenant`, `--report`, `--input json` and `classify`
//! end to end.

mod common;

use common::{bin, run_stdin, tmpdir};

const POLICY: &str = r#"id = "cli"
version = "1.0.0"
[actions]
EMAIL = "mask:4"
[[deny]]
id = "customers"
type = "CUSTOMER_NAME"
file = "customers.txt"
[json.keys]
"**.password" = "remove"
[tenant.acme.actions]
EMAIL = "remove"
"#;

fn policy_dir(name: &str) -> std::path::PathBuf {
    let d = tmpdir(name);
    std::fs::write(d.join("policy.toml"), POLICY).unwrap();
    std::fs::write(d.join("customers.txt"), "Globex\nInitech\n").unwrap();
    d
}

#[test]
fn policy_check_ok_and_error_location() {
    let d = policy_dir("check");
    let p = d.join("policy.toml");
    let out = bin().args(["policy", "check", p.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.contains("policy `cli` version 1.0.0") && s.contains("tenant acme") && s.ends_with("ok\n"), "{s}");

    std::fs::write(&p, POLICY.replace("\"mask:4\"", "\"blur\"")).unwrap();
    let out = bin().args(["policy", "check", p.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8(out.stderr).unwrap();
    assert!(e.contains("policy.toml:4:9") && e.contains("blur"), "{e}");
}

#[test]
fn redact_with_policy_and_tenant() {
    let d = policy_dir("redact");
    let p = d.join("policy.toml");
    let text = b"Globex mailed bob@example.com\n";
    let out = run_stdin(&["redact", "--policy", p.to_str().unwrap()], text);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "[CUSTOMER_NAME] mailed ***********.com\n");
    let out = run_stdin(&["redact", "--policy", p.to_str().unwrap(), "--tenant", "acme"], text);
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "[CUSTOMER_NAME] mailed \n");
    // Command-line actions override the policy.
    let out = run_stdin(&["redact", "--policy", p.to_str().unwrap(), "--action", "EMAIL=label"], text);
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "[CUSTOMER_NAME] mailed [EMAIL]\n");
}

#[test]
fn report_file_for_the_whole_run() {
    let d = policy_dir("report");
    std::fs::write(d.join("a.log"), "bob@example.com\nssn 078-05-1120\n").unwrap();
    std::fs::write(d.join("b.log"), "Initech\n").unwrap();
    let rep = d.join("report.json");
    let out = bin()
        .args(["redact", "--policy", d.join("policy.toml").to_str().unwrap(), "--report", rep.to_str().unwrap()])
        .arg(d.join("a.log"))
        .arg(d.join("b.log"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json = std::fs::read_to_string(&rep).unwrap();
    assert!(!json.contains("bob@") && !json.contains("078-05") && !json.contains("Initech"));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["policy"]["id"], "cli");
    assert_eq!(v["total"], 3);
    assert_eq!(v["inputs"].as_array().unwrap().len(), 2);
    assert_eq!(v["findings"][1]["line"], 2);
    assert_eq!(v["findings"][2]["input"], 1);
    assert_eq!(v["by_category"]["custom"], 1);

    // `scan --report` too.
    let rep2 = d.join("scan.json");
    let out = bin().args(["scan", "--report", rep2.to_str().unwrap()]).arg(d.join("a.log")).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&rep2).unwrap()).unwrap();
    assert_eq!(v["total"], 2);
}

#[test]
fn json_lines_and_documents() {
    let d = policy_dir("json");
    let p = d.join("policy.toml");
    let lines = "{\"user\":{\"email\":\"bob@example.com\",\"password\":\"x\"},\"n\":1}\nnot json bob@example.com\n\n{\"card\":4111111111111111}\n";
    let out = run_stdin(&["redact", "--input", "json", "--policy", p.to_str().unwrap()], lines.as_bytes());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "{\"user\":{\"email\":\"***********.com\",\"password\":\"\"},\"n\":1}\nnot json ***********.com\n\n{\"card\":\"[CREDIT_CARD]\"}\n"
    );
    let doc = "{\n  \"a\": \"bob@example.com\",\n  \"b\": [1, 2]\n}\n";
    let out = run_stdin(&["redact", "--input", "json"], doc.as_bytes());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "{\n  \"a\": \"[EMAIL]\",\n  \"b\": [1, 2]\n}\n");
}

#[test]
fn classify_prints_categories_and_sensitivity() {
    let out = run_stdin(&["classify"], b"key AKIAQ3EGRDVHXPAE7N2M mail bob@example.com\n");
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["categories"], serde_json::json!(["pii", "secret"]));
    assert_eq!(v["sensitivity"], "high");
    let out = run_stdin(&["classify"], b"nothing\n");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn the_policy_example_reproduces_its_outputs() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/policy");
    let policy = dir.join("policy.toml");
    let out = bin().args(["policy", "check", policy.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let rep = tmpdir("example").join("report.json");
    let out = bin()
        .args(["redact", "--input", "json", "--policy", policy.to_str().unwrap(), "--tenant", "acme"])
        .args(["--report", rep.to_str().unwrap()])
        .arg(dir.join("logs.jsonl"))
        .env("SCRUBLINE_KEY", "example-pseudonym-key")
        .env("SCRUBLINE_REPORT_KEY", "example-report-key")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let expected = std::fs::read_to_string(dir.join("redacted.jsonl")).unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), expected);
    let got: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&rep).unwrap()).unwrap();
    let mut want: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    // Input names are paths, which differ between checkouts.
    want["inputs"] = got["inputs"].clone();
    assert_eq!(got, want);
}
