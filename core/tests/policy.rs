//! Policy files: parsing and validation (with file, line and column), applying a policy to a
//! scanner (packs, rules, actions, threshold, allow-lists, deny-lists, key rules, tenants), and
//! keys named by environment variable only.

use std::io::Write as _;

use scrubline::{Category, ErrorKind, Policy, Scanner};

const BASE: &str = r#"
id = "support"
version = "2.1.0"
description = "support tickets"
threshold = 0.6
exclude = ["ipv4-address"]

[actions]
EMAIL = "mask:4"
secret = "remove"

[allow]
values = ["help@example.com"]
regexes = ['@internal\.example$']

[[deny]]
id = "customers"
type = "CUSTOMER_NAME"
terms = ["Globex", "Initech", "Acme Corp"]

[[deny]]
id = "codenames"
type = "PROJECT_CODENAME"
terms = ["BlueHarbor"]
case_insensitive = false
sensitivity = "critical"

[json.keys]
"*.password" = "remove"
"headers.authorization" = { action = "label", type = "AUTH_HEADER" }

[tenant.acme]
threshold = 0.7
[tenant.acme.actions]
EMAIL = "remove"
[[tenant.acme.deny]]
id = "acme-staff"
type = "STAFF_NAME"
terms = ["Wile E. Coyote"]
"#;

fn policy() -> Policy {
    Policy::from_toml("support.toml", BASE).expect("policy parses")
}

fn scanner(p: &Policy) -> Scanner {
    Scanner::builder().policy(p).build().expect("scanner builds")
}

#[test]
fn identity_and_hash() {
    let p = policy();
    assert_eq!(p.id(), "support");
    assert_eq!(p.version(), "2.1.0");
    assert!(p.hash().starts_with("sha256:") && p.hash().len() == 7 + 64);
    assert_eq!(p.tenants().collect::<Vec<_>>(), vec!["acme"]);
    assert_eq!(p.deny_term_count(), 4);
    // Same source, same hash; any change, another hash.
    assert_eq!(p.hash(), policy().hash());
    let other = Policy::from_toml("x", &BASE.replace("0.6", "0.65")).unwrap();
    assert_ne!(p.hash(), other.hash());
}

#[test]
fn actions_allow_and_deny_apply() {
    let s = scanner(&policy());
    assert_eq!(s.redact("mail bob@corp.io now"), "mail *******p.io now");
    // Allow-listed: exact value, and by regex.
    assert_eq!(s.redact("mail help@example.com"), "mail help@example.com");
    assert_eq!(s.redact("mail ops@internal.example"), "mail ops@internal.example");
    // Category action.
    assert_eq!(s.redact("key AKIAQ3EGRDVHXPAE7N2M."), "key .");
    // Excluded rule.
    assert_eq!(s.redact("from 203.0.113.77"), "from 203.0.113.77");
    // Deny-lists: case-insensitive whole words by default.
    assert_eq!(s.redact("call GLOBEX and acme corp today"), "call [CUSTOMER_NAME] and [CUSTOMER_NAME] today");
    assert_eq!(s.redact("globexes and Initechnology"), "globexes and Initechnology");
    // Case-sensitive dictionary.
    assert_eq!(s.redact("BlueHarbor vs blueharbor"), "[PROJECT_CODENAME] vs blueharbor");
    let f = s.findings("Ship BlueHarbor");
    assert_eq!(f.len(), 1);
    assert_eq!((f[0].rule, f[0].entity, f[0].category), ("codenames", "PROJECT_CODENAME", Category::Custom));
    assert_eq!(f[0].span, 5..15);
}

