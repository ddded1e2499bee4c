//! JSON redaction: values scanned, key rules, numbers, nested JSON, escapes, order and bytes
//! kept, invalid or oversized documents redacted as text, reports with paths.

use scrubline::{Action, JsonOptions, Policy, Report, Scanner};

fn s() -> Scanner {
    Scanner::new()
}

#[test]
fn string_values_are_scanned_and_everything_else_kept() {
    let doc = r#"{ "b": 1.50, "a": [true, null, "mail bob@example.com"],  "z": {"ssn": "078-05-1120"} }"#;
    assert_eq!(s().redact_json(doc), r#"{ "b": 1.50, "a": [true, null, "mail [EMAIL]"],  "z": {"ssn": "[US_SSN]"} }"#);
    let clean = r#"{"a":"nothing here","n":[1,2,3]}"#;
    assert!(matches!(s().redact_json(clean), std::borrow::Cow::Borrowed(_)));
}

#[test]
fn key_order_is_kept_past_32_keys() {
    let mut doc = String::from("{");
    for i in (0..40).rev() {
        doc.push_str(&format!("\"k{i}\":\"v{i}\","));
    }
    doc.push_str("\"mail\":\"bob@example.com\"}");
    let out = s().redact_json(&doc).into_owned();
    assert_eq!(out, doc.replace("bob@example.com", "[EMAIL]"));
}

#[test]
fn keys_are_context_but_never_redacted() {
    let out = s().redact_json(r#"{"config":{"smtp":{"password":"Tr0ub4dor&3xq!"}}}"#);
    assert_eq!(out, r#"{"config":{"smtp":{"password":"[PASSWORD]"}}}"#);
    // An email as a key stays (keys are structure).
    assert_eq!(s().redact_json(r#"{"bob@example.com":1}"#), r#"{"bob@example.com":1}"#);
}

#[test]
fn numbers_scanned_as_text_and_become_strings() {
    let doc = r#"{"card":4111111111111111,"amount":1234}"#;
    assert_eq!(s().redact_json(doc), r#"{"card":"[CREDIT_CARD]","amount":1234}"#);
    let off = Scanner::builder().json_options(JsonOptions::default().scan_numbers(false)).build().unwrap();
    assert_eq!(off.redact_json(doc), doc);
}

#[test]
fn escapes_are_decoded_for_scanning_and_written_back() {
    let doc = r#"{"msg":"mail \"bob\u0040example.com\"\n next","k":"-----BEGIN"}"#;
    let out = s().redact_json(doc).into_owned();
    assert_eq!(out, r#"{"msg":"mail \"[EMAIL]\"\n next","k":"-----BEGIN"}"#);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["msg"], "mail \"[EMAIL]\"\n next");
}

#[test]
fn nested_json_in_a_string_is_redacted_as_json() {
    let doc = r#"{"payload":"{\"user\":{\"email\":\"bob@example.com\"},\"n\":1}"}"#;
    let out = s().redact_json(doc).into_owned();
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let inner: serde_json::Value = serde_json::from_str(v["payload"].as_str().unwrap()).unwrap();
    assert_eq!(inner["user"]["email"], "[EMAIL]");
    assert_eq!(inner["n"], 1);
}

#[test]
fn key_rules_replace_whole_values() {
    let json = JsonOptions::default()
        .key_rule("**.password", Action::Remove, None)
        .unwrap()
        .key_rule("headers.authorization", Action::Label, None)
        .unwrap()
        .key_rule("user.*.ssn", Action::Label, Some("SSN"))
        .unwrap()
        .key_rule("secret", Action::Label, None)
        .unwrap();
    let sc = Scanner::builder().json_options(json).build().unwrap();
    let doc = r#"{"db":{"password":"x"},"password":12,"headers":{"authorization":"Basic abc","accept":"*/*"},"user":{"spouse":{"ssn":"none"},"ssn":"x"},"secret":{"a":[1,2,{"b":"c"}]},"n":null}"#;
    let out = sc.redact_json(doc).into_owned();
    assert_eq!(
        out,
        r#"{"db":{"password":""},"password":"","headers":{"authorization":"[AUTHORIZATION]","accept":"*/*"},"user":{"spouse":{"ssn":"[SSN]"},"ssn":"x"},"secret":"[SECRET]","n":null}"#
    );
}

#[test]
fn key_rules_from_a_policy_and_report_paths() {
    let p = Policy::from_toml(
        "p",
        "id = \"p\"\nversion = \"1\"\n[json]\nscan_numbers = false\n[json.keys]\n\"**.token\" = \"label\"\n",
    )
    .unwrap();
    let sc = Scanner::builder().policy(&p).report_key(b"k".to_vec()).build().unwrap();
    let mut r = Report::new(&sc);
    let out =
        sc.redact_json_with_report(r#"{"a":{"token":"t0k3n","mail":"bob@example.com"},"c":4111111111111111}"#, &mut r);
    assert_eq!(out, r#"{"a":{"token":"[TOKEN]","mail":"[EMAIL]"},"c":4111111111111111}"#);
    assert_eq!(r.total, 2);
    assert_eq!(r.by_rule["json:**.token"], 1);
    let paths: Vec<_> = r.findings.iter().filter_map(|f| f.path.clone()).collect();
    assert_eq!(paths, vec!["a.token", "a.mail"]);
    assert!(!r.to_json().contains("t0k3n") && !r.to_json().contains("bob@"));
}

#[test]
fn invalid_json_is_redacted_as_text() {
    for doc in ["{\"a\": \"bob@example.com\"", "mail bob@example.com", "{\"a\":1} trailing bob@example.com", "[1,2"] {
        let out = s().redact_json(doc).into_owned();
        assert!(!out.contains("bob@example.com"), "{doc} -> {out}");
    }
}

#[test]
fn limits_fall_back_to_text() {
    let small = Scanner::builder().json_options(JsonOptions::default().max_size(16)).build().unwrap();
    let doc = r#"{"a":"bob@example.com"}"#;
    assert_eq!(small.redact_json(doc), r#"{"a":"[EMAIL]"}"#);
    let deep = format!("{}\"bob@example.com\"{}", "[".repeat(300), "]".repeat(300));
    let out = s().redact_json(&deep).into_owned();
    assert!(!out.contains("bob@"));
}

#[test]
fn json_lines_keep_lines_and_blank_lines() {
    let text = "{\"a\":\"bob@example.com\"}\n\n not json bob@example.com\r\n{\"b\":2}\n";
    assert_eq!(s().redact_json_lines(text), "{\"a\":\"[EMAIL]\"}\n\n not json [EMAIL]\r\n{\"b\":2}\n");
    let clean = "{\"b\":2}\n[1]\n";
    assert!(matches!(s().redact_json_lines(clean), std::borrow::Cow::Borrowed(_)));
}

#[test]
fn redacting_twice_changes_nothing() {
    let doc = r#"{"m":"key AKIAQ3EGRDVHXPAE7N2M and 078-05-1120","n":4111111111111111}"#;
    let once = s().redact_json(doc).into_owned();
    assert_eq!(s().redact_json(&once), once);
}
