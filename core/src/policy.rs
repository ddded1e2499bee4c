//! Policy files: a versioned, reviewable TOML document that says which packs and rules run,
//! what each finding becomes, which values are allowed, which custom terms are denied, how JSON
//! keys are treated, and how each tenant differs. Apply one with
//! [`ScannerBuilder::policy`](crate::ScannerBuilder::policy).
//!
//! ```
//! use scrubline::{Policy, Scanner};
//!
//! let policy = Policy::from_toml("support.toml", r#"
//!     id = "support"
//!     version = "1.0.0"
//!     [actions]
//!     EMAIL = "mask:4"
//!     [allow]
//!     values = ["help@example.com"]
//!     [[deny]]
//!     id = "customers"
//!     type = "CUSTOMER_NAME"
//!     terms = ["Globex", "Initech"]
//!     [tenant.acme.actions]
//!     EMAIL = "remove"
//! "#).unwrap();
//! let scanner = Scanner::builder().policy(&policy).build().unwrap();
//! assert_eq!(
//!     scanner.redact("globex: mail bob@corp.io or help@example.com"),
//!     "[CUSTOMER_NAME]: mail *******p.io or help@example.com"
//! );
//! let acme = Scanner::builder().policy(&policy.for_tenant("acme").unwrap()).build().unwrap();
//! assert_eq!(acme.redact("mail bob@corp.io"), "mail ");
//! ```
//!
//! The format is documented in `docs/policy.md`; `scrubline policy check FILE` validates a
//! file. Every error names the file, line and column. Keys are never written in a policy: it
//! names the environment variable that holds them (`pseudonym_key_env`).

mod deny;
mod raw;

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use regex_automata::meta::Regex;
use sha2::{Digest, Sha256};

pub(crate) use deny::DenyList;

use crate::engine::Candidate;
use crate::error::{Error, ErrorKind};
use crate::model::{Action, Category, Sensitivity};
use crate::pack::{Pack, RuleSpec, Trigger};
use crate::scanner::Inner;

/// A parsed, validated policy (optionally with one tenant's overlay applied).
///
/// Cheap to clone. Its `Debug` output names the policy and counts its lists; it never prints
/// deny-list terms or allow-listed values (they are often sensitive themselves).
#[derive(Clone)]
pub struct Policy {
    doc: Arc<Document>,
    tenant: Option<String>,
    layer: Arc<Layer>,
}

struct Document {
    id: String,
    version: String,
    description: String,
    source_name: String,
    hash: String,
    base: Layer,
    tenants: BTreeMap<String, Layer>,
}

/// One layer of settings: the base document, or a tenant overlay. `None` / empty means "not
/// set here".
#[derive(Clone, Default)]
pub(crate) struct Layer {
    pub packs: Option<Vec<String>>,
    pub exclude_packs: Option<Vec<String>>,
    pub pack_files: Vec<(String, String)>,
    pub rules: Option<Vec<String>>,
    pub exclude: Option<Vec<String>>,
    pub threshold: Option<f32>,
    pub default_action: Option<Action>,
    pub actions: BTreeMap<String, Action>,
    pub pseudonym_key_env: Option<String>,
    pub report_key_env: Option<String>,
    pub scope: Option<String>,
    pub allow_values: Vec<String>,
    pub allow_regexes: Vec<String>,
    pub deny: Vec<Arc<Dictionary>>,
    pub json: JsonLayer,
}

/// JSON settings of a layer.
#[derive(Clone, Default)]
pub(crate) struct JsonLayer {
    pub scan_numbers: Option<bool>,
    pub max_size: Option<usize>,
    pub max_depth: Option<usize>,
    pub keys: BTreeMap<String, crate::json::KeyRule>,
}

/// A deny-list dictionary: custom terms reported as category `custom` with the given type.
pub(crate) struct Dictionary {
    pub id: String,
    pub entity: String,
    pub sensitivity: Sensitivity,
    pub confidence: f32,
    pub case_insensitive: bool,
    pub whole_word: bool,
    pub terms: Vec<String>,
    /// `(file as written, sha256 hex of its contents)` when terms came from a file.
    pub file: Option<(String, String)>,
    pub line: usize,
}

