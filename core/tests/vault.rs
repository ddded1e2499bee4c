//! Vault: numbering, stability across calls, thread safety, encrypted export/import, the
//! tokenize / pseudonym / output-scanning calls, and stable keyed pseudonyms.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::OnceLock;

use scrubline::{pseudonym_hex, Action, ErrorKind, Scanner, Vault, VAULT_KEY_LEN};

fn scanner() -> &'static Scanner {
    static S: OnceLock<Scanner> = OnceLock::new();
    S.get_or_init(Scanner::new)
}

const KEY: [u8; VAULT_KEY_LEN] = [0x5a; VAULT_KEY_LEN];

#[test]
fn placeholders_count_per_type_and_stay_stable_across_calls() {
    let s = scanner();
    let v = Vault::new();
    let a = s.tokenize("mail bob@example.com, ssn 536-22-8417, cc eve@example.org", &v);
    assert_eq!(a, "mail <EMAIL_1>, ssn <US_SSN_1>, cc <EMAIL_2>");
    // A later message: known values keep their placeholder (normalized: case, separators).
    let b = s.tokenize("BOB@example.com again, card 4526 0181 5908 3012, ssn 536 22 8417", &v);
    assert_eq!(b, "<EMAIL_1> again, card <CREDIT_CARD_1>, ssn <US_SSN_1>");
    assert_eq!(s.tokenize("card 4526-0181-5908-3012", &v), "card <CREDIT_CARD_1>");
    assert_eq!(v.len(), 4);
    // Restoring gives the form seen first.
    assert_eq!(v.restore(&b), "bob@example.com again, card 4526 0181 5908 3012, ssn 536-22-8417");
}

#[test]
fn clean_text_is_borrowed_and_tokenizing_twice_changes_nothing() {
    let s = scanner();
    let v = Vault::new();
    assert!(matches!(s.tokenize("nothing here", &v), Cow::Borrowed(_)));
    assert!(matches!(v.restore("nothing <here>"), Cow::Borrowed(_)));
    let text = "key AKIAQ3EGRDVHXPAE7N2M from 203.0.113.7 by jane.doe@example.org, ssn 536-22-8417, \
                card 4526 0181 5908 3012";
    let once = s.tokenize(text, &v).into_owned();
    assert!(matches!(s.tokenize(&once, &v), Cow::Borrowed(_)), "{once}");
    assert!(matches!(s.redact(&once), Cow::Borrowed(_)), "placeholders are never detected: {once}");
    assert_eq!(s.findings(&once), vec![]);
    assert_eq!(v.restore(&once), text);
}

#[test]
fn vaults_and_restorers_move_between_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Vault>();
    send_sync::<scrubline::Restorer>();
}

/// Every example of every default rule, tokenized (numbered and as pseudonyms): the output holds
/// no finding, tokenizing it again changes nothing, and restoring gives the example back.
#[test]
fn placeholders_of_every_default_rule_are_never_detected() {
    let numbered = scanner();
    let pseudo = Scanner::builder().default_action(Action::Pseudonym).pseudonym_key(b"k".to_vec()).build().unwrap();
    let mut checked = 0;
    for s in [numbered, &pseudo] {
        for rule in s.rules() {
            for ex in &rule.examples {
                // A vault per example: one shared would restore the spelling seen first.
                let v = Vault::new();
                let out = s.tokenize(ex, &v);
                if matches!(out, Cow::Borrowed(_)) {
                    continue; // an example that needs context found only in its pack's test
                }
                checked += 1;
                assert_eq!(s.findings(&out), vec![], "{}: {out}", rule.id);
                assert!(matches!(s.tokenize(&out, &v), Cow::Borrowed(_)), "{}: {out}", rule.id);
                assert!(matches!(numbered.redact(&out), Cow::Borrowed(_)), "{}: {out}", rule.id);
                assert_eq!(v.restore(&out), ex.as_str(), "{}", rule.id);
            }
        }
    }
    assert!(checked > 400, "{checked} examples");
}

#[test]
fn clones_share_one_store_and_debug_shows_counts_only() {
    let v = Vault::new();
    let w = v.clone();
    scanner().tokenize("bob@example.com 536-22-8417", &w);
    assert_eq!(v.len(), 2);
    let dbg = format!("{v:?}");
    assert_eq!(dbg, "Vault { entries: 2 }");
    let r = scrubline::Restorer::new(&v);
    assert_eq!(format!("{r:?}"), "Restorer { held_back: 0 }");
}

