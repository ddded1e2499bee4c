//! Pattern packs: the TOML format, its parsing and validation.
//!
//! A pack is data: parsing checks every field and reports the file, the rule id and the line of
//! a bad rule. Compiling the regexes happens when a [`crate::Scanner`] is built.

use serde::Deserialize;
use toml::Spanned;

use crate::error::{line_col, Error, ErrorKind};
use crate::model::{Category, Sensitivity};
use crate::validators::Validator;

/// Longest match a rule may declare, in bytes (private-key blocks).
pub const MAX_RULE_LEN: usize = 16 * 1024;

/// A parsed, validated pattern pack.
#[derive(Clone, Debug)]
pub struct Pack {
    /// Pack id, e.g. `secrets-ai`.
    pub id: String,
    /// Pack version (semver).
    pub version: String,
    /// One-line description.
    pub description: String,
    /// Where the pack came from (file name or caller-given name).
    pub source: String,
    /// The rules, in file order.
    pub rules: Vec<RuleSpec>,
}

/// What starts a rule's confirmation, for rules without literal keywords.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Trigger {
    /// A keyword literal from `keywords`.
    Keywords,
    /// A cluster of ASCII digits.
    Digits,
    /// An `@` byte.
    At,
    /// Hex digits around `:` (IPv6, MAC).
    HexColon,
    /// An ASCII upper-case letter followed by a digit.
    Upper,
    /// A digit cluster joined by three or more dots (IPv4 addresses, dotted identifiers).
    Dotted,
}

