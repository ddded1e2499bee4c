//! No leaks: every error path we can reach, with planted secret values in the input (scanned
//! text, pack and policy values, vault blobs), never shows a planted value in its `Display`,
//! `Debug` or source chain; `Debug` of scanners, vaults, findings, policies, stream redactors
//! and restorers shows no value.

use std::error::Error as _;

use scrubline::{Action, JsonOptions, Policy, Restorer, Scanner, StreamRedactor, Vault};

/// Values that must never be echoed. Each is also a detectable value of its type.
const PLANTED: &[&str] = &[
    "AKIAQ3EGRDVHXPAE7N2M",
    "maria.gonzalez@globex.io",
    "536-22-8417",
    "4526018159083012",
    "hunter2hunter2",
    "Initech-Customer-Zed",
    "ghp_R8sT2vW4xY6zA8bC0dE2fG4hJ6kL8mN0pQ2r",
];

fn assert_clean(what: &str, e: &scrubline::Error) {
    let mut shown = format!("{e}\n{e:?}\n{}\n", e.message());
    let mut src = e.source();
    while let Some(s) = src {
        shown.push_str(&format!("{s}\n{s:?}\n"));
        src = s.source();
    }
    for p in PLANTED {
        assert!(!shown.contains(p), "{what}: error shows a planted value: {shown}");
    }
}

fn pack_err(what: &str, src: &str) {
    let e = Scanner::builder()
        .default_packs(false)
        .pack_toml("leak.toml", src)
        .build()
        .err()
        .unwrap_or_else(|| panic!("{what}: pack accepted"));
    assert_clean(what, &e);
}

fn policy_err(what: &str, src: &str) {
    let e = match Policy::from_toml("leak.toml", src) {
        Ok(p) => Scanner::builder().policy(&p).build().err().unwrap_or_else(|| panic!("{what}: policy accepted")),
        Err(e) => e,
    };
    assert_clean(what, &e);
}

const RULE_HEAD: &str =
    "[pack]\nid = \"p\"\nversion = \"1.0.0\"\n[[rules]]\nid = \"r\"\nname = \"R\"\ntype = \"R_TYPE\"\n\
                         category = \"secret\"\nsensitivity = \"low\"\nkeywords = [\"AKIA\"]\nprovenance = \"t\"\n\
                         confidence = 0.9\n";

#[test]
fn pack_errors_show_no_planted_value() {
    let ex = "examples = [\"key AKIAQ3EGRDVHXPAE7N2M\"]\nnegative_examples = [\"maria.gonzalez@globex.io\"]\n";
    // (Examples are checked by the test suite, `core/tests/packs.rs`, not at build.)
    pack_err("regex does not compile", &format!("{RULE_HEAD}regex = 'AKIA[0-9'\n{ex}"));
    pack_err("duplicate rule id", &format!("{RULE_HEAD}regex = 'AKIA'\n{ex}[[rules]]\nid = \"r\"\n"));
    // Values of the wrong type: serde quotes a value it cannot use; ours must not.
    pack_err("string for a number", &format!("{RULE_HEAD}regex = 'AKIA'\n{ex}max_len = \"hunter2hunter2\"\n"));
    pack_err("number for a string", &format!("{RULE_HEAD}regex = 'AKIA'\n{ex}validator = 4526018159083012\n"));
    pack_err("string for a list", &format!("{RULE_HEAD}regex = 'AKIA'\nexamples = \"AKIAQ3EGRDVHXPAE7N2M\"\n"));
    pack_err("string for a bool", &format!("{RULE_HEAD}regex = 'AKIA'\n{ex}context_required = \"536-22-8417\"\n"));
    // Names of enum-like settings (an unknown trigger, validator or action) are echoed: they
    // are identifiers, and the message is useless without them.
    pack_err("bad TOML after a value", "[pack]\nid = \"p\"\nsecret = \"hunter2hunter2\" \"x\"\n");
    pack_err("unterminated string", "[pack]\nid = \"hunter2hunter2\n");
}