#[test]
fn concurrent_tokenizing_agrees_on_placeholders() {
    let v = Vault::new();
    let emails: Vec<String> = (0..40).map(|i| format!("user{i}@example.com")).collect();
    let results: Vec<Vec<String>> = std::thread::scope(|sc| {
        let handles: Vec<_> = (0..4)
            .map(|t| {
                let v = v.clone();
                let emails = &emails;
                sc.spawn(move || {
                    // Each thread walks the values in its own order.
                    let mut order: Vec<usize> = (0..emails.len()).collect();
                    order.rotate_left(t * 7);
                    let mut got = vec![String::new(); emails.len()];
                    for i in order {
                        got[i] = scanner().tokenize(&emails[i], &v).into_owned();
                    }
                    got
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for r in &results[1..] {
        assert_eq!(r, &results[0]);
    }
    let distinct: HashSet<&String> = results[0].iter().collect();
    assert_eq!(distinct.len(), 40);
    let want: HashSet<String> = (1..=40).map(|n| format!("<EMAIL_{n}>")).collect();
    assert_eq!(distinct.into_iter().cloned().collect::<HashSet<_>>(), want, "numbers are 1..=40, none lost");
    assert_eq!(v.len(), 40);
}

#[test]
fn export_import_round_trip_and_numbering_goes_on() {
    let s = scanner();
    let v = Vault::new();
    let t = s.tokenize("bob@example.com eve@example.org 536-22-8417", &v).into_owned();
    let blob = v.export(&KEY).unwrap();
    assert_eq!(&blob[..5], b"SLVT\x01");
    assert_ne!(blob, v.export(&KEY).unwrap(), "a fresh nonce per export");
    for needle in [&b"bob@example.com"[..], b"536-22-8417", b"EMAIL"] {
        assert!(!blob.windows(needle.len()).any(|w| w == needle), "export is encrypted");
    }
    let w = Vault::import(&blob, &KEY).unwrap();
    assert_eq!(w.len(), 3);
    assert_eq!(w.restore(&t), v.restore(&t));
    assert_eq!(s.tokenize("eve@example.org carol@example.net", &w), "<EMAIL_2> <EMAIL_3>");
    // The original is untouched by the copy.
    assert_eq!(v.len(), 3);
    // An empty vault round-trips too.
    assert!(Vault::import(&Vault::new().export(&KEY).unwrap(), &KEY).unwrap().is_empty());
}

#[test]
fn wrong_key_tampering_and_garbage_are_vault_errors_that_quote_nothing() {
    let v = Vault::new();
    scanner().tokenize("bob@example.com", &v);
    let blob = v.export(&KEY).unwrap();
    let check = |r: Result<Vault, scrubline::Error>| {
        let e = r.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Vault);
        let shown = format!("{e} {e:?}");
        assert!(!shown.contains("bob@") && !shown.contains("EMAIL_1"), "{shown}");
        e
    };
    let e = check(Vault::import(&blob, &[0x5b; VAULT_KEY_LEN]));
    assert!(e.message().contains("wrong key"), "{e}");
    for i in 0..blob.len() {
        let mut bad = blob.clone();
        bad[i] ^= 0x01;
        check(Vault::import(&bad, &KEY));
    }
    for n in [0, 4, 5, 28, 29, 44, blob.len() - 1] {
        check(Vault::import(&blob[..n], &KEY));
    }
    let mut v2 = blob.clone();
    v2[4] = 2;
    assert!(check(Vault::import(&v2, &KEY)).message().contains("version 2"));
    assert!(check(Vault::import(&blob, &KEY[..16])).message().contains("32 bytes"));
    assert_eq!(v.export(b"short").unwrap_err().kind(), ErrorKind::Vault);
}

#[test]
fn redact_with_vault_tokenizes_only_the_tokenize_action() {
    let s = Scanner::builder().action("EMAIL", Action::Tokenize).build().unwrap();
    let v = Vault::new();
    let out = s.redact_with_vault("bob@example.com ssn 536-22-8417", &v);
    assert_eq!(out, "<EMAIL_1> ssn [US_SSN]");
    assert_eq!(v.len(), 1);
    // Without a vault the tokenize action falls back to the label.
    assert_eq!(s.redact("bob@example.com"), "[EMAIL]");
    assert_eq!(Action::parse("tokenize"), Some(Action::Tokenize));
    // `tokenize` gives every acting finding a placeholder, leaves `report` findings alone.
    let r = Scanner::builder().action("US_SSN", Action::Report).build().unwrap();
    assert_eq!(r.tokenize("bob@example.com ssn 536-22-8417", &v), "<EMAIL_1> ssn 536-22-8417");
}

#[test]
fn pseudonyms_recorded_in_a_vault_restore() {
    let s = Scanner::builder().action("EMAIL", Action::Pseudonym).pseudonym_key(b"tenant-a".to_vec()).build().unwrap();
    let v = Vault::new();
    let out = s.tokenize("from bob@example.com, ssn 536-22-8417", &v).into_owned();
    let p = format!("<EMAIL_{}>", pseudonym_hex(b"tenant-a", "", "EMAIL", "bob@example.com"));
    assert_eq!(out, format!("from {p}, ssn <US_SSN_1>"));
    // The same pseudonym as without a vault: stateless, and now restorable.
    assert_eq!(s.redact("bob@example.com"), p);
    assert_eq!(v.restore(&out), "from bob@example.com, ssn 536-22-8417");
    let mangled = p.to_uppercase().replace(['<', '>'], "");
    assert_eq!(v.restore(&format!("reply to {mangled}.")), "reply to bob@example.com.");
    assert!(matches!(s.redact(&out), Cow::Borrowed(_)), "a pseudonym is not detected again");
}

/// A pinned value: the same key, scope, type and value give this pseudonym in every process,
/// on every machine and in every binding (the Python and Node suites pin the same string). It
/// was checked independently: the first 8 bytes of HMAC-SHA256(key,
/// "scrubline-pseudonym-v1\0conversation-42\0EMAIL\0bob@example.com"), Python's hmac module.
#[test]
fn pseudonyms_are_pinned_keyed_and_scoped() {
    let golden = pseudonym_hex(b"tenant-a-key", "conversation-42", "EMAIL", "Bob@Example.com");
    assert_eq!(golden, "ca42dcc2f5189d6e");
    let build = |key: &[u8], scope: &str| {
        Scanner::builder().action("EMAIL", Action::Pseudonym).pseudonym_key(key.to_vec()).scope(scope).build().unwrap()
    };
    let a = build(b"tenant-a-key", "conversation-42");
    let a2 = build(b"tenant-a-key", "conversation-42");
    let text = "to Bob@Example.com";
    assert_eq!(a.redact(text), format!("to <EMAIL_{golden}>"));
    assert_eq!(a2.redact("to bob@example.com"), a.redact(text), "stable across scanners, normalized");
    assert_ne!(build(b"tenant-b-key", "conversation-42").redact(text), a.redact(text), "differs per tenant key");
    assert_ne!(build(b"tenant-a-key", "conversation-43").redact(text), a.redact(text), "differs per scope");
}

#[test]
fn output_scanning_redacts_new_values_and_restores_known_ones() {
    let s = scanner();
    let v = Vault::new();
    let prompt = s.tokenize("I am bob@example.com, key AKIAQ3EGRDVHXPAE7N2M", &v).into_owned();
    assert_eq!(prompt, "I am <EMAIL_1>, key <AWS_ACCESS_KEY_1>");
    let answer = "Dear <email_1>, rotate AWS_ACCESS_KEY_1 and use AKIAZ7XKQ3MNPB4RT2VW; \
                  write to eve@example.org or bob@example.com.";
    let out = s.redact_output(answer, &v);
    assert_eq!(
        out,
        "Dear bob@example.com, rotate AKIAQ3EGRDVHXPAE7N2M and use <AWS_ACCESS_KEY_2>; \
         write to <EMAIL_2> or bob@example.com."
    );
    assert_eq!(v.len(), 4, "the new values are in the vault");
    assert_eq!(v.restore("<EMAIL_2>"), "eve@example.org");
    assert!(matches!(s.redact_output("nothing to see", &v), Cow::Borrowed(_)));
}
