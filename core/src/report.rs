//! Audit reports and classification: what was found and done, with keyed fingerprints of the
//! values and never the values themselves. The JSON form is documented in
//! `docs/report-schema.md`.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, Hasher};

use hmac::{Hmac, Mac};
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};
use sha2::Sha256;

use crate::model::{Action, Category, Finding, Sensitivity};
use crate::redact::normalize;
use crate::scanner::Scanner;

/// Version of the report document; bumped on any incompatible change.
pub const REPORT_SCHEMA: &str = "scrubline.report/1";
/// Version tag of the fingerprint encoding; part of the HMAC input.
pub const FINGERPRINT_VERSION: &str = "scrubline-fingerprint-v1";

/// The key of report fingerprints.
pub(crate) enum ReportKey {
    /// Set by the caller or a policy's `report_key_env`: fingerprints are stable across runs.
    Configured(Vec<u8>),
    /// Drawn at random per scanner: fingerprints correlate values within one process only.
    Ephemeral([u8; 32]),
}

impl ReportKey {
    pub(crate) fn new(key: Option<Vec<u8>>) -> ReportKey {
        match key {
            Some(k) => ReportKey::Configured(k),
            None => {
                // std's RandomState is seeded from the OS; four fresh ones give 256 key bits.
                let mut out = [0u8; 32];
                for (i, chunk) in out.chunks_mut(8).enumerate() {
                    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
                    h.write_usize(i);
                    chunk.copy_from_slice(&h.finish().to_le_bytes());
                }
                ReportKey::Ephemeral(out)
            }
        }
    }

    fn bytes(&self) -> &[u8] {
        match self {
            ReportKey::Configured(k) => k,
            ReportKey::Ephemeral(k) => k,
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            ReportKey::Configured(_) => "configured",
            ReportKey::Ephemeral(_) => "ephemeral",
        }
    }
}

/// The policy a report was made under.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ReportPolicy {
    /// Policy id.
    pub id: String,
    /// Policy version.
    pub version: String,
    /// `sha256:<hex>` of the policy source.
    pub hash: String,
    /// Tenant overlay applied.
    pub tenant: Option<String>,
    /// Deny-list dictionaries in effect.
    pub dictionaries: Vec<ReportDictionary>,
}

/// A deny-list dictionary in effect.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ReportDictionary {
    /// Dictionary (rule) id.
    pub id: String,
    /// Number of terms.
    pub terms: usize,
    /// `sha256:<hex>` of its terms file, if it has one.
    pub file_hash: Option<String>,
}

/// A pack a report's scanner was built from.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ReportPack {
    /// Pack id.
    pub id: String,
    /// Pack version.
    pub version: String,
}

/// How fingerprints were computed.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct FingerprintInfo {
    /// Always `HMAC-SHA256`.
    pub algorithm: &'static str,
    /// Encoding version, part of the HMAC input.
    pub version: &'static str,
    /// Bits of the MAC shown (as hex).
    pub bits: u32,
    /// `configured` (stable across runs) or `ephemeral` (random per process).
    pub key: &'static str,
}

/// One input of a report (a text, a file, a record).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ReportInput {
    /// Index, referred to by findings.
    pub index: usize,
    /// File name or caller-given name, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Bytes scanned.
    pub bytes: u64,
    /// Findings in it.
    pub findings: u64,
}

/// One finding, without its value.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ReportFinding {
    /// Index of the input it is in.
    pub input: usize,
    /// Rule id.
    pub rule: String,
    /// Entity type.
    #[serde(rename = "type")]
    pub entity: String,
    /// Category name.
    pub category: &'static str,
    /// Sensitivity name.
    pub sensitivity: &'static str,
    /// Action applied (`label`, `mask:4`, ...).
    pub action: String,
    /// Byte offset of the value in the input (in the string value, for JSON).
    pub start: u64,
    /// End byte offset (exclusive).
    pub end: u64,
    /// 1-based line, where known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// JSON path of the value (JSON input).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Confidence, rounded to 3 decimals.
    pub confidence: f32,
    /// Keyed fingerprint of the normalized value: 16 hex digits of HMAC-SHA256.
    pub fingerprint: String,
}

/// What was found and done: policy, packs, counts per rule, type, category and action, and each
/// finding's span and keyed fingerprint. It never holds a scanned value. Serialize it (serde)
/// or call [`Report::to_json`].
///
/// ```
/// let s = scrubline::Scanner::builder().report_key(b"audit".to_vec()).build().unwrap();
/// let (out, report) = s.redact_with_report("mail bob@example.com");
/// assert_eq!(out, "mail [EMAIL]");
/// assert_eq!(report.by_category["pii"], 1);
/// assert!(!report.to_json().contains("bob@"));
/// ```
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Report {
    /// [`REPORT_SCHEMA`].
    pub schema: &'static str,
    /// The policy, if the scanner was built with one.
    pub policy: Option<ReportPolicy>,
    /// Packs, with versions.
    pub packs: Vec<ReportPack>,
    /// How fingerprints were computed.
    pub fingerprints: FingerprintInfo,
    /// The inputs.
    pub inputs: Vec<ReportInput>,
    /// Total findings.
    pub total: u64,
    /// Findings per rule id.
    pub by_rule: BTreeMap<String, u64>,
    /// Findings per entity type.
    pub by_type: BTreeMap<String, u64>,
    /// Findings per category.
    pub by_category: BTreeMap<String, u64>,
    /// Findings per action.
    pub by_action: BTreeMap<String, u64>,
    /// Highest sensitivity found.
    pub highest_sensitivity: Option<&'static str>,
    /// Every finding (spans and fingerprints).
    pub findings: Vec<ReportFinding>,
    #[serde(skip)]
    actions: HashMap<String, String>,
}

