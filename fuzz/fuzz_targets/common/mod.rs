//! Shared by the fuzz targets: an arbitrary scanner configuration (built and cached per
//! configuration) and the invariants every scan must hold.
#![allow(dead_code)]

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::OnceLock;

use arbitrary::Arbitrary;
use scrubline::{Action, Scanner};

/// A small user pack, so configurations without the default packs still have rules, among
/// them a user regex with a context word and a keyword trigger.
pub const USER_PACK: &str = r#"
[pack]
id = "fuzz"
version = "1.0.0"

[[rules]]
id = "fuzz-ticket"
name = "Ticket"
type = "TICKET"
category = "pii"
sensitivity = "medium"
confidence = 0.7
keywords = ["TCK-"]
regex = '''TCK-[0-9]{4,8}'''
context = ["ticket"]
provenance = "fuzzing"
examples = ["TCK-123456"]
negative_examples = ["TCK-12"]
"#;

/// Rule ids, types and categories of the default packs (and the user pack): what `only`,
/// `disable` and `action` can name.
pub fn targets() -> &'static [String] {
    static T: OnceLock<Vec<String>> = OnceLock::new();
    T.get_or_init(|| {
        let mut v: Vec<String> = Vec::new();
        let s = Scanner::builder().pack_toml("fuzz.toml", USER_PACK).build().expect("fuzz pack");
        // Categories, then types, then rule ids.
        let rules: Vec<_> = s.rules().collect();
        for pick in [0, 1, 2] {
            for r in &rules {
                let t = [r.category.as_str(), r.entity.as_str(), r.id.as_str()][pick];
                if !v.iter().any(|x| x == t) {
                    v.push(t.to_string());
                }
            }
        }
        v.push("no-such-rule".into());
        v
    })
}

#[derive(Arbitrary, Debug, Clone, Copy, Hash, PartialEq, Eq)]
pub enum ActionSel {
    Label,
    Mask(u8),
    Pseudonym,
    Tokenize,
    Remove,
    Report,
}

impl ActionSel {
    pub fn action(self) -> Action {
        match self {
            ActionSel::Label => Action::Label,
            ActionSel::Mask(k) => Action::Mask { keep: usize::from(k % 12) },
            ActionSel::Pseudonym => Action::Pseudonym,
            ActionSel::Tokenize => Action::Tokenize,
            ActionSel::Remove => Action::Remove,
            ActionSel::Report => Action::Report,
        }
    }
}

/// Everything `ScannerBuilder` can be told, drawn from small sets so built scanners can be
/// cached.
#[derive(Arbitrary, Debug, Clone, Hash, PartialEq, Eq)]
pub struct Config {
    pub default_packs: bool,
    pub user_pack: bool,
    pub only: Option<Vec<u8>>,
    pub disable: Vec<u8>,
    pub actions: Vec<(u8, ActionSel)>,
    pub default_action: ActionSel,
    /// Threshold in 1/8 steps; 9 and up is out of range (a build error).
    pub threshold: u8,
    pub key: bool,
    pub scope: u8,
}

impl Config {
    pub fn builder(&self) -> scrubline::ScannerBuilder {
        let t = targets();
        // A u8 reaches the categories, the types and the first rule ids.
        let name = |i: u8| t[usize::from(i) % t.len()].clone();
        let mut b = Scanner::builder().default_packs(self.default_packs);
        if self.user_pack || !self.default_packs {
            b = b.pack_toml("fuzz.toml", USER_PACK);
        }
        if let Some(only) = &self.only {
            b = b.only(only.iter().take(3).map(|&i| name(i)));
        }
        for &i in self.disable.iter().take(2) {
            b = b.disable(name(i));
        }
        for &(i, a) in self.actions.iter().take(3) {
            b = b.action(name(i), a.action());
        }
        b = b.default_action(self.default_action.action());
        b = b.threshold(f32::from(self.threshold % 10) / 8.0);
        if self.key {
            b = b.pseudonym_key(b"fuzzing key, not a secret".to_vec());
        }
        b.scope(format!("scope-{}", self.scope % 4))
    }
}