/// One rule of a pack, as written (validated, not yet compiled).
#[derive(Clone, Debug)]
pub struct RuleSpec {
    /// Unique rule id, e.g. `aws-access-key-id`.
    pub id: String,
    /// Human name.
    pub name: String,
    /// Entity type, e.g. `AWS_ACCESS_KEY`.
    pub entity: String,
    /// Category.
    pub category: Category,
    /// Sensitivity.
    pub sensitivity: Sensitivity,
    /// Base confidence.
    pub confidence: f32,
    /// Overlap precedence; higher wins.
    pub priority: i32,
    /// Case-sensitive literal keywords.
    pub keywords: Vec<String>,
    /// Trigger for keywordless rules.
    pub trigger: Trigger,
    /// Minimum digits in a digit cluster (digits trigger).
    pub min_digits: u8,
    /// The regex source.
    pub regex: String,
    /// Built-in validator.
    pub validator: Option<Validator>,
    /// Minimum Shannon entropy of the value (bits per byte).
    pub min_entropy: Option<f32>,
    /// Whether the placeholder filter applies.
    pub placeholder_filter: bool,
    /// Lower-cased context words.
    pub context: Vec<String>,
    /// Whether a context word is required.
    pub context_required: bool,
    /// Bytes before the match searched for context words.
    pub context_window: usize,
    /// Bytes before the trigger where the match may start.
    pub window_before: usize,
    /// Longest match in bytes.
    pub max_len: usize,
    /// Documented format the rule follows.
    pub provenance: String,
    /// Texts the rule must find.
    pub examples: Vec<String>,
    /// Texts the rule must not find.
    pub negative_examples: Vec<String>,
    /// Pack id this rule came from.
    pub pack: String,
    /// File (or caller-given name) of that pack.
    pub source: String,
    /// 1-based line of the rule in its pack file.
    pub line: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackFile {
    pack: Spanned<PackHeader>,
    #[serde(default)]
    rules: Vec<Spanned<RawRule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackHeader {
    id: String,
    version: String,
    #[serde(default)]
    description: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    name: String,
    #[serde(rename = "type")]
    entity: String,
    category: String,
    sensitivity: String,
    confidence: f64,
    #[serde(default)]
    priority: Option<i32>,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    trigger: Option<String>,
    #[serde(default)]
    min_digits: Option<u8>,
    regex: String,
    #[serde(default)]
    validator: Option<String>,
    #[serde(default)]
    min_entropy: Option<f64>,
    #[serde(default)]
    placeholder_filter: bool,
    #[serde(default)]
    context: Vec<String>,
    #[serde(default)]
    context_required: bool,
    #[serde(default)]
    context_window: Option<usize>,
    #[serde(default)]
    window_before: Option<usize>,
    #[serde(default)]
    max_len: Option<usize>,
    provenance: String,
    #[serde(default)]
    examples: Vec<String>,
    #[serde(default)]
    negative_examples: Vec<String>,
}

/// A rule or pack id: lower-case `[a-z0-9-]`, starting with a letter, at most 64 bytes.
pub(crate) fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && s.as_bytes()[0].is_ascii_lowercase()
}

/// An entity type: upper-case `[A-Z0-9_]`, starting with a letter, at most 64 bytes.
pub(crate) fn is_type(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        && s.as_bytes()[0].is_ascii_uppercase()
}

impl Pack {
    /// Parses and validates a pack from TOML source. `source` names it in errors.
    pub fn from_toml(source: &str, text: &str) -> Result<Pack, Error> {
        let file: PackFile = toml::from_str(text).map_err(|e| {
            let mut err = Error::new(ErrorKind::Pack, e.message().to_string()).with_source(source);
            if let Some(span) = e.span() {
                let (l, c) = line_col(text, span.start);
                err = err.at(l, c);
            }
            err
        })?;
        let header_span = file.pack.span();
        let header = file.pack.into_inner();
        let herr = |msg: String| {
            let (l, c) = line_col(text, header_span.start);
            Error::new(ErrorKind::Pack, msg).with_source(source).at(l, c)
        };
        if !is_id(&header.id) {
            return Err(herr("pack id must be lower-case [a-z0-9-]".into()));
        }
        if !is_semver(&header.version) {
            return Err(herr("pack version must be semver (MAJOR.MINOR.PATCH)".into()));
        }
        let mut rules = Vec::with_capacity(file.rules.len());
        for raw in file.rules {
            let span = raw.span();
            let (line, col) = line_col(text, span.start);
            let raw = raw.into_inner();
            let rule = validate_rule(raw, &header.id, source, line).map_err(|e| e.with_source(source).at(line, col))?;
            rules.push(rule);
        }
        Ok(Pack {
            id: header.id,
            version: header.version,
            description: header.description,
            source: source.to_string(),
            rules,
        })
    }
}

fn is_semver(v: &str) -> bool {
    let core = v.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3 && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

fn validate_rule(raw: RawRule, pack: &str, source: &str, line: usize) -> Result<RuleSpec, Error> {
    let id = raw.id;
    let bad = |msg: String| Error::new(ErrorKind::Pack, msg).with_rule(&id);
    if !is_id(&id) {
        return Err(bad("rule id must be lower-case [a-z0-9-], starting with a letter".into()));
    }
    if !is_type(&raw.entity) {
        return Err(bad("type must be upper-case [A-Z0-9_], starting with a letter".into()));
    }
    let category = Category::parse(&raw.category).ok_or_else(|| {
        bad(format!(
            "unknown category `{}` (pii, financial, network, national_id, secret, credential, custom)",
            raw.category
        ))
    })?;
    let sensitivity = Sensitivity::parse(&raw.sensitivity)
        .ok_or_else(|| bad(format!("unknown sensitivity `{}` (low, medium, high, critical)", raw.sensitivity)))?;
    if !(0.0..=1.0).contains(&raw.confidence) {
        return Err(bad("confidence must be within 0.0..=1.0".into()));
    }
    let trigger = match raw.trigger.as_deref() {
        None => Trigger::Keywords,
        Some("digits") => Trigger::Digits,
        Some("at") => Trigger::At,
        Some("hexcolon") => Trigger::HexColon,
        Some("upper") => Trigger::Upper,
        Some("dotted") => Trigger::Dotted,
        Some(other) => return Err(bad(format!("unknown trigger `{other}` (digits, dotted, at, hexcolon, upper)"))),
    };
    if trigger == Trigger::Keywords && raw.keywords.is_empty() {
        return Err(bad("a rule needs `keywords` or a `trigger`".into()));
    }
    if trigger != Trigger::Keywords && !raw.keywords.is_empty() {
        return Err(bad("a rule has either `keywords` or a `trigger`, not both".into()));
    }
    if let Some(k) = raw.keywords.iter().find(|k| k.len() < 3) {
        return Err(bad(format!("keyword `{k}` is shorter than 3 bytes")));
    }
    if raw.min_digits.is_some() && trigger != Trigger::Digits {
        return Err(bad("`min_digits` only applies to trigger = \"digits\"".into()));
    }
    let validator = match raw.validator.as_deref() {
        None => None,
        Some(name) => Some(Validator::from_name(name).ok_or_else(|| bad(format!("unknown validator `{name}`")))?),
    };
    if let Some(e) = raw.min_entropy {
        if !(0.0..=8.0).contains(&e) {
            return Err(bad("min_entropy must be within 0.0..=8.0 bits per byte".into()));
        }
    }
    let max_len = raw.max_len.unwrap_or(256);
    if max_len == 0 || max_len > MAX_RULE_LEN {
        return Err(bad(format!("max_len must be within 1..={MAX_RULE_LEN}")));
    }
    if raw.context_required && raw.context.is_empty() {
        return Err(bad("context_required needs context words".into()));
    }
    if raw.provenance.trim().is_empty() {
        return Err(bad("provenance must say which documented format the rule follows".into()));
    }
    if raw.name.trim().is_empty() {
        return Err(bad("name must not be empty".into()));
    }
    let window_before = raw.window_before.unwrap_or(match trigger {
        Trigger::Keywords => max_len,
        Trigger::Digits | Trigger::Upper | Trigger::Dotted => 8,
        Trigger::At => 64,
        Trigger::HexColon => 40,
    });
    let priority = raw.priority.unwrap_or(match category {
        Category::Secret => 80,
        Category::NationalId | Category::Financial => 70,
        Category::Pii => 60,
        Category::Network => 50,
        Category::Credential => 30,
        Category::Custom => 90,
    });
    Ok(RuleSpec {
        name: raw.name,
        entity: raw.entity,
        category,
        sensitivity,
        confidence: raw.confidence as f32,
        priority,
        keywords: raw.keywords,
        trigger,
        min_digits: raw.min_digits.unwrap_or(1),
        regex: raw.regex,
        validator,
        min_entropy: raw.min_entropy.map(|e| e as f32),
        placeholder_filter: raw.placeholder_filter,
        context: raw.context.iter().map(|c| c.to_ascii_lowercase()).collect(),
        context_required: raw.context_required,
        context_window: raw.context_window.unwrap_or(48).min(1024),
        window_before: window_before.min(MAX_RULE_LEN),
        max_len,
        provenance: raw.provenance,
        examples: raw.examples,
        negative_examples: raw.negative_examples,
        pack: pack.to_string(),
        source: source.to_string(),
        line,
        id,
    })
}

/// Parses every embedded default pack.
pub fn default_packs() -> Result<Vec<Pack>, Error> {
    scrubline_patterns::PACKS.iter().map(|(name, src)| Pack::from_toml(name, src)).collect()
}