/// The name of an action as policies and reports write it.
pub fn action_name(a: &Action) -> String {
    match a {
        Action::Label => "label".into(),
        Action::Mask { keep } => format!("mask:{keep}"),
        Action::Pseudonym => "pseudonym".into(),
        Action::Remove => "remove".into(),
        Action::Report => "report".into(),
        other => format!("{other:?}").to_lowercase(),
    }
}

impl Report {
    /// An empty report for `scanner`: policy, packs and fingerprint settings filled in.
    pub fn new(scanner: &Scanner) -> Report {
        let inner = &scanner.inner;
        let policy = inner.policy.info.as_ref().map(|p| ReportPolicy {
            id: p.id.clone(),
            version: p.version.clone(),
            hash: p.hash.clone(),
            tenant: p.tenant.clone(),
            dictionaries: p
                .dictionaries
                .iter()
                .map(|(id, n, h)| ReportDictionary { id: id.clone(), terms: *n, file_hash: h.clone() })
                .collect(),
        });
        Report {
            schema: REPORT_SCHEMA,
            policy,
            packs: inner.packs.iter().map(|p| ReportPack { id: p.id.clone(), version: p.version.clone() }).collect(),
            fingerprints: FingerprintInfo {
                algorithm: "HMAC-SHA256",
                version: FINGERPRINT_VERSION,
                bits: 64,
                key: inner.report_key.kind(),
            },
            inputs: Vec::new(),
            total: 0,
            by_rule: BTreeMap::new(),
            by_type: BTreeMap::new(),
            by_category: BTreeMap::new(),
            by_action: BTreeMap::new(),
            highest_sensitivity: None,
            findings: Vec::new(),
            actions: HashMap::new(),
        }
    }

    /// Starts a new input (a file, a record); returns its index.
    pub fn begin_input(&mut self, name: Option<&str>) -> usize {
        let index = self.inputs.len();
        self.inputs.push(ReportInput { index, name: name.map(str::to_string), bytes: 0, findings: 0 });
        index
    }