#[test]
fn deny_terms_inside_unicode_text() {
    let s = scanner(&policy());
    assert_eq!(s.redact("« Globex » 日本Globex"), "« [CUSTOMER_NAME] » 日本Globex");
    assert_eq!(s.redact("éGlobex"), "éGlobex");
    // ASCII words inside runs of non-ASCII bytes: only word chars beside them join them.
    assert_eq!(s.redact("«Globex»"), "«[CUSTOMER_NAME]»");
    assert_eq!(s.redact("Globex日本 Globexé naïveGlobex"), "Globex日本 Globexé naïveGlobex");
    assert_eq!(s.redact("Initech—Acme Corp—Globex"), "[CUSTOMER_NAME]—[CUSTOMER_NAME]—[CUSTOMER_NAME]");
    assert_eq!(s.redact("ü\u{2011}Initech\u{2011}ü"), "ü\u{2011}[CUSTOMER_NAME]\u{2011}ü");
}

#[test]
fn deny_terms_starting_with_non_ascii_words() {
    let src = "id = \"p\"\nversion = \"1\"\n[[deny]]\nid = \"cities\"\ntype = \"CITY\"\nterms = [\"Zürich Labs\", \"Globex\"]\n";
    let s = scanner(&Policy::from_toml("p", src).unwrap());
    // Case folding is ASCII only (`ü` stays `ü`).
    assert_eq!(s.redact("«Zürich Labs» and ZüRICH LABS, not AZürich Labs"), "«[CITY]» and [CITY], not AZürich Labs");
    assert_eq!(s.redact("日本Globex «Globex»"), "日本Globex «[CITY]»");
}

#[test]
fn actions_can_target_deny_types() {
    let src = format!("{BASE}\n[tenant.quiet.actions]\nCUSTOMER_NAME = \"report\"\n");
    let p = Policy::from_toml("p", &src).unwrap().for_tenant("quiet").unwrap();
    let s = scanner(&p);
    assert_eq!(s.redact("Globex"), "Globex");
    assert_eq!(s.findings("Globex").len(), 1);
}

#[test]
fn tenant_overlay_overrides_base() {
    let base = policy();
    let acme = base.for_tenant("acme").unwrap();
    assert_eq!(acme.tenant(), Some("acme"));
    assert_eq!(acme.hash(), base.hash());
    let s = scanner(&acme);
    assert_eq!(s.redact("mail bob@corp.io"), "mail ");
    // Base deny-lists stay; the tenant's is added.
    assert_eq!(s.redact("Globex hired Wile E. Coyote"), "[CUSTOMER_NAME] hired [STAFF_NAME]");
    assert_eq!(scanner(&base).redact("Wile E. Coyote"), "Wile E. Coyote");
    let e = base.for_tenant("nobody").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Policy);
}

#[test]
fn rule_selection_by_pack_and_target() {
    let p = Policy::from_toml(
        "p",
        r#"
        id = "p"
        version = "1"
        packs = ["pii-us"]
        rules = ["US_SSN"]
        [[deny]]
        id = "names"
        type = "NAME"
        terms = ["Zed"]
        "#,
    )
    .unwrap();
    let s = scanner(&p);
    assert!(s.rules().all(|r| r.pack == "pii-us" || r.id == "names"));
    assert!(s.rules().any(|r| r.id == "names"), "deny-lists are kept by `rules`");
    assert_eq!(s.redact("Zed 078-05-1120 bob@example.com"), "[NAME] [US_SSN] bob@example.com");
}

fn err(src: &str) -> scrubline::Error {
    match Policy::from_toml("bad.toml", src) {
        Ok(p) => Scanner::builder().policy(&p).build().expect_err("policy should be refused"),
        Err(e) => e,
    }
}

