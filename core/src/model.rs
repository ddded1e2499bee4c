//! The user's nouns: categories, sensitivities, findings and actions.

use std::fmt;
use std::ops::Range;

/// Broad class of a finding; actions and policies can target a category.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// Personal data: emails, phones, SSNs.
    Pii,
    /// Payment and bank data: cards, IBANs, routing numbers.
    Financial,
    /// Network identifiers: IP and MAC addresses.
    Network,
    /// Government-issued identifiers with checksums.
    NationalId,
    /// Provider API keys and tokens.
    Secret,
    /// Passwords, private keys, credentials in URLs and assignments.
    Credential,
    /// User-defined terms (deny-lists) and custom rules.
    Custom,
}

impl Category {
    /// Every category.
    pub const ALL: [Category; 7] = [
        Category::Pii,
        Category::Financial,
        Category::Network,
        Category::NationalId,
        Category::Secret,
        Category::Credential,
        Category::Custom,
    ];

    /// The name used in packs, policies and reports (`pii`, `national_id`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Pii => "pii",
            Category::Financial => "financial",
            Category::Network => "network",
            Category::NationalId => "national_id",
            Category::Secret => "secret",
            Category::Credential => "credential",
            Category::Custom => "custom",
        }
    }

    /// Parses a category name.
    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How much harm a leak of the value would do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Sensitivity {
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical: live credentials, full card numbers, national ids.
    Critical,
}

impl Sensitivity {
    /// The name used in packs and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Sensitivity::Low => "low",
            Sensitivity::Medium => "medium",
            Sensitivity::High => "high",
            Sensitivity::Critical => "critical",
        }
    }

    /// Parses a sensitivity name.
    pub fn parse(s: &str) -> Option<Sensitivity> {
        [Sensitivity::Low, Sensitivity::Medium, Sensitivity::High, Sensitivity::Critical]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

impl fmt::Display for Sensitivity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One detected sensitive value: which rule found it and where. It holds ids and a byte span,
/// never a copy of the text.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Finding<'s> {
    /// Rule id, e.g. `aws-access-key-id`.
    pub rule: &'s str,
    /// Entity type, e.g. `AWS_ACCESS_KEY`.
    pub entity: &'s str,
    /// Category of the rule.
    pub category: Category,
    /// Sensitivity of the rule.
    pub sensitivity: Sensitivity,
    /// Byte span of the sensitive value in the scanned text (on char boundaries).
    pub span: Range<usize>,
    /// Confidence in 0.0..=1.0.
    pub confidence: f32,
}

/// What to do with a finding when redacting.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Action {
    /// Replace with the typed label, e.g. `[EMAIL]` (the default).
    Label,
    /// Keep the last `keep` characters (graphemes), mask the rest with `*`.
    Mask {
        /// Characters kept at the end.
        keep: usize,
    },
    /// Replace with a stable keyed pseudonym, e.g. `<EMAIL_9f3a2c1b5d7e0a42>`.
    Pseudonym,
    /// Replace with a numbered placeholder kept in a [`Vault`](crate::Vault), e.g. `<EMAIL_1>`,
    /// so the value can be restored later (see [`Scanner::redact_with_vault`](crate::Scanner::redact_with_vault)).
    /// Without a vault ([`Scanner::redact`](crate::Scanner::redact)) it falls back to the label.
    Tokenize,
    /// Drop the value.
    Remove,
    /// Detect and report only; leave the text as is.
    Report,
}

impl Action {
    /// Parses `label`, `mask`, `mask:N`, `pseudonym`, `tokenize`, `remove`, `report`.
    pub fn parse(s: &str) -> Option<Action> {
        match s {
            "label" => Some(Action::Label),
            "mask" => Some(Action::Mask { keep: 4 }),
            "pseudonym" => Some(Action::Pseudonym),
            "tokenize" => Some(Action::Tokenize),
            "remove" => Some(Action::Remove),
            "report" => Some(Action::Report),
            _ => {
                let n = s.strip_prefix("mask:")?.parse().ok()?;
                Some(Action::Mask { keep: n })
            }
        }
    }
}