    /// Adds `text`'s findings to the last input (one is started if there is none); `offset`
    /// is where `text` starts in that input, `line` its 1-based line if known.
    pub fn add(&mut self, scanner: &Scanner, text: &str, offset: u64, line: Option<u64>, findings: &[Finding<'_>]) {
        self.add_at(scanner, text, offset, line, None, findings);
    }

    /// [`Report::add`] for a JSON string value at `path`.
    pub fn add_at(
        &mut self,
        scanner: &Scanner,
        text: &str,
        offset: u64,
        line: Option<u64>,
        path: Option<&str>,
        findings: &[Finding<'_>],
    ) {
        if self.inputs.is_empty() {
            self.begin_input(None);
        }
        let input = self.inputs.len() - 1;
        self.inputs[input].bytes += text.len() as u64;
        if findings.is_empty() {
            return;
        }
        let lines = line.map(|l| lines_of(text, findings, l));
        for (i, f) in findings.iter().enumerate() {
            let action = match self.actions.get(f.rule) {
                Some(a) => a.clone(),
                None => {
                    let a = scanner.action_for(f.rule).map(action_name).unwrap_or_else(|| "label".into());
                    self.actions.insert(f.rule.to_string(), a.clone());
                    a
                }
            };
            let value = text.get(f.span.clone()).unwrap_or("");
            self.record(ReportFinding {
                input,
                rule: f.rule.to_string(),
                entity: f.entity.to_string(),
                category: f.category.as_str(),
                sensitivity: f.sensitivity.as_str(),
                action,
                start: offset + f.span.start as u64,
                end: offset + f.span.end as u64,
                line: lines.as_ref().map(|l| l[i]),
                path: path.map(str::to_string),
                confidence: (f.confidence * 1000.0).round() / 1000.0,
                fingerprint: fingerprint(scanner, f.entity, value),
            });
        }
    }

    /// Adds one finding (used by JSON key rules, whose values are not text findings).
    pub(crate) fn record(&mut self, f: ReportFinding) {
        if self.inputs.is_empty() {
            self.begin_input(None);
        }
        self.total += 1;
        self.inputs[f.input].findings += 1;
        *self.by_rule.entry(f.rule.clone()).or_default() += 1;
        *self.by_type.entry(f.entity.clone()).or_default() += 1;
        *self.by_category.entry(f.category.to_string()).or_default() += 1;
        *self.by_action.entry(f.action.clone()).or_default() += 1;
        let s = Sensitivity::parse(f.sensitivity);
        if s > self.highest_sensitivity.and_then(Sensitivity::parse) {
            self.highest_sensitivity = s.map(Sensitivity::as_str);
        }
        self.findings.push(f);
    }

    /// Appends `other`'s inputs and findings (made by the same scanner) to this report.
    pub fn merge(&mut self, other: Report) {
        let base = self.inputs.len();
        for mut i in other.inputs {
            i.index += base;
            i.findings = 0;
            self.inputs.push(i);
        }
        for mut f in other.findings {
            f.input += base;
            self.record(f);
        }
    }

    /// Adds `other`'s findings (made by the same scanner) to this report's current input, as
    /// if they had been added here (a JSON document's values, a part of a stream).
    pub fn absorb(&mut self, other: Report) {
        if self.inputs.is_empty() {
            self.begin_input(None);
        }
        let cur = self.inputs.len() - 1;
        self.inputs[cur].bytes += other.inputs.iter().map(|i| i.bytes).sum::<u64>();
        for mut f in other.findings {
            f.input = cur;
            self.record(f);
        }
    }

    /// The report as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// 16 hex digits of HMAC-SHA256(report key, version 0 type 0 normalized value).
pub(crate) fn fingerprint(scanner: &Scanner, entity: &str, value: &str) -> String {
    let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(scanner.inner.report_key.bytes()) else {
        return String::new();
    };
    for part in [FINGERPRINT_VERSION, entity] {
        mac.update(part.as_bytes());
        mac.update(&[0]);
    }
    mac.update(normalize(entity, value).as_bytes());
    crate::policy::hex(&mac.finalize().into_bytes()[..8])
}

fn lines_of(text: &str, findings: &[Finding<'_>], first: u64) -> Vec<u64> {
    let b = text.as_bytes();
    let (mut line, mut pos) = (first, 0);
    findings
        .iter()
        .map(|f| {
            let to = f.span.start.max(pos);
            line += memchr::memchr_iter(b'\n', &b[pos..to]).count() as u64;
            pos = to;
            line
        })
        .collect()
}

/// Which categories a text holds, and how sensitive it is: for tagging documents (at RAG
/// ingestion, for instance) without redacting them.
///
/// ```
/// use scrubline::{Category, Sensitivity};
/// let c = scrubline::Scanner::new().classify("key AKIAQ3EGRDVHXPAE7N2M, mail bob@example.com");
/// assert_eq!(c.categories, vec![Category::Pii, Category::Secret]);
/// assert_eq!(c.sensitivity, Some(Sensitivity::High));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Classification {
    /// Categories present, in [`Category`] order.
    pub categories: Vec<Category>,
    /// Entity types present, sorted.
    pub types: Vec<String>,
    /// The highest sensitivity present; `None` when nothing was found.
    pub sensitivity: Option<Sensitivity>,
    /// Number of findings.
    pub findings: usize,
}

impl Classification {
    /// The classification of a list of findings.
    pub fn of(findings: &[Finding<'_>]) -> Classification {
        let mut categories: Vec<Category> = findings.iter().map(|f| f.category).collect();
        categories.sort_unstable();
        categories.dedup();
        let mut types: Vec<String> = findings.iter().map(|f| f.entity.to_string()).collect();
        types.sort_unstable();
        types.dedup();
        Classification {
            categories,
            types,
            sensitivity: findings.iter().map(|f| f.sensitivity).max(),
            findings: findings.len(),
        }
    }
}

impl Serialize for Classification {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Classification", 4)?;
        st.serialize_field("categories", &self.categories.iter().map(|c| c.as_str()).collect::<Vec<_>>())?;
        st.serialize_field("types", &self.types)?;
        st.serialize_field("sensitivity", &self.sensitivity.map(Sensitivity::as_str))?;
        st.serialize_field("findings", &self.findings)?;
        st.end()
    }
}

impl Scanner {
    /// The audit report of scanning `text` (as one input), without redacting it.
    pub fn report(&self, text: &str) -> Report {
        let findings = self.findings(text);
        let mut r = Report::new(self);
        r.begin_input(None);
        r.add(self, text, 0, Some(1), &findings);
        r
    }

    /// Redacts `text` and reports what was done, from one scan.
    pub fn redact_with_report<'t>(&self, text: &'t str) -> (Cow<'t, str>, Report) {
        let (out, findings) = self.redact_with_findings(text);
        let mut r = Report::new(self);
        r.begin_input(None);
        r.add(self, text, 0, Some(1), &findings);
        (out, r)
    }

    /// The categories present in `text` and its highest sensitivity.
    pub fn classify(&self, text: &str) -> Classification {
        Classification::of(&self.findings(text))
    }
}