#[test]
fn errors_carry_file_line_and_column() {
    let e = err("id = \"p\"\nversion = \"1\"\n[actions]\nEMAIL = \"blur\"\n");
    assert_eq!(e.kind(), ErrorKind::Policy);
    assert_eq!(e.source_name(), Some("bad.toml"));
    assert_eq!((e.line(), e.column()), (Some(4), Some(9)));
    assert!(e.message().contains("blur"));

    let e = err("id = \"p\"\nversion = \"1\"\nthreshold = 3.0\n");
    assert_eq!((e.line(), e.column()), (Some(3), Some(13)));

    let e = err("id = \"p\"\nversion = \"1\"\nbogus = 1\n");
    assert_eq!(e.line(), Some(3));

    let e = err("id = \"p\"\nversion = \"1\"\n[allow]\nregexes = ['(unclosed']\n");
    assert_eq!(e.line(), Some(4));

    let e = err("version = \"1\"\n");
    assert!(e.message().contains("id"));

    let e = err("id = \"p\"\nversion = \"1\"\n[json.keys]\n\"a.*x\" = \"label\"\n");
    assert_eq!(e.line(), Some(4));

    // Names checked against the scanner's rules at build.
    let e = err("id = \"p\"\nversion = \"1\"\n[actions]\nNO_SUCH_TYPE = \"label\"\n");
    assert!(e.message().contains("NO_SUCH_TYPE"));
    let e = err("id = \"p\"\nversion = \"1\"\npacks = [\"nope\"]\n");
    assert!(e.message().contains("nope"));
}

#[test]
fn keys_are_never_inline() {
    let e = err("id = \"p\"\nversion = \"1\"\npseudonym_key = \"hunter2hunter2\"\n");
    assert_eq!(e.kind(), ErrorKind::Policy);
    assert_eq!(e.line(), Some(3));
    assert!(!e.to_string().contains("hunter2"), "the key is not echoed: {e}");
    let e = err("id = \"p\"\nversion = \"1\"\nreport_key = \"k\"\n");
    assert_eq!(e.line(), Some(3));
}

#[test]
fn pseudonym_key_from_the_named_environment_variable() {
    let src = "id = \"p\"\nversion = \"1\"\npseudonym_key_env = \"SCRUBLINE_TEST_POLICY_KEY\"\n[actions]\nEMAIL = \"pseudonym\"\n";
    let p = Policy::from_toml("p", src).unwrap();
    std::env::remove_var("SCRUBLINE_TEST_POLICY_KEY");
    let e = Scanner::builder().policy(&p).build().unwrap_err();
    assert!(e.message().contains("SCRUBLINE_TEST_POLICY_KEY"), "{e}");
    std::env::set_var("SCRUBLINE_TEST_POLICY_KEY", "k1");
    let a = scanner(&p).redact("bob@example.com").into_owned();
    std::env::set_var("SCRUBLINE_TEST_POLICY_KEY", "k2");
    let b = scanner(&p).redact("bob@example.com").into_owned();
    assert!(a.starts_with("<EMAIL_") && b.starts_with("<EMAIL_"));
    assert_ne!(a, b, "the key comes from the environment");
    // An explicit key wins over the environment.
    let c = Scanner::builder()
        .policy(&p)
        .pseudonym_key(b"k1".to_vec())
        .build()
        .unwrap()
        .redact("bob@example.com")
        .into_owned();
    assert_eq!(a, c);
}