impl Layer {
    /// `over` applied on top of `self`: scalars and lists of targets are replaced, tables are
    /// merged key by key, allow-lists, deny dictionaries and pack files are added to (a
    /// dictionary with an existing id replaces it).
    fn overlay(&self, over: &Layer) -> Layer {
        let mut out = self.clone();
        macro_rules! replace {
            ($($f:ident),*) => { $( if over.$f.is_some() { out.$f = over.$f.clone(); } )* };
        }
        replace!(
            packs,
            exclude_packs,
            rules,
            exclude,
            threshold,
            default_action,
            pseudonym_key_env,
            report_key_env,
            scope
        );
        out.pack_files.extend(over.pack_files.iter().cloned());
        out.actions.extend(over.actions.iter().map(|(k, v)| (k.clone(), v.clone())));
        out.allow_values.extend(over.allow_values.iter().cloned());
        out.allow_regexes.extend(over.allow_regexes.iter().cloned());
        for d in &over.deny {
            out.deny.retain(|b| b.id != d.id);
            out.deny.push(d.clone());
        }
        if over.json.scan_numbers.is_some() {
            out.json.scan_numbers = over.json.scan_numbers;
        }
        if over.json.max_size.is_some() {
            out.json.max_size = over.json.max_size;
        }
        if over.json.max_depth.is_some() {
            out.json.max_depth = over.json.max_depth;
        }
        out.json.keys.extend(over.json.keys.iter().map(|(k, v)| (k.clone(), v.clone())));
        out
    }
}

impl Policy {
    /// Parses and validates a policy from TOML source; `name` identifies it in errors and
    /// reports. Relative paths in it (`file` of a deny-list, `pack_files`) are resolved against
    /// the current directory; use [`Policy::from_file`] to resolve them against the policy's
    /// own directory.
    pub fn from_toml(name: &str, src: &str) -> Result<Policy, Error> {
        Policy::parse(name, src, Path::new("."))
    }