#[test]
fn policy_errors_show_no_planted_value() {
    let head = "id = \"p\"\nversion = \"1\"\n";
    policy_err("inline pseudonym key", &format!("{head}pseudonym_key = \"hunter2hunter2\"\n"));
    policy_err("inline report key", &format!("{head}report_key = \"hunter2hunter2\"\n"));
    policy_err(
        "deny terms not a list",
        &format!("{head}[[deny]]\nid = \"d\"\ntype = \"D\"\nterms = \"Initech-Customer-Zed\"\n"),
    );
    policy_err(
        "deny term not a string",
        &format!("{head}[[deny]]\nid = \"d\"\ntype = \"D\"\nterms = [\"Initech-Customer-Zed\", 3]\n"),
    );
    policy_err(
        "deny term empty next to a real one",
        &format!("{head}[[deny]]\nid = \"d\"\ntype = \"D\"\nterms = [\"Initech-Customer-Zed\", \"\"]\n"),
    );
    policy_err("allow values not a list", &format!("{head}[allow]\nvalues = \"maria.gonzalez@globex.io\"\n"));
    policy_err("allow value not a string", &format!("{head}[allow]\nvalues = [\"536-22-8417\", 4]\n"));
    policy_err("threshold as a string", &format!("{head}threshold = \"4526018159083012\"\n"));
    policy_err(
        "deny terms and file",
        &format!("{head}[[deny]]\nid = \"d\"\ntype = \"D\"\nterms = [\"Initech-Customer-Zed\"]\nfile = \"x.txt\"\n"),
    );
    policy_err("unterminated string", &format!("{head}[allow]\nvalues = [\"maria.gonzalez@globex.io\n"));
    policy_err(
        "duplicate deny id",
        &format!(
            "{head}[[deny]]\nid = \"d\"\ntype = \"D\"\nterms = [\"Initech-Customer-Zed\"]\n\
             [[deny]]\nid = \"d\"\ntype = \"D\"\nterms = [\"hunter2hunter2\"]\n"
        ),
    );
    // A deny-list file that holds a bad term.
    let dir = std::env::temp_dir().join(format!("scrubline-leaks-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("terms.txt"), "Initech-Customer-Zed\n\u{0}hunter2hunter2\n").unwrap();
    let src = format!("{head}[[deny]]\nid = \"d\"\ntype = \"D\"\nfile = \"terms.txt\"\n");
    if let Err(e) = Policy::from_toml_in("leak.toml", &src, &dir) {
        assert_clean("bad term in a file", &e);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn vault_errors_show_no_planted_value() {
    let s = Scanner::new();
    let vault = Vault::new();
    let prompt = PLANTED.join(" ");
    let tok = s.tokenize(&prompt, &vault);
    assert!(PLANTED[..4].iter().all(|p| !tok.contains(p)), "{tok}");
    let key = [9u8; 32];
    let blob = vault.export(&key).unwrap();
    // Wrong key, changed data, truncated, wrong magic, wrong version, bad key lengths.
    let mut changed = blob.clone();
    let last = changed.len() - 1;
    changed[last] ^= 1;
    let mut version = blob.clone();
    version[4] = 9;
    let cases: Vec<(&str, Vec<u8>, Vec<u8>)> = vec![
        ("wrong key", blob.clone(), vec![8u8; 32]),
        ("changed data", changed, key.to_vec()),
        ("truncated", blob[..blob.len() / 2].to_vec(), key.to_vec()),
        ("planted text as a blob", prompt.as_bytes().to_vec(), key.to_vec()),
        ("wrong version", version, key.to_vec()),
        ("short key", blob.clone(), b"hunter2hunter2".to_vec()),
        ("key is a planted value", blob.clone(), b"AKIAQ3EGRDVHXPAE7N2M".to_vec()),
    ];
    for (what, b, k) in cases {
        let e = Vault::import(&b, &k).unwrap_err();
        assert_eq!(e.kind(), scrubline::ErrorKind::Vault);
        assert_clean(what, &e);
    }
    assert_clean("export with a bad key", &vault.export(b"hunter2hunter2").unwrap_err());
    // Debug of a filled vault, and of a restorer on it.
    let dbg = format!("{vault:?} {:?}", Restorer::new(&vault));
    for p in PLANTED {
        assert!(!dbg.contains(p), "{dbg}");
    }
}

#[test]
fn option_errors_show_no_planted_value() {
    // Thresholds, pseudonyms without a key, JSON key globs: configuration, with no input.
    for e in [
        Scanner::builder().threshold(4.5).build().unwrap_err(),
        Scanner::builder().action("EMAIL", Action::Pseudonym).build().unwrap_err(),
        JsonOptions::default().key_rule("a.b*", Action::Label, None).unwrap_err(),
    ] {
        assert_clean("options", &e);
    }
}

#[test]
fn input_never_reaches_an_error_or_debug_output() {
    // Scanning and redacting cannot fail: bad UTF-8 (decoded lossily), bad JSON, deep JSON and
    // NUL bytes all give output, not an error that could carry the text.
    let s = Scanner::new();
    let mut bytes = PLANTED.join("\u{0} \u{7f}").into_bytes();
    bytes.extend_from_slice(b"\xff\xfe\xc3");
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let json_bad = format!("{{\"a\": \"{}\" ,,, ]", PLANTED.join(" "));
    let json_deep = format!("{}\"{}\"{}", "[".repeat(500), PLANTED[1], "]".repeat(500));
    for t in [&text, &json_bad, &json_deep] {
        let red = s.redact(t);
        let j = s.redact_json(t);
        for p in &PLANTED[..4] {
            assert!(!red.contains(p) && !j.contains(p), "{p} survived");
        }
        let found = s.findings(t);
        assert!(!found.is_empty());
        let dbg = format!("{s:?} {found:?} {:?}", found.first());
        let mut sr = StreamRedactor::new(&s);
        let _ = sr.push(t);
        let dbg = format!("{dbg} {sr:?}");
        for p in PLANTED {
            assert!(!dbg.contains(p), "Debug shows a planted value: {dbg}");
        }
    }
}

#[test]
fn debug_of_configured_scanner_and_policy_shows_no_value_or_key() {
    let policy = Policy::from_toml(
        "p.toml",
        "id = \"p\"\nversion = \"1\"\n[allow]\nvalues = [\"maria.gonzalez@globex.io\"]\n\
         [[deny]]\nid = \"d\"\ntype = \"D\"\nterms = [\"Initech-Customer-Zed\"]\n",
    )
    .unwrap();
    let s = Scanner::builder()
        .policy(&policy)
        .pseudonym_key(b"hunter2hunter2".to_vec())
        .report_key(b"hunter2hunter2".to_vec())
        .action("EMAIL", Action::Pseudonym)
        .build()
        .unwrap();
    let dbg = format!("{s:?} {policy:?}");
    for p in PLANTED {
        assert!(!dbg.contains(p), "{dbg}");
    }
    // Debug bytes of the key: `[104, 117, 110, ...]`.
    assert!(!dbg.contains("104, 117, 110"), "{dbg}");
}

/// `ScannerBuilder`'s `Debug` shows counts, pack names and `<set>` for keys (it was derived,
/// printing keys as bytes and pack sources whole, until 2026-11-22).
#[test]
fn debug_of_a_builder_shows_no_key() {
    let b = Scanner::builder().pseudonym_key(b"hunter2hunter2".to_vec()).report_key(b"hunter2hunter2".to_vec());
    let dbg = format!("{b:?}");
    assert!(!dbg.contains("104, 117, 110") && !dbg.contains("hunter2"), "{dbg}");
}
