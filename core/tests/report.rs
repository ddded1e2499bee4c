//! Audit reports and classification: counts, spans, keyed fingerprints, policy identity, and
//! never a raw value.

use scrubline::{Category, Policy, Report, Scanner, Sensitivity, REPORT_SCHEMA};

const TEXT: &str = "mail bob@example.com, ssn 078-05-1120, again bob@example.com";

#[test]
fn counts_spans_and_fingerprints() {
    let s = Scanner::builder().report_key(b"audit-key".to_vec()).build().unwrap();
    let r = s.report(TEXT);
    assert_eq!(r.schema, REPORT_SCHEMA);
    assert_eq!(r.total, 3);
    assert_eq!(r.by_type["EMAIL"], 2);
    assert_eq!(r.by_category["pii"], 2);
    assert_eq!(r.by_category["national_id"], 1);
    assert_eq!(r.by_action["label"], 3);
    assert_eq!(r.highest_sensitivity, Some("critical"));
    let f = &r.findings[0];
    assert_eq!((f.start, f.end, f.line), (5, 20, Some(1)));
    assert_eq!(&TEXT[f.start as usize..f.end as usize], "bob@example.com");
    assert_eq!(f.fingerprint.len(), 16);
    // Same value, same fingerprint; another key, another fingerprint.
    assert_eq!(r.findings[0].fingerprint, r.findings[2].fingerprint);
    assert_ne!(r.findings[0].fingerprint, r.findings[1].fingerprint);
    let other = Scanner::builder().report_key(b"other".to_vec()).build().unwrap().report(TEXT);
    assert_ne!(other.findings[0].fingerprint, r.findings[0].fingerprint);
    assert_eq!(r.fingerprints.key, "configured");
    assert_eq!(Scanner::new().report(TEXT).fingerprints.key, "ephemeral");
    assert!(r.packs.iter().any(|p| p.id == "pii-us"));
}

#[test]
fn never_a_raw_value() {
    let s = Scanner::new();
    let (out, r) = s.redact_with_report(TEXT);
    assert_eq!(out, "mail [EMAIL], ssn [US_SSN], again [EMAIL]");
    let json = r.to_json();
    for v in ["bob@example.com", "078-05-1120", "078", "bob"] {
        assert!(!json.contains(v), "{v} in report");
    }
    assert!(!format!("{r:?}").contains("bob@"));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["schema"], REPORT_SCHEMA);
    assert_eq!(v["findings"][0]["type"], "EMAIL");
}

#[test]
fn policy_identity_and_actions() {
    let src = "id = \"audit\"\nversion = \"3\"\n[actions]\nEMAIL = \"mask:2\"\n[[deny]]\nid = \"names\"\ntype = \"NAME\"\nterms = [\"Zed Zedson\"]\n[tenant.t1]\nthreshold = 0.6\n";
    let p = Policy::from_toml("audit.toml", src).unwrap().for_tenant("t1").unwrap();
    let s = Scanner::builder().policy(&p).build().unwrap();
    let r = s.report("Zed Zedson wrote bob@example.com");
    let pol = r.policy.as_ref().unwrap();
    assert_eq!((pol.id.as_str(), pol.version.as_str(), pol.tenant.as_deref()), ("audit", "3", Some("t1")));
    assert_eq!(pol.hash, p.hash());
    assert_eq!(pol.dictionaries[0].terms, 1);
    assert_eq!(r.by_rule["names"], 1);
    assert_eq!(r.by_category["custom"], 1);
    assert_eq!(r.by_action["mask:2"], 1);
    assert!(!r.to_json().contains("Zedson"));
}

#[test]
fn reports_merge_across_inputs() {
    let s = Scanner::new();
    let mut all = Report::new(&s);
    for (name, text) in [("a.log", "bob@example.com"), ("b.log", "nothing"), ("c.log", "078-05-1120")] {
        all.begin_input(Some(name));
        let f = s.findings(text);
        all.add(&s, text, 0, Some(1), &f);
    }
    assert_eq!(all.inputs.len(), 3);
    assert_eq!(all.inputs.iter().map(|i| i.findings).collect::<Vec<_>>(), vec![1, 0, 1]);
    assert_eq!(all.findings[1].input, 2);
    let mut first = s.report("bob@example.com");
    first.merge(s.report("078-05-1120"));
    assert_eq!((first.inputs.len(), first.total, first.findings[1].input), (2, 2, 1));
}

#[test]
fn classify_categories_and_highest_sensitivity() {
    let s = Scanner::new();
    let c = s.classify(TEXT);
    assert_eq!(c.categories, vec![Category::Pii, Category::NationalId]);
    assert_eq!(c.types, vec!["EMAIL".to_string(), "US_SSN".to_string()]);
    assert_eq!(c.sensitivity, Some(Sensitivity::Critical));
    assert_eq!(c.findings, 3);
    let none = s.classify("nothing to see");
    assert!(none.categories.is_empty() && none.sensitivity.is_none());
    let v = serde_json::to_value(&c).unwrap();
    assert_eq!(v["categories"], serde_json::json!(["pii", "national_id"]));
    assert_eq!(v["sensitivity"], "critical");
}
