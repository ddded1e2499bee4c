//! The policy file as written (serde), and its validation into layers. Every error carries the
//! file, line and column.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use regex_automata::meta::{self, Regex};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use toml::Spanned;

use super::{hex, Dictionary, JsonLayer, Layer};
use crate::error::{line_col, Error, ErrorKind};
use crate::json::{KeyGlob, KeyRule};
use crate::model::{Action, Category, Sensitivity};

/// Longest deny-list term, in bytes.
const MAX_TERM_LEN: usize = 1024;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLayer {
    id: Option<Spanned<String>>,
    version: Option<Spanned<String>>,
    description: Option<String>,
    tenant: Option<BTreeMap<String, RawLayer>>,
    packs: Option<Vec<String>>,
    exclude_packs: Option<Vec<String>>,
    pack_files: Option<Vec<Spanned<String>>>,
    rules: Option<Vec<String>>,
    exclude: Option<Vec<String>>,
    threshold: Option<Spanned<f64>>,
    default_action: Option<Spanned<String>>,
    actions: Option<BTreeMap<String, Spanned<String>>>,
    pseudonym_key_env: Option<Spanned<String>>,
    /// Refused: keys are named by environment variable, never written in a policy.
    pseudonym_key: Option<Spanned<toml::Value>>,
    report_key_env: Option<Spanned<String>>,
    /// Refused, like `pseudonym_key`.
    report_key: Option<Spanned<toml::Value>>,
    scope: Option<String>,
    allow: Option<RawAllow>,
    deny: Option<Vec<Spanned<RawDeny>>>,
    json: Option<RawJson>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAllow {
    #[serde(default)]
    values: Vec<String>,
    #[serde(default)]
    regexes: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDeny {
    id: String,
    #[serde(rename = "type")]
    entity: String,
    #[serde(default)]
    terms: Vec<String>,
    file: Option<Spanned<String>>,
    case_insensitive: Option<bool>,
    whole_word: Option<bool>,
    sensitivity: Option<String>,
    confidence: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJson {
    scan_numbers: Option<bool>,
    max_size: Option<usize>,
    max_depth: Option<usize>,
    keys: Option<BTreeMap<String, Spanned<RawKeyRule>>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawKeyRule {
    Action(String),
    Full(RawKeyRuleFull),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKeyRuleFull {
    action: String,
    #[serde(rename = "type")]
    entity: Option<String>,
    category: Option<String>,
}

/// A parsed policy document.
pub(super) struct Parsed {
    pub id: String,
    pub version: String,
    pub description: String,
    pub base: Layer,
    pub tenants: BTreeMap<String, Layer>,
}

/// Errors pointing into the policy source.
struct Ctx<'a> {
    name: &'a str,
    src: &'a str,
    dir: &'a Path,
    /// Terms files already read (a base dictionary file is read once for all tenants).
    files: HashMap<String, (Vec<String>, String)>,
}

impl Ctx<'_> {
    fn err(&self, span: Range<usize>, msg: impl Into<String>) -> Error {
        let (l, c) = line_col(self.src, span.start);
        Error::new(ErrorKind::Policy, msg).with_source(self.name).at(l, c)
    }
}

pub(super) fn parse(name: &str, src: &str, dir: &Path) -> Result<Parsed, Error> {
    let raw: RawLayer = toml::from_str(src).map_err(|e| {
        let mut err = Error::new(ErrorKind::Policy, e.message().to_string()).with_source(name);
        if let Some(span) = e.span() {
            let (l, c) = line_col(src, span.start);
            err = err.at(l, c);
        }
        err
    })?;
    let mut ctx = Ctx { name, src, dir, files: HashMap::new() };
    let top = |msg: &str| Error::new(ErrorKind::Policy, msg.to_string()).with_source(name).at(1, 1);
    let id = raw.id.as_ref().ok_or_else(|| top("a policy needs an `id`"))?;
    if !is_id(id.get_ref()) {
        return Err(ctx.err(id.span(), "policy id must be [A-Za-z0-9_.-], 1 to 64 characters"));
    }
    let version = raw.version.as_ref().ok_or_else(|| top("a policy needs a `version`"))?;
    if version.get_ref().trim().is_empty() || version.get_ref().len() > 64 {
        return Err(ctx.err(version.span(), "policy version must be 1 to 64 characters"));
    }
    let base = layer(&mut ctx, &raw)?;
    let mut tenants = BTreeMap::new();
    for (tname, t) in raw.tenant.iter().flatten() {
        // Not `Spanned`: toml cannot span a table made implicitly by `[tenant.x.actions]`.
        let at = src.find(&format!("tenant.{tname}")).unwrap_or(0);
        let span = at..at;
        if !is_id(tname) {
            return Err(ctx.err(span, format!("tenant name `{tname}` must be [A-Za-z0-9_.-]")));
        }
        if t.id.is_some() || t.version.is_some() || t.tenant.is_some() || t.description.is_some() {
            return Err(ctx.err(span, "a tenant overlay cannot set id, version, description or tenants"));
        }
        let over = layer(&mut ctx, t)?;
        // Validate the combination too (e.g. a tenant's action with the base's deny-list).
        tenants.insert(tname.clone(), over);
    }
    Ok(Parsed {
        id: id.get_ref().clone(),
        version: version.get_ref().clone(),
        description: raw.description.clone().unwrap_or_default(),
        base,
        tenants,
    })
}

fn is_id(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
}

// Rule ids and entity types follow the pack format's own rules.
use crate::pack::{is_id as is_rule_id, is_type};

fn action(ctx: &Ctx<'_>, s: &Spanned<String>) -> Result<Action, Error> {
    Action::parse(s.get_ref()).ok_or_else(|| {
        ctx.err(s.span(), format!("unknown action `{}` (label, mask, mask:N, pseudonym, remove, report)", s.get_ref()))
    })
}

fn env_name(ctx: &Ctx<'_>, s: &Spanned<String>) -> Result<String, Error> {
    let v = s.get_ref();
    let ok =
        !v.is_empty() && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') && !v.as_bytes()[0].is_ascii_digit();
    if !ok {
        return Err(ctx.err(s.span(), "an environment variable name is [A-Za-z_][A-Za-z0-9_]*"));
    }
    Ok(v.clone())
}

fn layer(ctx: &mut Ctx<'_>, raw: &RawLayer) -> Result<Layer, Error> {
    if let Some(k) = raw.pseudonym_key.as_ref().or(raw.report_key.as_ref()) {
        return Err(ctx.err(
            k.span(),
            "keys are never written in a policy: name the environment variable that holds it \
             (pseudonym_key_env / report_key_env)",
        ));
    }
    let mut out = Layer {
        packs: raw.packs.clone(),
        exclude_packs: raw.exclude_packs.clone(),
        rules: raw.rules.clone(),
        exclude: raw.exclude.clone(),
        scope: raw.scope.clone(),
        ..Layer::default()
    };
    for f in raw.pack_files.iter().flatten() {
        let path = ctx.dir.join(f.get_ref());
        let src = std::fs::read_to_string(&path)
            .map_err(|e| ctx.err(f.span(), format!("cannot read pack file `{}`: {}", f.get_ref(), e.kind())))?;
        out.pack_files.push((path.display().to_string(), src));
    }
    if let Some(t) = &raw.threshold {
        if !(0.0..=1.0).contains(t.get_ref()) {
            return Err(ctx.err(t.span(), "threshold must be within 0.0..=1.0"));
        }
        out.threshold = Some(*t.get_ref() as f32);
    }
    if let Some(a) = &raw.default_action {
        out.default_action = Some(action(ctx, a)?);
    }
    for (target, a) in raw.actions.iter().flatten() {
        out.actions.insert(target.clone(), action(ctx, a)?);
    }
    if let Some(e) = &raw.pseudonym_key_env {
        out.pseudonym_key_env = Some(env_name(ctx, e)?);
    }
    if let Some(e) = &raw.report_key_env {
        out.report_key_env = Some(env_name(ctx, e)?);
    }
    if let Some(a) = &raw.allow {
        out.allow_values = a.values.clone();
        for r in &a.regexes {
            allow_regex(std::slice::from_ref(r.get_ref())).map_err(|e| ctx.err(r.span(), e.message().to_string()))?;
            out.allow_regexes.push(r.get_ref().clone());
        }
    }
    let mut seen = HashMap::new();
    for d in raw.deny.iter().flatten() {
        let dict = dictionary(ctx, d)?;
        if seen.insert(dict.id.clone(), ()).is_some() {
            return Err(ctx.err(d.span(), format!("duplicate deny-list id `{}`", dict.id)));
        }
        out.deny.push(Arc::new(dict));
    }
    if let Some(j) = &raw.json {
        out.json = json(ctx, j)?;
    }
    Ok(out)
}

fn dictionary(ctx: &mut Ctx<'_>, d: &Spanned<RawDeny>) -> Result<Dictionary, Error> {
    let span = d.span();
    let (line, _) = line_col(ctx.src, span.start);
    let raw = d.get_ref();
    if !is_rule_id(&raw.id) {
        return Err(ctx.err(span.clone(), "deny-list id must be lower-case [a-z0-9-], starting with a letter"));
    }
    if !is_type(&raw.entity) {
        return Err(ctx.err(span.clone(), "deny-list type must be upper-case [A-Z0-9_], e.g. CUSTOMER_NAME"));
    }
    let sensitivity = match &raw.sensitivity {
        None => Sensitivity::High,
        Some(s) => Sensitivity::parse(s)
            .ok_or_else(|| ctx.err(span.clone(), format!("unknown sensitivity `{s}` (low, medium, high, critical)")))?,
    };
    let confidence = raw.confidence.unwrap_or(0.9);
    if !(0.0..=1.0).contains(&confidence) {
        return Err(ctx.err(span.clone(), "confidence must be within 0.0..=1.0"));
    }
    let mut terms = Vec::with_capacity(raw.terms.len());
    for t in &raw.terms {
        let t = t.trim();
        check_term(t).map_err(|m| ctx.err(span.clone(), format!("deny-list `{}`: {m}", raw.id)))?;
        terms.push(t.to_string());
    }
    let mut file = None;
    if let Some(f) = &raw.file {
        let key = f.get_ref().clone();
        if !ctx.files.contains_key(&key) {
            let loaded = load_terms(ctx, f)?;
            ctx.files.insert(key.clone(), loaded);
        }
        if let Some((file_terms, sha)) = ctx.files.get(&key) {
            terms.extend(file_terms.iter().cloned());
            file = Some((key, sha.clone()));
        }
    }
    if terms.is_empty() {
        return Err(ctx.err(span, format!("deny-list `{}` has no terms (`terms` or `file`)", raw.id)));
    }
    Ok(Dictionary {
        id: raw.id.clone(),
        entity: raw.entity.clone(),
        sensitivity,
        confidence: confidence as f32,
        case_insensitive: raw.case_insensitive.unwrap_or(true),
        whole_word: raw.whole_word.unwrap_or(true),
        terms,
        file,
        line,
    })
}

fn check_term(t: &str) -> Result<(), String> {
    if t.len() < 2 {
        return Err("a term must be at least 2 bytes".into());
    }
    if t.len() > MAX_TERM_LEN {
        return Err(format!("a term must be at most {MAX_TERM_LEN} bytes"));
    }
    Ok(())
}

/// One term per line; blank lines and lines starting with `#` are skipped.
fn load_terms(ctx: &Ctx<'_>, f: &Spanned<String>) -> Result<(Vec<String>, String), Error> {
    let path = ctx.dir.join(f.get_ref());
    let bytes = std::fs::read(&path)
        .map_err(|e| ctx.err(f.span(), format!("cannot read terms file `{}`: {}", f.get_ref(), e.kind())))?;
    let sha = hex(&Sha256::digest(&bytes));
    let text = String::from_utf8(bytes)
        .map_err(|_| ctx.err(f.span(), format!("terms file `{}` is not UTF-8", f.get_ref())))?;
    let name = path.display().to_string();
    let mut terms = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        // The term itself is not quoted: terms files often hold customer names.
        check_term(t).map_err(|m| Error::new(ErrorKind::Policy, m).with_source(&name).at(i + 1, 1))?;
        terms.push(t.to_string());
    }
    Ok((terms, sha))
}

fn json(ctx: &Ctx<'_>, j: &RawJson) -> Result<JsonLayer, Error> {
    let mut out = JsonLayer {
        scan_numbers: j.scan_numbers,
        max_size: j.max_size,
        max_depth: j.max_depth,
        ..JsonLayer::default()
    };
    for (path, rule) in j.keys.iter().flatten() {
        let span = rule.span();
        let glob = KeyGlob::parse(path).map_err(|m| ctx.err(span.clone(), m))?;
        let (act, entity, category) = match rule.get_ref() {
            RawKeyRule::Action(a) => (a.clone(), None, None),
            RawKeyRule::Full(f) => (f.action.clone(), f.entity.clone(), f.category.clone()),
        };
        let action = action(ctx, &Spanned::new(span.clone(), act))?;
        let entity = match entity {
            Some(t) if is_type(&t) => t,
            Some(_) => return Err(ctx.err(span, "key rule type must be upper-case [A-Z0-9_]")),
            None => glob.default_type(),
        };
        let category = match category {
            None => Category::Custom,
            Some(c) => Category::parse(&c).ok_or_else(|| ctx.err(span.clone(), format!("unknown category `{c}`")))?,
        };
        out.keys.insert(path.clone(), KeyRule { glob, action, entity, category });
    }
    Ok(out)
}

/// One linear-time regex matching any of the allow-list regexes.
pub(super) fn allow_regex(patterns: &[String]) -> Result<Regex, Error> {
    Regex::builder()
        .configure(meta::Config::new().nfa_size_limit(Some(8 << 20)).hybrid_cache_capacity(1 << 20))
        .build_many(patterns)
        .map_err(|e| Error::new(ErrorKind::Policy, format!("allow-list regex: {}", regex_reason(&e))))
}

/// Why a regex was refused, without quoting it (`meta::BuildError`'s own message says only
/// "error parsing pattern 0"; the syntax error's kind says what is unsupported).
fn regex_reason(e: &meta::BuildError) -> String {
    match e.syntax_error() {
        Some(regex_syntax::Error::Parse(p)) => p.kind().to_string(),
        Some(regex_syntax::Error::Translate(t)) => t.kind().to_string(),
        _ => match e.size_limit() {
            Some(n) => format!("compiled size exceeds the limit of {n} bytes"),
            None => e.to_string(),
        },
    }
}