thread_local! {
    static CACHE: RefCell<HashMap<Config, Option<Scanner>>> = RefCell::new(HashMap::new());
}

/// The scanner of `cfg`, or `None` when the configuration is refused (a typed error, checked).
pub fn scanner(cfg: &Config) -> Option<Scanner> {
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if let Some(s) = c.get(cfg) {
            return s.clone();
        }
        if c.len() >= 128 {
            c.clear();
        }
        let built = match cfg.builder().build() {
            Ok(s) => Some(s),
            Err(e) => {
                check_error(&e, &[]);
                None
            }
        };
        c.insert(cfg.clone(), built.clone());
        built
    })
}

/// The default scanner.
pub fn default_scanner() -> &'static Scanner {
    static S: OnceLock<Scanner> = OnceLock::new();
    S.get_or_init(Scanner::new)
}

/// An error is well formed: a message, positions 1-based, and none of `planted` in any of its
/// renderings.
pub fn check_error(e: &scrubline::Error, planted: &[&str]) {
    assert!(!e.message().is_empty());
    assert!(e.line().is_none_or(|l| l >= 1));
    assert!(e.column().is_none_or(|c| c >= 1));
    let shown = format!("{e} {e:?}");
    for p in planted {
        assert!(!shown.contains(p), "error shows planted input");
    }
}

/// Findings sit on char boundaries, are sorted, disjoint and non-empty, and meet the
/// threshold; the other finding APIs agree.
pub fn check_findings(s: &Scanner, text: &str, threshold: f32) -> usize {
    let found = s.findings(text);
    let mut last = 0;
    for f in &found {
        assert!(text.is_char_boundary(f.span.start) && text.is_char_boundary(f.span.end));
        assert!(f.span.start >= last && f.span.end > f.span.start, "findings sorted and disjoint");
        assert!(f.confidence >= threshold && f.confidence <= 1.0, "confidence within threshold..=1");
        last = f.span.end;
    }
    let iter: Vec<_> = s.find_iter(text).collect();
    assert_eq!(iter, found);
    assert_eq!(s.is_match(text), !found.is_empty());
    found.len()
}

/// Redaction: borrowed when nothing was found, idempotent, and nothing but report-only
/// findings left behind; `redact_into` and `redact_with_findings` agree with `redact`.
pub fn check_redact(s: &Scanner, text: &str) -> String {
    let found = s.findings(text);
    let out = s.redact(text);
    if found.is_empty() {
        assert!(matches!(out, Cow::Borrowed(_)), "clean text is borrowed");
    }
    if found.iter().all(|f| s.action_for(f.rule) == Some(&Action::Report)) {
        assert_eq!(out, text, "report-only findings change nothing");
    }
    let out = out.into_owned();
    for f in s.findings(&out) {
        assert_eq!(s.action_for(f.rule), Some(&Action::Report), "a finding survived redaction");
    }
    assert_eq!(s.redact(&out), out, "redaction is idempotent");
    let mut into = String::from("prefix");
    s.redact_into(text, &mut into);
    assert_eq!(&into["prefix".len()..], out);
    let (with, f2) = s.redact_with_findings(text);
    assert_eq!(with, out);
    assert_eq!(f2, found);
    out
}

/// Splits `text` into pieces of the given sizes (cycled, moved to char boundaries).
pub fn chunks<'t>(text: &'t str, sizes: &[u16]) -> Vec<&'t str> {
    let mut v = Vec::new();
    let mut rest = text;
    let mut i = 0;
    while !rest.is_empty() {
        let want = sizes.get(i % sizes.len().max(1)).copied().unwrap_or(64);
        let mut n = usize::from(want).clamp(1, rest.len());
        while !rest.is_char_boundary(n) {
            n += 1;
        }
        let (a, b) = rest.split_at(n);
        v.push(a);
        rest = b;
        i += 1;
    }
    v
}