#[test]
fn terms_file_relative_to_the_policy() {
    let dir = std::env::temp_dir().join(format!("scrubline-policy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("names.txt"), "# customers\nGlobex\n\n  Soylent Green  \n").unwrap();
    let path = dir.join("policy.toml");
    let mut f = std::fs::File::create(&path).unwrap();
    write!(f, "id = \"f\"\nversion = \"1\"\n[[deny]]\nid = \"c\"\ntype = \"CUSTOMER\"\nfile = \"names.txt\"\n")
        .unwrap();
    drop(f);
    let p = Policy::from_file(&path).unwrap();
    assert_eq!(p.deny_term_count(), 2);
    assert_eq!(scanner(&p).redact("soylent green and Globex"), "[CUSTOMER] and [CUSTOMER]");
    let info = scanner(&p).policy_info().cloned().unwrap();
    assert_eq!(info.dictionaries.len(), 1);
    assert!(info.dictionaries[0].2.as_deref().is_some_and(|h| h.starts_with("sha256:")));

    std::fs::write(dir.join("names.txt"), "ok\nx\n").unwrap();
    let e = Policy::from_file(&path).unwrap_err();
    assert_eq!(e.line(), Some(2), "a bad term is located in the terms file");
    assert!(e.source_name().is_some_and(|s| s.ends_with("names.txt")));
    assert!(!format!("{e:?}").contains("\"x\""));
    std::fs::remove_file(dir.join("names.txt")).unwrap();
    let e = Policy::from_file(&path).unwrap_err();
    assert_eq!(e.line(), Some(6));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn debug_does_not_print_terms() {
    let dbg = format!("{:?}", policy());
    assert!(!dbg.contains("Globex") && !dbg.contains("help@example.com"), "{dbg}");
}

#[test]
fn a_large_deny_list_is_one_automaton() {
    let mut src =
        String::from("id = \"big\"\nversion = \"1\"\n[[deny]]\nid = \"big\"\ntype = \"CUSTOMER_NAME\"\nterms = [");
    for i in 0..100_000 {
        src.push_str(&format!("\"Customer {i:06}\","));
    }
    src.push_str("]\n");
    let p = Policy::from_toml("big", &src).unwrap();
    assert_eq!(p.deny_term_count(), 100_000);
    let s = scanner(&p);
    assert_eq!(
        s.redact("invoice for customer 099999, not Customer 1000000"),
        "invoice for [CUSTOMER_NAME], not Customer 1000000"
    );
}

/// The deny-list word walk (64-byte masks, ASCII fast path, non-ASCII runs split by char
/// class) against a naive reading of its contract: at each place a word starts, the longest
/// term that matches (ASCII case folded) and ends on a word boundary; matches do not overlap.
mod deny_walk {
    use proptest::prelude::*;
    use scrubline::{Policy, Scanner};

    const TERMS: &[&str] = &["Acme", "Acme Corp", "Globex", "Zürich Labs", "Initech™", "x_1", "日本 Holdings"];
    const PIECES: &[&str] = &[
        "Acme", "acme", "Corp", "corp", "Globex", "Zürich", "Labs", "Initech", "™", "x_1", "日本", "Holdings", " ",
        " ", ".", "—", "é", "«", "»", "_", "1", "a",
    ];

    fn is_word(c: char) -> bool {
        c.is_alphanumeric() || c == '_'
    }

    fn naive(terms: &[&str], text: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut skip = 0;
        for (i, c) in text.char_indices() {
            if i < skip || !is_word(c) || text[..i].chars().next_back().is_some_and(is_word) {
                continue;
            }
            let best = terms
                .iter()
                .filter(|t| {
                    let e = i + t.len();
                    text.len() >= e
                        && text.is_char_boundary(e)
                        && text.as_bytes()[i..e].eq_ignore_ascii_case(t.as_bytes())
                        && !(text[e..].chars().next().is_some_and(is_word)
                            && t.chars().next_back().is_some_and(is_word))
                })
                .map(|t| i + t.len())
                .max();
            if let Some(e) = best {
                out.push((i, e));
                skip = e;
            }
        }
        out
    }

    fn scanner(terms: &[&str]) -> Scanner {
        let list = terms.iter().map(|t| format!("{t:?}")).collect::<Vec<_>>().join(", ");
        let src = format!("id = \"p\"\nversion = \"1\"\n[[deny]]\nid = \"names\"\ntype = \"NAME\"\nterms = [{list}]\n");
        let p = Policy::from_toml("p", &src).expect("policy parses");
        Scanner::builder().default_packs(false).policy(&p).build().expect("scanner builds")
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        #[test]
        fn matches_the_naive_walk(parts in proptest::collection::vec(0..PIECES.len(), 0..60), pad in 0usize..70) {
            // Padding moves the text across the 64-byte blocks of the walk.
            let text = format!("{}{}", " ".repeat(pad), parts.iter().map(|&i| PIECES[i]).collect::<String>());
            // Every term starts with an ASCII word (the ASCII-words path) and some do not.
            for terms in [&TERMS[..2], TERMS] {
                let s = scanner(terms);
                let got: Vec<(usize, usize)> = s.findings(&text).iter().map(|f| (f.span.start, f.span.end)).collect();
                prop_assert_eq!(got, naive(terms, &text), "{:?}", text);
            }
        }
    }
}