    /// Reads, parses and validates a policy file. Relative paths in it are resolved against
    /// the file's directory.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Policy, Error> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let src = std::fs::read_to_string(path).map_err(|e| {
            Error::new(ErrorKind::Policy, format!("cannot read policy file: {}", e.kind())).with_source(&name)
        })?;
        let dir = path.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        Policy::parse(&name, &src, &dir)
    }

    /// Parses TOML source, resolving relative paths against `base_dir`.
    pub fn from_toml_in(name: &str, src: &str, base_dir: impl AsRef<Path>) -> Result<Policy, Error> {
        Policy::parse(name, src, base_dir.as_ref())
    }

    fn parse(name: &str, src: &str, dir: &Path) -> Result<Policy, Error> {
        let parsed = raw::parse(name, src, dir)?;
        let hash = format!("sha256:{}", hex(&Sha256::digest(src.as_bytes())));
        let doc = Document {
            id: parsed.id,
            version: parsed.version,
            description: parsed.description,
            source_name: name.to_string(),
            hash,
            base: parsed.base,
            tenants: parsed.tenants,
        };
        let layer = Arc::new(doc.base.clone());
        Ok(Policy { doc: Arc::new(doc), tenant: None, layer })
    }

    /// This policy with tenant `name`'s overlay (`[tenant.NAME]`) applied on top of the base.
    /// Unless the policy sets `scope`, the tenant name becomes the pseudonym scope, so the same
    /// value gets a different pseudonym per tenant.
    pub fn for_tenant(&self, name: &str) -> Result<Policy, Error> {
        let over = self.doc.tenants.get(name).ok_or_else(|| {
            Error::new(ErrorKind::Policy, format!("unknown tenant `{name}`")).with_source(&self.doc.source_name)
        })?;
        let mut layer = self.doc.base.overlay(over);
        if layer.scope.is_none() {
            layer.scope = Some(name.to_string());
        }
        Ok(Policy { doc: self.doc.clone(), tenant: Some(name.to_string()), layer: Arc::new(layer) })
    }

    /// The policy id.
    pub fn id(&self) -> &str {
        &self.doc.id
    }

    /// The policy version, as written.
    pub fn version(&self) -> &str {
        &self.doc.version
    }

    /// The description, if any.
    pub fn description(&self) -> &str {
        &self.doc.description
    }

    /// `sha256:` and the hex SHA-256 of the policy source: what a report cites.
    pub fn hash(&self) -> &str {
        &self.doc.hash
    }

    /// The file name (or the name given with the source).
    pub fn source_name(&self) -> &str {
        &self.doc.source_name
    }

    /// The tenant applied, if any.
    pub fn tenant(&self) -> Option<&str> {
        self.tenant.as_deref()
    }

    /// Names of the tenant overlays the policy defines.
    pub fn tenants(&self) -> impl Iterator<Item = &str> + '_ {
        self.doc.tenants.keys().map(String::as_str)
    }

    /// Number of deny-list terms in effect (all dictionaries).
    pub fn deny_term_count(&self) -> usize {
        self.layer.deny.iter().map(|d| d.terms.len()).sum()
    }

    /// The environment variable named for the pseudonym key, if any.
    pub fn pseudonym_key_env(&self) -> Option<&str> {
        self.layer.pseudonym_key_env.as_deref()
    }

    /// The environment variable named for the report fingerprint key, if any.
    pub fn report_key_env(&self) -> Option<&str> {
        self.layer.report_key_env.as_deref()
    }

    /// Sets the builder's options from this policy (see `ScannerBuilder::policy`).
    pub(crate) fn configure(&self, mut b: crate::ScannerBuilder) -> crate::ScannerBuilder {
        let l = &self.layer;
        for (name, src) in &l.pack_files {
            b = b.pack_toml(name.clone(), src.clone());
        }
        if let Some(r) = &l.rules {
            b = b.only(r.iter().cloned());
        }
        for e in l.exclude.iter().flatten() {
            b = b.disable(e.clone());
        }
        for (t, a) in &l.actions {
            b = b.action(t.clone(), a.clone());
        }
        if let Some(a) = &l.default_action {
            b = b.default_action(a.clone());
        }
        if let Some(t) = l.threshold {
            b = b.threshold(t);
        }
        if let Some(s) = &l.scope {
            b = b.scope(s.clone());
        }
        let mut json = crate::json::JsonOptions::default();
        if let Some(n) = l.json.scan_numbers {
            json.scan_numbers = n;
        }
        if let Some(n) = l.json.max_size {
            json.max_size = n;
        }
        if let Some(n) = l.json.max_depth {
            json.max_depth = n;
        }
        json.keys = l.json.keys.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        b.json_options(json)
    }

    /// Keeps the default packs this policy selects; an unknown pack id is an error.
    pub(crate) fn select_packs(&self, packs: &mut Vec<Pack>, n_default: usize) -> Result<(), Error> {
        let l = &self.layer;
        let known: HashSet<String> = packs.iter().map(|p| p.id.clone()).collect();
        for id in l.packs.iter().flatten().chain(l.exclude_packs.iter().flatten()) {
            if !known.contains(id) {
                return Err(
                    Error::new(ErrorKind::Policy, format!("`{id}` names no pack")).with_source(&self.doc.source_name)
                );
            }
        }
        let mut i = 0;
        packs.retain(|p| {
            i += 1;
            let default = i <= n_default;
            let included = l.packs.as_ref().is_none_or(|ids| ids.contains(&p.id));
            let excluded = l.exclude_packs.as_ref().is_some_and(|ids| ids.contains(&p.id));
            !default || (included && !excluded)
        });
        Ok(())
    }

    /// One rule per deny dictionary (category `custom`), to add to the scanner's rules.
    pub(crate) fn deny_specs(&self) -> Vec<RuleSpec> {
        self.layer
            .deny
            .iter()
            .map(|d| RuleSpec {
                id: d.id.clone(),
                name: format!("deny-list `{}`", d.id),
                entity: d.entity.clone(),
                category: Category::Custom,
                sensitivity: d.sensitivity,
                confidence: d.confidence,
                // Below every pack rule: a term inside a longer finding (a customer name in an
                // email address) lets the whole finding win.
                priority: 20,
                keywords: Vec::new(),
                trigger: Trigger::Keywords,
                min_digits: 1,
                regex: String::new(),
                validator: None,
                min_entropy: None,
                placeholder_filter: false,
                context: Vec::new(),
                context_required: false,
                context_window: 0,
                window_before: 0,
                max_len: d.terms.iter().map(String::len).max().unwrap_or(1).max(1),
                provenance: format!("deny-list of policy `{}`", self.doc.id),
                examples: Vec::new(),
                negative_examples: Vec::new(),
                pack: format!("policy:{}", self.doc.id),
                source: self.doc.source_name.clone(),
                line: d.line,
            })
            .collect()
    }
}

impl fmt::Debug for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Policy")
            .field("id", &self.doc.id)
            .field("version", &self.doc.version)
            .field("hash", &self.doc.hash)
            .field("tenant", &self.tenant)
            .field("dictionaries", &self.layer.deny.len())
            .field("deny_terms", &self.deny_term_count())
            .field("allow_values", &self.layer.allow_values.len())
            .field("allow_regexes", &self.layer.allow_regexes.len())
            .finish()
    }
}

/// What a scanner keeps of its policy: identity for reports, and the compiled lists.
#[derive(Default)]
pub(crate) struct Compiled {
    pub info: Option<PolicyInfo>,
    pub deny: Option<DenyList>,
    pub allow: Option<AllowList>,
}

/// Identity of the policy a scanner was built with, for reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyInfo {
    /// Policy id.
    pub id: String,
    /// Policy version.
    pub version: String,
    /// `sha256:<hex>` of the policy source.
    pub hash: String,
    /// Tenant overlay applied, if any.
    pub tenant: Option<String>,
    /// Deny-list dictionaries: id, number of terms, and `sha256:<hex>` of the terms file.
    pub dictionaries: Vec<(String, usize, Option<String>)>,
}

/// Allow-listed values: a finding whose value is listed (exactly) or matches a regex is
/// dropped.
pub(crate) struct AllowList {
    values: HashSet<String>,
    regex: Option<Regex>,
}

impl AllowList {
    fn allows(&self, value: &str) -> bool {
        self.values.contains(value) || self.regex.as_ref().is_some_and(|r| r.is_match(value))
    }
}

impl Compiled {
    /// Compiles `policy`'s lists; `rules` maps deny dictionary ids to rule indexes.
    pub(crate) fn new(policy: &Policy, rule_index: &dyn Fn(&str) -> Option<u32>) -> Result<Compiled, Error> {
        let l = &policy.layer;
        let info = PolicyInfo {
            id: policy.doc.id.clone(),
            version: policy.doc.version.clone(),
            hash: policy.doc.hash.clone(),
            tenant: policy.tenant.clone(),
            dictionaries: l
                .deny
                .iter()
                .map(|d| (d.id.clone(), d.terms.len(), d.file.as_ref().map(|(_, h)| format!("sha256:{h}"))))
                .collect(),
        };
        let deny = if l.deny.is_empty() { None } else { Some(DenyList::new(&l.deny, rule_index)?) };
        let allow = if l.allow_values.is_empty() && l.allow_regexes.is_empty() {
            None
        } else {
            let regex = if l.allow_regexes.is_empty() {
                None
            } else {
                Some(raw::allow_regex(&l.allow_regexes).map_err(|e| e.with_source(&policy.doc.source_name))?)
            };
            Some(AllowList { values: l.allow_values.iter().cloned().collect(), regex })
        };
        Ok(Compiled { info: Some(info), deny, allow })
    }
}

/// Engine hook: adds deny-list matches and drops allow-listed values. A no-op (returning
/// `cands` untouched) for a scanner without lists.
pub(crate) fn apply_lists(inner: &Inner, text: &str, mut cands: Vec<Candidate>) -> Vec<Candidate> {
    let p = &inner.policy;
    if p.deny.is_none() && p.allow.is_none() {
        return cands;
    }
    if let Some(d) = &p.deny {
        let before = cands.len();
        d.find(inner, text, &mut cands);
        if cands.len() > before {
            cands = crate::engine::resolve_overlaps(cands);
        }
    }
    if let Some(a) = &p.allow {
        cands.retain(|c| !text.get(c.start..c.end).is_some_and(|v| a.allows(v)));
    }
    cands
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// The pseudonym and report keys: those set on the builder, else those named by the policy's
/// `pseudonym_key_env` / `report_key_env` (an unset or empty variable counts as no key).
pub(crate) fn keys(
    policy: Option<&Policy>,
    pseudonym: Option<Vec<u8>>,
    report: Option<Vec<u8>>,
) -> (Option<Vec<u8>>, crate::report::ReportKey) {
    let env = |name: Option<&str>| {
        name.and_then(std::env::var_os).map(std::ffi::OsString::into_encoded_bytes).filter(|v| !v.is_empty())
    };
    let pseudonym = pseudonym.or_else(|| env(policy.and_then(Policy::pseudonym_key_env)));
    let report = report.or_else(|| env(policy.and_then(Policy::report_key_env)));
    (pseudonym, crate::report::ReportKey::new(report))
}

impl crate::Scanner {
    /// The policy this scanner was built with (id, version, hash, tenant, dictionaries).
    pub fn policy_info(&self) -> Option<&PolicyInfo> {
        self.inner.policy.info.as_ref()
    }
}
