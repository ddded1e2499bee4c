//! `Scanner`: built once from packs and options, immutable, `Send + Sync`, cheap to clone.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::{Arc, OnceLock};

use crate::filters::ContextWords;

use regex_automata::hybrid;
use regex_automata::meta::{self, Regex};
use regex_automata::nfa::thompson;
use regex_automata::util::pool::Pool;
use regex_automata::util::syntax;
use regex_automata::MatchKind;

use crate::engine::Scratch;
use crate::error::{Error, ErrorKind};
use crate::literals::Literals;
use crate::model::{Action, Category, Finding, Sensitivity};
use crate::pack::{default_packs, Pack, RuleSpec, Trigger};
use crate::screen::ScreenDfa;
use crate::split::ValueSplit;
use crate::validators::Validator;

/// Size limits for user-supplied regexes: compilation is bounded, search is linear.
const NFA_SIZE_LIMIT: usize = 4 << 20;
const DFA_CACHE_CAPACITY: usize = 512 << 10;

/// A compiled rule.
pub(crate) struct Rule {
    pub spec: RuleSpec,
    /// Compiled on first use: building ~300 regexes up front would dominate start-up (measured
    /// ~180 ms). Syntax is checked at build time; user packs are also compiled at build time.
    regex: OnceLock<Option<Regex>>,
    /// Capture group index of `value`, if the regex has one.
    pub value_group: Option<usize>,
    pub action: Action,
    /// `spec.context`, ready to search.
    pub context: ContextWords,
    /// Every match of the regex holds an `@` (email addresses, URLs with credentials) and
    /// no ASCII whitespace but maybe as its first byte: a match lies in the whitespace-free
    /// run around one of the window's `@` (and the whitespace byte before it), so only those
    /// runs are searched.
    pub at_token: bool,
    /// Every match holds an `@` right after a byte of the match from this set (`jane@…`,
    /// `:pass@…`): a token whose every `@` follows other bytes (`@property`, `"@types/node"`
    /// in code) cannot hold a match.
    pub at_after: Option<ByteSet>,
    /// Every match starts with an ASCII word boundary (`(?-u:\b)`) followed by a word
    /// character: a match can only start where a word does.
    pub word_start: bool,
    /// For a keyword rule whose every match holds one of its keywords at a fixed distance
    /// from the match's start: those distances (see [`offsets_in`]; most often just 0,
    /// the match starts with the keyword). Such a rule is searched anchored at each keyword
    /// occurrence less each distance, without the unanchored search's reverse pass and prefix
    /// loop.
    pub kw_offsets: Option<Box<[usize]>>,
    /// With [`Rule::kw_offsets`], for each of `spec.keywords`: the bytes that can follow it in
    /// a match that holds it at one of those distances (see [`follows_in`]); `None`: any
    /// byte, or the text's end. Empty without offsets.
    pub kw_follow: Box<[Option<ByteSet>]>,
    /// The DFAs that find the `value` group without the regex's capture search (see
    /// [`ValueSplit`]); built on first use, `None` when the regex does not split.
    split: OnceLock<Option<ValueSplit>>,
}

impl Rule {
    /// A rule found by other means than a regex (deny-list terms).
    pub(crate) fn synthetic(spec: RuleSpec, action: Action) -> Rule {
        let context = ContextWords::new(&spec.context);
        Rule {
            spec,
            regex: OnceLock::from(None),
            value_group: None,
            action,
            context,
            at_token: false,
            at_after: None,
            word_start: false,
            kw_offsets: None,
            kw_follow: Box::new([]),
            split: OnceLock::from(None),
        }
    }

    /// The value-group split of the regex, if it has a `value` group that splits.
    pub fn split(&self) -> Option<&ValueSplit> {
        self.value_group?;
        self.split
            .get_or_init(|| {
                let hir = regex_automata::util::syntax::parse_with(&self.spec.regex, &syntax_config()).ok()?;
                ValueSplit::for_rule(&hir)
            })
            .as_ref()
    }

    /// The compiled regex; `None` only if compilation failed, which `build` rules out for user
    /// packs and the test suite rules out for the embedded packs.
    pub fn regex(&self) -> Option<&Regex> {
        self.regex.get_or_init(|| compile_regex(&self.spec).ok()).as_ref()
    }
}

pub(crate) struct KeywordSet {
    pub literals: Literals,
    /// Rules to confirm for each keyword of `literals`, each with the bytes that can follow
    /// the keyword in its matches (see [`Rule::kw_follow`]; `None`: any).
    pub rules: Vec<Vec<(u32, Option<ByteSet>)>>,
    /// Whether each keyword could be part of one of our labels (`PASSPORT` in `[US_PASSPORT]`):
    /// it holds no ASCII lower-case letter (see `filters::inside_label`).
    pub label_like: Vec<bool>,
}

/// Rules grouped by trigger.
pub(crate) struct Triggers {
    pub keywords: KeywordSet,
    /// Digit rules; `digit_set` pattern i is `digits[i]`'s regex.
    pub digits: Vec<u32>,
    /// Compiled on first use, like rule regexes.
    digit_set: OnceLock<Result<ScreenDfa, Error>>,
    pub(crate) digit_patterns: Vec<String>,
    pub digit_min: u32,
    pub digit_before: usize,
    /// Longest match of any digit rule.
    pub digit_max_len: usize,
    pub at: Vec<u32>,
    /// When every `at` rule's matches hold an `@` right after a byte of this set (the union
    /// of their [`Rule::at_after`]): only such an `@` opens windows. In code most `@`s follow
    /// a quote or start a line (`"@types/node"`, `@property`) and can serve no email.
    pub at_after: Option<ByteSet>,
    pub hexcolon: Vec<u32>,
    /// Upper-case-trigger rules searched in windows around each trigger.
    pub upper: Vec<u32>,
    /// Upper-case-trigger rules whose matches start where a word does (see
    /// [`Rule::word_start`]): screened by `upper_set`, anchored at each word start within
    /// `upper_before` bytes before the trigger; pattern i is `upper_screened[i]`'s regex.
    pub upper_screened: Vec<u32>,
    upper_set: OnceLock<Result<hybrid::dfa::DFA, Error>>,
    upper_patterns: Vec<String>,
    pub upper_before: usize,
    pub upper_max_len: usize,
    pub dotted: Vec<u32>,
}

impl Triggers {
    /// The multi-pattern DFA screening digit clusters, if there are digit rules: precompiled
    /// for the default packs' digit rules (see `build.rs`), lazy for any other set.
    pub fn digit_set(&self) -> Option<&ScreenDfa> {
        self.digit_set_result().and_then(|r| r.as_ref().ok())
    }

    fn digit_set_result(&self) -> Option<&Result<ScreenDfa, Error>> {
        if self.digits.is_empty() {
            return None;
        }
        Some(self.digit_set.get_or_init(|| match crate::screen::precompiled_digit_screen(&self.digit_patterns) {
            Some(dfa) => Ok(ScreenDfa::Dense(dfa)),
            None => build_screen_set(&self.digit_patterns, "digit").map(ScreenDfa::Lazy),
        }))
    }

    /// The multi-pattern DFA screening upper-case triggers, if some rules are screened.
    pub fn upper_set(&self) -> Option<&hybrid::dfa::DFA> {
        self.upper_set_result().and_then(|r| r.as_ref().ok())
    }

    fn upper_set_result(&self) -> Option<&Result<hybrid::dfa::DFA, Error>> {
        if self.upper_screened.is_empty() {
            return None;
        }
        Some(self.upper_set.get_or_init(|| build_screen_set(&self.upper_patterns, "upper-case")))
    }
}

/// What a scanner was built from, for reports and `rules` listings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackInfo {
    /// Pack id.
    pub id: String,
    /// Pack version.
    pub version: String,
    /// File or caller-given name.
    pub source: String,
}

pub(crate) struct Inner {
    pub rules: Vec<Rule>,
    pub packs: Vec<PackInfo>,
    pub triggers: Triggers,
    pub threshold: f32,
    pub pseudonym_key: Option<Vec<u8>>,
    pub scope: String,
    pub max_window: usize,
    pub pool: Pool<Scratch, fn() -> Scratch>,
    /// Policy identity and compiled allow/deny lists (empty without a policy).
    pub policy: crate::policy::Compiled,
    pub json: crate::json::JsonOptions,
    /// Key of report fingerprints (see `report.rs`).
    pub report_key: crate::report::ReportKey,
}

/// Finds and redacts sensitive values. Build one with [`Scanner::new`] (embedded default packs)
/// or [`Scanner::builder`], then share it: it is immutable, `Send + Sync` and cheap to clone.
///
/// ```
/// let scanner = scrubline::Scanner::new();
/// let out = scanner.redact("mail jane.doe@example.org please");
/// assert_eq!(out, "mail [EMAIL] please");
/// let clean = scanner.redact("nothing to see");
/// assert!(matches!(clean, std::borrow::Cow::Borrowed(_)));
/// ```
#[derive(Clone)]
pub struct Scanner {
    pub(crate) inner: Arc<Inner>,
}

impl fmt::Debug for Scanner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scanner").field("rules", &self.inner.rules.len()).field("packs", &self.inner.packs).finish()
    }
}

impl Default for Scanner {
    fn default() -> Self {
        Scanner::new()
    }
}

impl Scanner {
    /// A scanner over the embedded default packs with default options (`label` action,
    /// confidence threshold 0.5).
    ///
    /// # Panics
    /// Never in a released build: the default packs are validated by the test suite. Use
    /// `Scanner::builder().build()` to get the error instead.
    pub fn new() -> Scanner {
        #[allow(clippy::expect_used)]
        Scanner::builder().build().expect("embedded default packs are valid")
    }

    /// A builder to add packs, select rules and set actions and options.
    pub fn builder() -> ScannerBuilder {
        ScannerBuilder::default()
    }

    /// All findings in `text`, in order of position, after overlap resolution and the
    /// confidence threshold. Allocation-free when nothing is found.
    pub fn find_iter<'s>(&'s self, text: &str) -> FindIter<'s> {
        FindIter { inner: self.findings(text).into_iter() }
    }

    /// All findings in `text` as a vector (see [`Scanner::find_iter`]).
    pub fn findings<'s>(&'s self, text: &str) -> Vec<Finding<'s>> {
        let mut guard = self.inner.pool.get();
        let raw = crate::engine::scan(&self.inner, &mut guard, text);
        raw.into_iter().map(|c| self.finding(c)).collect()
    }

    /// Whether `text` holds any finding.
    pub fn is_match(&self, text: &str) -> bool {
        !self.findings(text).is_empty()
    }

    /// `text` with every finding replaced per its action. Borrowed (no allocation) when nothing
    /// was changed. The output holds no finding: the neighbourhood of each replacement is
    /// scanned again, so redacting twice changes nothing.
    pub fn redact<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let mut guard = self.inner.pool.get();
        let raw = crate::engine::scan(&self.inner, &mut guard, text);
        crate::redact::apply_scanned(&self.inner, &mut guard, text, &raw, None)
    }

    /// Redacts and also returns the findings of the first pass (offsets into `text`). Values
    /// found only after a first replacement (see [`Scanner::redact`]) are redacted too but are
    /// not listed.
    pub fn redact_with_findings<'s, 't>(&'s self, text: &'t str) -> (Cow<'t, str>, Vec<Finding<'s>>) {
        let mut guard = self.inner.pool.get();
        let raw = crate::engine::scan(&self.inner, &mut guard, text);
        let out = crate::redact::apply_scanned(&self.inner, &mut guard, text, &raw, None);
        (out, raw.into_iter().map(|c| self.finding(c)).collect())
    }

    /// Appends the redaction of `text` to `out`, reusing its allocation (for streams and
    /// loops); returns the number of first-pass findings. Same output as [`Scanner::redact`].
    pub fn redact_into(&self, text: &str, out: &mut String) -> usize {
        let mut guard = self.inner.pool.get();
        let raw = crate::engine::scan(&self.inner, &mut guard, text);
        crate::redact::apply_into(&self.inner, &mut guard, text, &raw, out, true);
        raw.len()
    }

    /// Redacts every text of a batch on all cores (rayon), preserving order.
    pub fn redact_batch<S: AsRef<str> + Sync>(&self, texts: &[S]) -> Vec<String> {
        use rayon::prelude::*;
        texts.par_iter().map(|t| self.redact(t.as_ref()).into_owned()).collect()
    }

    /// Redacts every text of a batch on all cores (rayon), preserving order: `None` where a
    /// text is unchanged, so callers keep their own copy and nothing is allocated for it.
    pub fn redact_batch_changed<S: AsRef<str> + Sync>(&self, texts: &[S]) -> Vec<Option<String>> {
        use rayon::prelude::*;
        texts
            .par_iter()
            .map(|t| match self.redact(t.as_ref()) {
                Cow::Borrowed(_) => None,
                Cow::Owned(o) => Some(o),
            })
            .collect()
    }

    /// Scans every text of a batch on all cores (rayon), preserving order.
    pub fn scan_batch<'s, S: AsRef<str> + Sync>(&'s self, texts: &[S]) -> Vec<Vec<Finding<'s>>> {
        use rayon::prelude::*;
        texts.par_iter().map(|t| self.findings(t.as_ref())).collect()
    }

    /// The packs this scanner was built from.
    pub fn packs(&self) -> &[PackInfo] {
        &self.inner.packs
    }

    /// The active rules, in precedence-independent load order.
    pub fn rules(&self) -> impl Iterator<Item = &RuleSpec> + '_ {
        self.inner.rules.iter().map(|r| &r.spec)
    }

    /// The action applied to findings of rule `id`, if the rule is active.
    pub fn action_for(&self, id: &str) -> Option<&Action> {
        self.inner.rules.iter().find(|r| r.spec.id == id).map(|r| &r.action)
    }

    /// The longest match any active rule can produce, in bytes: what a stream must hold back.
    pub fn max_match_len(&self) -> usize {
        self.inner.max_window
    }

    pub(crate) fn finding(&self, c: crate::engine::Candidate) -> Finding<'_> {
        let r = &self.inner.rules[c.rule as usize].spec;
        Finding {
            rule: &r.id,
            entity: &r.entity,
            category: r.category,
            sensitivity: r.sensitivity,
            span: c.start..c.end,
            confidence: c.confidence,
        }
    }
}

/// Iterator over findings, returned by [`Scanner::find_iter`].
#[derive(Debug)]
pub struct FindIter<'s> {
    inner: std::vec::IntoIter<Finding<'s>>,
}

impl<'s> Iterator for FindIter<'s> {
    type Item = Finding<'s>;
    fn next(&mut self) -> Option<Finding<'s>> {
        self.inner.next()
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl ExactSizeIterator for FindIter<'_> {}

/// Configures and builds a [`Scanner`].
///
/// ```
/// use scrubline::{Action, Scanner};
/// let s = Scanner::builder()
///     .action("EMAIL", Action::Mask { keep: 4 })
///     .build()
///     .unwrap();
/// assert_eq!(s.redact("to bob@example.com"), "to ***********.com");
/// ```
#[derive(Clone)]
pub struct ScannerBuilder {
    default_packs: bool,
    packs: Vec<Pack>,
    pack_sources: Vec<(String, String)>,
    only_rules: Option<Vec<String>>,
    disabled: Vec<String>,
    actions: Vec<(String, Action)>,
    default_action: Action,
    threshold: f32,
    pseudonym_key: Option<Vec<u8>>,
    scope: String,
    compile_eagerly: bool,
    policy: Option<crate::policy::Policy>,
    json: crate::json::JsonOptions,
    report_key: Option<Vec<u8>>,
}

/// Shows the configuration's shape, never keys or pack sources.
impl std::fmt::Debug for ScannerBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let set = |k: &Option<Vec<u8>>| if k.is_some() { "<set>" } else { "<none>" };
        f.debug_struct("ScannerBuilder")
            .field("default_packs", &self.default_packs)
            .field("packs", &self.packs.len())
            .field("pack_sources", &self.pack_sources.iter().map(|(name, _)| name).collect::<Vec<_>>())
            .field("only", &self.only_rules)
            .field("disabled", &self.disabled)
            .field("actions", &self.actions)
            .field("default_action", &self.default_action)
            .field("threshold", &self.threshold)
            .field("pseudonym_key", &set(&self.pseudonym_key))
            .field("report_key", &set(&self.report_key))
            .field("policy", &self.policy.is_some())
            .finish_non_exhaustive()
    }
}

impl Default for ScannerBuilder {
    fn default() -> Self {
        ScannerBuilder {
            default_packs: true,
            packs: Vec::new(),
            pack_sources: Vec::new(),
            only_rules: None,
            disabled: Vec::new(),
            actions: Vec::new(),
            default_action: Action::Label,
            threshold: 0.5,
            pseudonym_key: None,
            scope: String::new(),
            compile_eagerly: false,
            policy: None,
            json: crate::json::JsonOptions::default(),
            report_key: None,
        }
    }
}

impl ScannerBuilder {
    /// Whether to load the embedded default packs (default: yes).
    pub fn default_packs(mut self, yes: bool) -> Self {
        self.default_packs = yes;
        self
    }

    /// Adds a parsed pack. A rule with the id of an existing rule replaces it.
    pub fn pack(mut self, pack: Pack) -> Self {
        self.packs.push(pack);
        self
    }

    /// Adds a pack from TOML source; `name` identifies it in errors. Parsed at `build()`.
    pub fn pack_toml(mut self, name: impl Into<String>, toml: impl Into<String>) -> Self {
        self.pack_sources.push((name.into(), toml.into()));
        self
    }

    /// Keeps only these rules (ids, types or categories), e.g. `["EMAIL", "secret"]`.
    pub fn only<I: IntoIterator<Item = S>, S: Into<String>>(mut self, targets: I) -> Self {
        self.only_rules = Some(targets.into_iter().map(Into::into).collect());
        self
    }

    /// Disables a rule id, type or category.
    pub fn disable(mut self, target: impl Into<String>) -> Self {
        self.disabled.push(target.into());
        self
    }

    /// Sets the action for a rule id, a type (`EMAIL`) or a category (`secret`). The most
    /// specific target wins: rule id, then type, then category.
    pub fn action(mut self, target: impl Into<String>, action: Action) -> Self {
        self.actions.push((target.into(), action));
        self
    }

    /// The action for findings no `action` targets (default: [`Action::Label`]).
    pub fn default_action(mut self, action: Action) -> Self {
        self.default_action = action;
        self
    }

    /// Minimum confidence of a reported finding (default 0.5).
    pub fn threshold(mut self, threshold: f32) -> Self {
        self.threshold = threshold;
        self
    }

    /// The HMAC key for [`Action::Pseudonym`]. Without one, pseudonyms are refused at build.
    pub fn pseudonym_key(mut self, key: impl Into<Vec<u8>>) -> Self {
        self.pseudonym_key = Some(key.into());
        self
    }

    /// The pseudonym scope (e.g. a tenant or conversation id); part of the HMAC input.
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = scope.into();
        self
    }

    /// Compile every regex now rather than on first use (default: only user packs are compiled
    /// at build; the embedded packs compile lazily to keep start-up short).
    pub fn compile_eagerly(mut self, yes: bool) -> Self {
        self.compile_eagerly = yes;
        self
    }

    /// Applies a [`Policy`](crate::Policy): its pack and rule selection, actions, threshold,
    /// scope, JSON settings, allow-lists and deny-lists. Options set after this call override
    /// the policy's. Keys named by the policy (`pseudonym_key_env`, `report_key_env`) are read
    /// from the environment at `build()`, unless set explicitly.
    pub fn policy(self, policy: &crate::policy::Policy) -> Self {
        let mut b = policy.configure(self);
        b.policy = Some(policy.clone());
        b
    }

    /// How [`Scanner::redact_json`] treats JSON (numbers, size and depth limits, key rules).
    pub fn json_options(mut self, options: crate::json::JsonOptions) -> Self {
        self.json = options;
        self
    }

    /// The HMAC key of value fingerprints in reports. Without one (and without a policy's
    /// `report_key_env`), each scanner draws a random key: fingerprints then correlate values
    /// within one process only.
    pub fn report_key(mut self, key: impl Into<Vec<u8>>) -> Self {
        self.report_key = Some(key.into());
        self
    }

    /// Compiles everything. Errors name the pack, rule and line.
    pub fn build(self) -> Result<Scanner, Error> {
        if !(0.0..=1.0).contains(&self.threshold) {
            return Err(Error::new(ErrorKind::Policy, "threshold must be within 0.0..=1.0"));
        }
        let mut packs = if self.default_packs { default_packs()? } else { Vec::new() };
        let n_default = packs.len();
        if let Some(p) = &self.policy {
            p.select_packs(&mut packs, n_default)?;
        }
        let n_default = packs.len();
        packs.extend(self.packs);
        for (name, src) in &self.pack_sources {
            packs.push(Pack::from_toml(name, src)?);
        }
        // Later packs override earlier rules with the same id.
        let mut specs: Vec<RuleSpec> = Vec::new();
        let user_sources: HashSet<String> = packs[n_default..].iter().map(|p| p.source.clone()).collect();
        let mut index: HashMap<String, usize> = HashMap::new();
        for p in &packs {
            let mut seen = HashSet::new();
            for r in &p.rules {
                if !seen.insert(r.id.as_str()) {
                    return Err(Error::new(ErrorKind::Pack, "duplicate rule id in one pack")
                        .with_source(&p.source)
                        .with_rule(&r.id)
                        .at(r.line, 1));
                }
                match index.get(&r.id) {
                    Some(&i) => specs[i] = r.clone(),
                    None => {
                        index.insert(r.id.clone(), specs.len());
                        specs.push(r.clone());
                    }
                }
            }
        }
        let deny_specs = self.policy.as_ref().map(|p| p.deny_specs()).unwrap_or_default();
        for d in &deny_specs {
            if index.contains_key(&d.id) {
                return Err(Error::new(ErrorKind::Policy, "a deny-list id is already a rule id")
                    .with_source(&d.source)
                    .with_rule(&d.id)
                    .at(d.line, 1));
            }
        }
        let deny_ids: HashSet<String> = deny_specs.iter().map(|d| d.id.clone()).collect();
        specs.extend(deny_specs);
        let targets_match = |t: &str, r: &RuleSpec| t == r.id || t == r.entity || t == r.category.as_str();
        for t in self.actions.iter().map(|(t, _)| t).chain(self.disabled.iter()).chain(self.only_rules.iter().flatten())
        {
            if !specs.iter().any(|r| targets_match(t, r)) {
                return Err(Error::new(ErrorKind::Policy, format!("`{t}` names no rule id, type or category")));
            }
        }
        specs.retain(|r| {
            !self.disabled.iter().any(|t| targets_match(t, r))
                && (deny_ids.contains(&r.id)
                    || self.only_rules.as_ref().is_none_or(|o| o.iter().any(|t| targets_match(t, r))))
        });
        let (pseudonym_key, report_key) =
            crate::policy::keys(self.policy.as_ref(), self.pseudonym_key, self.report_key);
        let mut jobs = Vec::with_capacity(specs.len());
        for spec in specs {
            let action = resolve_action(&self.actions, &self.default_action, &spec);
            if action == Action::Pseudonym && pseudonym_key.is_none() {
                let msg = match self.policy.as_ref().and_then(|p| p.pseudonym_key_env()) {
                    Some(var) => format!("the pseudonym action needs a pseudonym key: set ${var}"),
                    None => "the pseudonym action needs a pseudonym key".to_string(),
                };
                return Err(Error::new(ErrorKind::Policy, msg).with_rule(&spec.id));
            }
            let synthetic = deny_ids.contains(&spec.id);
            let eager = self.compile_eagerly || user_sources.contains(&spec.source);
            jobs.push((spec, action, synthetic, eager));
        }
        let compile = |(spec, action, synthetic, eager): (RuleSpec, Action, bool, bool)| {
            if synthetic {
                Ok(Rule::synthetic(spec, action))
            } else {
                compile_rule(spec, action, eager)
            }
        };
        // Compiling every regex is ~85% of an eager build (~40 ms for the default packs on one
        // core): done on all cores (rayon) then. Lazy builds (libraries) start no threads.
        let compiled: Vec<Result<Rule, Error>> = if self.compile_eagerly && jobs.len() > 16 {
            use rayon::prelude::*;
            jobs.into_par_iter().map(compile).collect()
        } else {
            jobs.into_iter().map(compile).collect()
        };
        // The first error in rule order, whatever thread met it first.
        let rules = compiled.into_iter().collect::<Result<Vec<Rule>, Error>>()?;
        let triggers = build_triggers(&rules)?;
        if self.compile_eagerly {
            let digit = triggers.digit_set_result().and_then(|r| r.as_ref().err());
            if let Some(e) = digit.or_else(|| triggers.upper_set_result().and_then(|r| r.as_ref().err())) {
                return Err(e.clone());
            }
        }
        let max_window = rules.iter().map(|r| r.spec.max_len).max().unwrap_or(0);
        let packs = packs
            .iter()
            .map(|p| PackInfo { id: p.id.clone(), version: p.version.clone(), source: p.source.clone() })
            .collect();
        let policy = match &self.policy {
            Some(p) => {
                crate::policy::Compiled::new(p, &|id| rules.iter().position(|r| r.spec.id == id).map(|i| i as u32))?
            }
            None => crate::policy::Compiled::default(),
        };
        Ok(Scanner {
            inner: Arc::new(Inner {
                rules,
                packs,
                triggers,
                threshold: self.threshold,
                pseudonym_key,
                scope: self.scope,
                max_window,
                pool: Pool::new(Scratch::default as fn() -> Scratch),
                policy,
                json: self.json,
                report_key,
            }),
        })
    }
}

fn resolve_action(actions: &[(String, Action)], default: &Action, r: &RuleSpec) -> Action {
    // Most specific wins; among equals, the last one given.
    let pick = |pred: &dyn Fn(&str) -> bool| actions.iter().rev().find(|(t, _)| pred(t)).map(|(_, a)| a.clone());
    pick(&|t| t == r.id)
        .or_else(|| pick(&|t| t == r.entity))
        .or_else(|| pick(&|t| t == r.category.as_str()))
        .unwrap_or_else(|| default.clone())
}

fn syntax_config() -> syntax::Config {
    syntax::Config::new().unicode(true).utf8(true)
}

fn pattern_error(spec: &RuleSpec, msg: String) -> Error {
    // regex-automata's message quotes the pattern: configuration, never scanned input.
    Error::new(ErrorKind::Pattern, msg).with_source(&spec.source).with_rule(&spec.id).at(spec.line, 1)
}

fn compile_regex(spec: &RuleSpec) -> Result<Regex, Error> {
    Regex::builder()
        .syntax(syntax_config())
        .configure(
            meta::Config::new()
                .nfa_size_limit(Some(NFA_SIZE_LIMIT))
                .hybrid_cache_capacity(DFA_CACHE_CAPACITY)
                .utf8_empty(true),
        )
        .build(&spec.regex)
        .map_err(|e| pattern_error(spec, e.to_string()))
}

fn compile_rule(spec: RuleSpec, action: Action, eager: bool) -> Result<Rule, Error> {
    // Parsing is cheap and catches syntax errors, empty matches and the `value` group.
    let hir = regex_automata::util::syntax::parse_with(&spec.regex, &syntax_config())
        .map_err(|e| pattern_error(&spec, e.to_string()))?;
    if hir.properties().minimum_len().is_none_or(|n| n == 0) {
        return Err(pattern_error(&spec, "regex can match the empty string".into()));
    }
    let value_group = {
        let mut idx = None;
        let mut n = 0usize;
        visit_groups(&hir, &mut |name| {
            n += 1;
            if name == Some("value") {
                idx = Some(n);
            }
        });
        idx
    };
    let cell = OnceLock::new();
    if eager {
        let _ = cell.set(Some(compile_regex(&spec)?));
    }
    let context = ContextWords::new(&spec.context);
    let at_token = requires_byte(&hir, b'@') && space_first_only(&hir);
    let at_after = at_preceders(&hir);
    let word_start = starts_at_word_start(&hir);
    let (kw_offsets, kw_follow) = match spec.trigger {
        Trigger::Keywords => keyword_anchors(&hir, &spec.keywords, spec.window_before).unzip(),
        _ => (None, None),
    };
    let kw_follow = kw_follow.unwrap_or_default();
    Ok(Rule {
        spec,
        regex: cell,
        value_group,
        action,
        context,
        at_token,
        at_after,
        word_start,
        kw_offsets,
        kw_follow,
        split: OnceLock::new(),
    })
}

/// Whether no match of `hir` holds an ASCII whitespace byte. A character class of
/// non-ASCII characters never does: UTF-8 continuation bytes are not ASCII.
fn no_space(hir: &regex_syntax::hir::Hir) -> bool {
    use regex_syntax::hir::{Class, HirKind};
    const SPACE: [u8; 5] = [b' ', b'\t', b'\n', b'\r', 0x0C];
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => true,
        HirKind::Literal(l) => !l.0.iter().any(|b| SPACE.contains(b)),
        HirKind::Class(Class::Bytes(c)) => {
            !c.ranges().iter().any(|r| SPACE.iter().any(|&b| r.start() <= b && b <= r.end()))
        }
        HirKind::Class(Class::Unicode(c)) => {
            !c.ranges().iter().any(|r| SPACE.iter().any(|&b| r.start() <= char::from(b) && char::from(b) <= r.end()))
        }
        HirKind::Capture(c) => no_space(&c.sub),
        HirKind::Repetition(r) => no_space(&r.sub),
        HirKind::Concat(v) | HirKind::Alternation(v) => v.iter().all(no_space),
    }
}

/// A set of byte values.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ByteSet([u64; 4]);

impl ByteSet {
    /// Adds the bytes `lo..=hi`.
    pub(crate) fn add_range(&mut self, lo: u8, hi: u8) {
        // One mask per 64-byte word the range touches.
        for (w, word) in self.0.iter_mut().enumerate() {
            let (first, last) = (w as u32 * 64, w as u32 * 64 + 63);
            let (a, b) = (u32::from(lo).max(first), u32::from(hi).min(last));
            if a <= b {
                let bits = b - a + 1;
                let mask = if bits == 64 { u64::MAX } else { ((1u64 << bits) - 1) << (a - first) };
                *word |= mask;
            }
        }
    }

    fn union(mut self, other: ByteSet) -> ByteSet {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a |= b;
        }
        self
    }

    /// Number of bytes in the set.
    pub(crate) fn len(&self) -> u32 {
        self.0.iter().map(|w| w.count_ones()).sum()
    }

    /// Whether `b` is in the set.
    #[inline]
    pub(crate) fn contains(&self, b: u8) -> bool {
        self.0[usize::from(b >> 6)] & (1 << (b & 63)) != 0
    }
}

/// A set `B` such that every match of `hir` holds an `@` right after a byte of the match that
/// is in `B` (for email, the local part's last characters; for credential URLs, the
/// password's): an `@` after any other byte (`"@types/node"`, `@property`) starts no match.
/// Conservative: `None` when unsure.
fn at_preceders(hir: &regex_syntax::hir::Hir) -> Option<ByteSet> {
    use regex_syntax::hir::HirKind;
    match hir.kind() {
        HirKind::Literal(l) => l.0.windows(2).find(|w| w[1] == b'@').map(|w| {
            let mut set = ByteSet::default();
            set.add_range(w[0], w[0]);
            set
        }),
        HirKind::Capture(c) => at_preceders(&c.sub),
        HirKind::Repetition(r) if r.min >= 1 => at_preceders(&r.sub),
        HirKind::Alternation(v) => v.iter().try_fold(ByteSet::default(), |acc, h| Some(acc.union(at_preceders(h)?))),
        HirKind::Concat(v) => (0..v.len()).find_map(|k| {
            at_preceders(&v[k]).or_else(|| {
                if k > 0 && starts_with_at(&v[k]) {
                    concat_last_bytes(&v[..k], true)
                } else {
                    None
                }
            })
        }),
        _ => None,
    }
}

/// Whether every match of `hir` starts with `@`.
fn starts_with_at(hir: &regex_syntax::hir::Hir) -> bool {
    use regex_syntax::hir::{Class, HirKind};
    match hir.kind() {
        HirKind::Literal(l) => l.0.first() == Some(&b'@'),
        HirKind::Class(Class::Bytes(c)) => c.ranges().iter().all(|r| r.start() == b'@' && r.end() == b'@'),
        HirKind::Class(Class::Unicode(c)) => c.ranges().iter().all(|r| r.start() == '@' && r.end() == '@'),
        HirKind::Capture(c) => starts_with_at(&c.sub),
        HirKind::Repetition(r) => r.min >= 1 && starts_with_at(&r.sub),
        HirKind::Alternation(v) => v.iter().all(starts_with_at),
        HirKind::Concat(v) => {
            // Zero-width items (look-arounds) first, then an item that starts with `@`.
            let mut items = v.iter().skip_while(|h| h.properties().maximum_len() == Some(0));
            items.next().is_some_and(starts_with_at)
        }
        _ => false,
    }
}

/// The bytes that can end a non-empty match of `hir`; for a character of two or more bytes
/// in UTF-8, every continuation byte.
fn last_bytes(hir: &regex_syntax::hir::Hir) -> Option<ByteSet> {
    use regex_syntax::hir::{Class, HirKind};
    let mut set = ByteSet::default();
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(l) => set.add_range(*l.0.last()?, *l.0.last()?),
        HirKind::Class(Class::Bytes(c)) => c.ranges().iter().for_each(|r| set.add_range(r.start(), r.end())),
        HirKind::Class(Class::Unicode(c)) => {
            for r in c.ranges() {
                if r.start() <= '\u{7f}' {
                    set.add_range(r.start() as u8, r.end().min('\u{7f}') as u8);
                }
                if r.end() > '\u{7f}' {
                    set.add_range(0x80, 0xBF);
                }
            }
        }
        HirKind::Capture(c) => return last_bytes(&c.sub),
        HirKind::Repetition(r) => return last_bytes(&r.sub),
        HirKind::Alternation(v) => return v.iter().try_fold(set, |acc, h| Some(acc.union(last_bytes(h)?))),
        HirKind::Concat(v) => return concat_last_bytes(v, false),
    }
    Some(set)
}

/// [`last_bytes`] of a concatenation: the last item that can be non-empty decides, and the
/// items before it too while it can also be empty. With `non_empty`, `None` unless every match
/// of the concatenation is non-empty.
fn concat_last_bytes(items: &[regex_syntax::hir::Hir], non_empty: bool) -> Option<ByteSet> {
    let mut set = ByteSet::default();
    for h in items.iter().rev() {
        if h.properties().maximum_len() == Some(0) {
            continue;
        }
        set = set.union(last_bytes(h)?);
        if h.properties().minimum_len().is_some_and(|n| n >= 1) {
            return Some(set);
        }
    }
    (!non_empty).then_some(set)
}

/// Whether every match of `hir` holds ASCII whitespace only as its first byte (the context
/// byte before an address: ` jane@example.com`). Conservative: `false` when unsure.
fn space_first_only(hir: &regex_syntax::hir::Hir) -> bool {
    use regex_syntax::hir::HirKind;
    if no_space(hir) {
        return true;
    }
    match hir.kind() {
        // One character: whitespace there is the match's first and only byte.
        HirKind::Class(_) => true,
        HirKind::Capture(c) => space_first_only(&c.sub),
        HirKind::Repetition(r) if r.max == Some(1) => space_first_only(&r.sub),
        HirKind::Alternation(v) => v.iter().all(space_first_only),
        // Zero-width items aside, only the first item may hold whitespace (at its start).
        HirKind::Concat(v) => {
            let mut items = v.iter().filter(|h| h.properties().maximum_len() != Some(0));
            items.next().is_none_or(space_first_only) && items.all(no_space)
        }
        _ => false,
    }
}

/// Whether every match of `hir` holds the byte `b`: a literal holding it, in a concatenation,
/// in every branch of an alternation, or repeated at least once. Conservative: `false` when
/// unsure.
fn requires_byte(hir: &regex_syntax::hir::Hir, b: u8) -> bool {
    use regex_syntax::hir::{Class, HirKind};
    match hir.kind() {
        HirKind::Literal(l) => l.0.contains(&b),
        HirKind::Class(Class::Bytes(c)) => c.ranges().iter().all(|r| r.start() == b && r.end() == b),
        HirKind::Class(Class::Unicode(c)) => {
            c.ranges().iter().all(|r| r.start() == char::from(b) && r.end() == char::from(b))
        }
        HirKind::Capture(c) => requires_byte(&c.sub, b),
        HirKind::Concat(v) => v.iter().any(|h| requires_byte(h, b)),
        HirKind::Alternation(v) => v.iter().all(|h| requires_byte(h, b)),
        HirKind::Repetition(r) => r.min >= 1 && requires_byte(&r.sub, b),
        _ => false,
    }
}

/// Whether every match of `hir` starts with an ASCII word boundary followed by an ASCII word
/// byte (`(?-u:\b)[A-Z]…`), so it starts where a word starts. Conservative: `false` when
/// unsure.
fn starts_at_word_start(hir: &regex_syntax::hir::Hir) -> bool {
    use regex_syntax::hir::{HirKind, Look};
    match hir.kind() {
        HirKind::Capture(c) => starts_at_word_start(&c.sub),
        HirKind::Alternation(v) => v.iter().all(starts_at_word_start),
        HirKind::Concat(v) => {
            matches!(v.first().map(|h| h.kind()), Some(HirKind::Look(Look::WordAscii | Look::WordStartAscii)))
                && v.get(1).is_some_and(first_byte_is_word)
        }
        _ => false,
    }
}

/// Whether every match of `hir` is non-empty and starts with an ASCII word byte
/// (`[0-9A-Za-z_]`). Conservative: `false` when unsure.
fn first_byte_is_word(hir: &regex_syntax::hir::Hir) -> bool {
    use regex_syntax::hir::{Class, HirKind};
    let word = |b: u32| b < 128 && (b as u8).is_ascii_alphanumeric() || b == u32::from(b'_');
    let range_is_word = |lo: u32, hi: u32| (lo..=hi).all(word);
    match hir.kind() {
        HirKind::Literal(l) => l.0.first().is_some_and(|&b| word(u32::from(b))),
        HirKind::Class(Class::Bytes(c)) => {
            c.ranges().iter().all(|r| range_is_word(u32::from(r.start()), u32::from(r.end())))
        }
        HirKind::Class(Class::Unicode(c)) => {
            c.ranges().iter().all(|r| r.end() < '\u{80}' && range_is_word(u32::from(r.start()), u32::from(r.end())))
        }
        HirKind::Capture(c) => first_byte_is_word(&c.sub),
        HirKind::Repetition(r) => r.min >= 1 && first_byte_is_word(&r.sub),
        HirKind::Alternation(v) => v.iter().all(first_byte_is_word),
        HirKind::Concat(v) => v.first().is_some_and(first_byte_is_word),
        _ => false,
    }
}

/// [`offsets_in`] of the regex's lead (for tests).
#[cfg(test)]
fn keyword_offsets(hir: &regex_syntax::hir::Hir, keywords: &[String]) -> Option<Vec<usize>> {
    if keywords.is_empty() {
        return None;
    }
    offsets_in(&lead(hir, (MAX_SEQS, MAX_SEQ_LEN))?.0, keywords)
}

/// Where a keyword can lie in the leading part of a rule's matches: distances from the
/// match's start (at most four). `[0]`: matches start with a keyword (`ghp_…`, or `token` for
/// the keyword `oken`… at 1); `[2]`: `sk_live_…` for the keyword `_live_`. The leading part is
/// read from the regex as a few sequences of byte sets, `seqs` (see [`lead`]): literals, the
/// ASCII bytes of classes (a case-insensitive word is a sequence of two-letter sets), optional
/// items and alternations as separate sequences. `None` when some sequence holds no keyword,
/// or the distances are too many or unknown (a repetition of variable length first).
///
/// A rule with distances is searched anchored at each keyword occurrence less each distance:
/// it finds every match whose leading part holds a keyword where stage 1 reports it. A match
/// without one (`ToKeN = …` for the keywords `oken` and `OKEN`) is no longer found by chance
/// in the window of a keyword nearby.
fn offsets_in(seqs: &[Vec<ByteSet>], keywords: &[String]) -> Option<Vec<usize>> {
    let mut offs = Vec::new();
    for seq in seqs {
        // Where a keyword's every byte falls on a narrow set (a letter of either case, `[_-]`):
        // the regex puts it there. Where every byte falls on a single byte, every match of
        // this sequence holds it there, and that first place is enough.
        let mut narrow = Vec::new();
        let mut fixed = None;
        for k in keywords.iter().map(String::as_bytes) {
            for o in 0..(seq.len() + 1).saturating_sub(k.len()) {
                let sets = &seq[o..o + k.len()];
                if k.iter().zip(sets).all(|(&b, set)| set.contains(b) && set.len() <= 4) {
                    narrow.push(o);
                    if sets.iter().all(|set| set.len() == 1) {
                        fixed = Some(fixed.map_or(o, |f: usize| f.min(o)));
                    }
                }
            }
        }
        match fixed {
            Some(o) => offs.push(o),
            None if narrow.is_empty() => return None,
            None => offs.extend(narrow),
        }
    }
    offs.sort_unstable();
    offs.dedup();
    (offs.len() <= 4).then_some(offs)
}

/// [`follows_in`] of the regex's lead, read again where needed (for tests).
#[cfg(test)]
fn keyword_follows(hir: &regex_syntax::hir::Hir, keywords: &[String], offs: &[usize]) -> Vec<Option<ByteSet>> {
    match lead(hir, (MAX_SEQS, MAX_SEQ_LEN)) {
        Some((seqs, _)) => follows_read_again(hir, follows_in(&seqs, keywords, offs), keywords, offs),
        None => vec![None; keywords.len()],
    }
}

/// `follows` (read from the lead's first [`MAX_SEQS`] sequences), with a keyword whose next
/// byte they left open read again from more: optional parts between a keyword and the
/// delimiter multiply the sequences (`(?i:secret(?:[_-]?key)?)\\?["']?[ \t]{0,4}(?:=>|:=|[:=])`).
fn follows_read_again(
    hir: &regex_syntax::hir::Hir,
    mut follows: Vec<Option<ByteSet>>,
    keywords: &[String],
    offs: &[usize],
) -> Vec<Option<ByteSet>> {
    if follows.iter().any(Option::is_none) {
        // Only as far as the byte after the farthest keyword.
        let reach = offs.iter().max().copied().unwrap_or(0) + keywords.iter().map(String::len).max().unwrap_or(0) + 1;
        if let Some((seqs, _)) = lead(hir, (4 * MAX_SEQS, reach.min(MAX_SEQ_LEN))) {
            for (f, more) in follows.iter_mut().zip(follows_in(&seqs, keywords, offs)) {
                *f = f.or(more);
            }
        }
    }
    follows
}

/// A keyword rule's [`Rule::kw_offsets`] and [`Rule::kw_follow`].
type Anchors = (Box<[usize]>, Box<[Option<ByteSet>]>);

/// The distances of a keyword rule's keywords from its matches' starts, at most
/// `window_before` (see [`offsets_in`]), and the bytes that follow each keyword (see
/// [`follows_in`]), from one reading of the regex's lead.
fn keyword_anchors(hir: &regex_syntax::hir::Hir, keywords: &[String], window_before: usize) -> Option<Anchors> {
    if keywords.is_empty() {
        return None;
    }
    let (seqs, _) = lead(hir, (MAX_SEQS, MAX_SEQ_LEN))?;
    // Within `window_before`, where the unanchored search finds matches too.
    let offs = offsets_in(&seqs, keywords).filter(|offs| offs.iter().all(|&o| o <= window_before))?;
    let follows = follows_read_again(hir, follows_in(&seqs, keywords, &offs), keywords, &offs);
    Some((offs.into_boxed_slice(), follows.into_boxed_slice()))
}

/// For each keyword, the bytes that can follow it where a match holds it at one of `offs`
/// (from [`offsets_in`]), read from the lead's sequences `seqs`: the union, over the sequences
/// and distances where the keyword fits, of the set right after it, plus every non-ASCII byte
/// (the lead keeps only a class's ASCII bytes). `None` (any byte) where a sequence ends inside
/// the keyword or right after it. A keyword that fits nowhere gets the non-ASCII bytes only: a
/// match holds another keyword where the regex puts it (every sequence holds one), and that
/// occurrence opens the windows.
///
/// Stage 1 opens the windows of a keyword occurrence only where the byte after it is in its
/// set: `TokenFilter` in Java logs, `secret_name` or `tokens` in code can start no match of
/// the generic assignment rules, whose keyword is followed by a quote, a separator or `=`.
fn follows_in(seqs: &[Vec<ByteSet>], keywords: &[String], offs: &[usize]) -> Vec<Option<ByteSet>> {
    let mut high = ByteSet::default();
    high.add_range(0x80, 0xFF);
    keywords
        .iter()
        .map(|k| {
            let k = k.as_bytes();
            let mut follow = high;
            for seq in seqs {
                for &o in offs {
                    // As far as the sequence goes: one that ends inside the keyword or right
                    // after it says nothing of the next byte.
                    let sets = seq.get(o..).unwrap_or_default();
                    if k.iter().zip(sets).all(|(&b, set)| set.contains(b)) {
                        follow = follow.union(*seq.get(o + k.len())?);
                    }
                }
            }
            Some(follow)
        })
        .collect()
}

/// At most this many sequences (alternations and optional items multiply them).
const MAX_SEQS: usize = 64;
/// Sequences are followed this far (bytes) at most; keywords are shorter.
const MAX_SEQ_LEN: usize = 128;

/// The leading part of `hir`'s matches as sequences of byte sets: every match, read as ASCII
/// (a class keeps its ASCII bytes), starts with one of the sequences, and is exactly one of
/// them when the flag is set. `limits`: at most this many sequences (usually [`MAX_SEQS`]),
/// followed at most this far (usually [`MAX_SEQ_LEN`]). `None` when a class has no ASCII byte
/// or the sequences grow past the limit.
fn lead(hir: &regex_syntax::hir::Hir, limits: (usize, usize)) -> Option<(Vec<Vec<ByteSet>>, bool)> {
    use regex_syntax::hir::{Class, HirKind};
    let (max, max_len) = limits;
    let byte = |b: u8| {
        let mut set = ByteSet::default();
        set.add_range(b, b);
        set
    };
    Some(match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => (vec![Vec::new()], true),
        HirKind::Literal(l) => (vec![l.0.iter().map(|&b| byte(b)).collect()], true),
        HirKind::Class(c) => {
            let mut set = ByteSet::default();
            match c {
                Class::Bytes(c) => {
                    c.iter().filter(|r| r.start() < 0x80).for_each(|r| set.add_range(r.start(), r.end().min(0x7F)))
                }
                Class::Unicode(c) => c
                    .iter()
                    .filter(|r| r.start() < '\u{80}')
                    .for_each(|r| set.add_range(r.start() as u8, r.end().min('\u{7F}') as u8)),
            }
            if set == ByteSet::default() {
                return None;
            }
            (vec![vec![set]], true)
        }
        HirKind::Capture(c) => lead(&c.sub, limits)?,
        HirKind::Repetition(r) => {
            let (sub, exact) = lead(&r.sub, limits)?;
            match (r.min, r.max) {
                (0, Some(1)) => {
                    let mut seqs = vec![Vec::new()];
                    seqs.extend(sub);
                    (seqs, exact)
                }
                // `[ \t]{0,4}`: each count a sequence, so that what follows is read too.
                (0, Some(m)) if m <= 4 && exact && sub.len() == 1 && sub[0].len() == 1 => {
                    ((0..=m as usize).map(|n| sub[0].repeat(n)).collect(), true)
                }
                (0, _) => (vec![Vec::new()], false),
                // `[0-9a-f]{32}`: one sequence repeated, as far as sequences are followed.
                (n, Some(m)) if n == m && exact && sub.len() == 1 => {
                    let one = &sub[0];
                    let times = (n as usize).min(max_len / one.len().max(1));
                    (vec![one.repeat(times)], times == n as usize)
                }
                _ => (sub, exact && r.max == Some(1)),
            }
        }
        HirKind::Alternation(v) => {
            let (mut seqs, mut exact) = (Vec::new(), true);
            for h in v {
                let (s, e) = lead(h, limits)?;
                seqs.extend(s);
                exact &= e;
                if seqs.len() > max {
                    return None;
                }
            }
            (seqs, exact)
        }
        HirKind::Concat(v) => {
            let mut seqs: Vec<Vec<ByteSet>> = vec![Vec::new()];
            let mut exact = true;
            for h in v {
                let Some((next, e)) = lead(h, limits) else {
                    exact = false;
                    break;
                };
                // Sequences already as long as followed stay as they are; the others go on.
                let long = seqs.iter().filter(|s| s.len() >= max_len).count();
                if long == seqs.len() || long + (seqs.len() - long) * next.len() > max {
                    exact = false;
                    break;
                }
                exact &= long == 0;
                seqs = seqs
                    .into_iter()
                    .flat_map(|a| {
                        let ends: Vec<Vec<ByteSet>> = if a.len() >= max_len {
                            vec![a]
                        } else {
                            next.iter().map(|b| [a.as_slice(), b].concat()).collect()
                        };
                        ends
                    })
                    .collect();
                if !e {
                    exact = false;
                    break;
                }
            }
            (seqs, exact)
        }
    })
}

/// Visits capture groups in index order (pre-order, as the regex numbers them).
fn visit_groups(hir: &regex_syntax::hir::Hir, f: &mut dyn FnMut(Option<&str>)) {
    use regex_syntax::hir::HirKind;
    match hir.kind() {
        HirKind::Capture(c) => {
            f(c.name.as_deref());
            visit_groups(&c.sub, f);
        }
        HirKind::Concat(v) | HirKind::Alternation(v) => v.iter().for_each(|h| visit_groups(h, f)),
        HirKind::Repetition(r) => visit_groups(&r.sub, f),
        _ => {}
    }
}

fn build_triggers(rules: &[Rule]) -> Result<Triggers, Error> {
    // Keywords: rules sharing a keyword are confirmed together at each of its occurrences.
    let mut by_kw: HashMap<&str, Vec<u32>> = HashMap::new();
    let mut digits = Vec::new();
    let mut at = Vec::new();
    let mut hexcolon = Vec::new();
    let mut upper = Vec::new();
    let mut upper_screened = Vec::new();
    let mut dotted = Vec::new();
    for (i, r) in rules.iter().enumerate() {
        let i = i as u32;
        match r.spec.trigger {
            Trigger::Keywords => {
                for k in &r.spec.keywords {
                    by_kw.entry(k.as_str()).or_default().push(i);
                }
            }
            Trigger::Digits => digits.push(i),
            Trigger::At => at.push(i),
            Trigger::HexColon => hexcolon.push(i),
            Trigger::Upper if r.word_start => upper_screened.push(i),
            Trigger::Upper => upper.push(i),
            Trigger::Dotted => dotted.push(i),
        }
    }
    let mut kws: Vec<&str> = by_kw.keys().copied().collect();
    kws.sort_unstable();
    let keywords = KeywordSet {
        literals: Literals::new(kws.iter().map(|k| k.as_bytes())),
        rules: kws
            .iter()
            .map(|k| {
                let follow = |r: &Rule| -> Option<ByteSet> {
                    let i = r.spec.keywords.iter().position(|x| x == k)?;
                    *r.kw_follow.get(i)?
                };
                by_kw[k].iter().map(|&i| (i, follow(&rules[i as usize]))).collect()
            })
            .collect(),
        label_like: kws.iter().map(|k| !k.bytes().any(|b| b.is_ascii_lowercase())).collect(),
    };
    let digit_patterns: Vec<String> = digits.iter().map(|&i| rules[i as usize].spec.regex.clone()).collect();
    let digit_min = digits.iter().map(|&i| u32::from(rules[i as usize].spec.min_digits)).min().unwrap_or(1).max(1);
    let digit_before = digits.iter().map(|&i| rules[i as usize].spec.window_before).max().unwrap_or(0);
    let digit_max_len = digits.iter().map(|&i| rules[i as usize].spec.max_len).max().unwrap_or(0);
    let upper_patterns: Vec<String> = upper_screened.iter().map(|&i| rules[i as usize].spec.regex.clone()).collect();
    let upper_before = upper_screened.iter().map(|&i| rules[i as usize].spec.window_before).max().unwrap_or(0);
    let upper_max_len = upper_screened.iter().map(|&i| rules[i as usize].spec.max_len).max().unwrap_or(0);
    let at_after = at.iter().try_fold(ByteSet::default(), |acc, &i| Some(acc.union(rules[i as usize].at_after?)));
    Ok(Triggers {
        keywords,
        digits,
        digit_set: OnceLock::new(),
        digit_patterns,
        digit_min,
        digit_before,
        digit_max_len,
        at,
        at_after,
        hexcolon,
        upper,
        upper_screened,
        upper_set: OnceLock::new(),
        upper_patterns,
        upper_before,
        upper_max_len,
        dotted,
    })
}

/// Screened rules (digit or upper-case triggers) as one lazy DFA reporting every pattern that
/// matches (anchored use only). Driven byte by byte by the engine: through `meta::Regex` each
/// screening call cost about twice as much, most of it call overhead on spans of a few bytes.
pub(crate) fn build_screen_set(patterns: &[String], what: &str) -> Result<hybrid::dfa::DFA, Error> {
    hybrid::dfa::DFA::builder()
        .syntax(syntax_config())
        .thompson(thompson::Config::new().nfa_size_limit(Some(NFA_SIZE_LIMIT * 4)))
        .configure(
            hybrid::dfa::DFA::config()
                .match_kind(MatchKind::All)
                .cache_capacity(DFA_CACHE_CAPACITY * 4)
                .skip_cache_capacity_check(true),
        )
        .build_many(patterns)
        .map_err(|e| Error::new(ErrorKind::Pattern, format!("{what} rule set: {e}")))
}

/// Names of every built-in validator.
pub fn validator_names() -> impl Iterator<Item = &'static str> {
    Validator::ALL.iter().map(|v| v.name())
}

#[doc(hidden)]
pub fn _assert_send_sync() {
    fn f<T: Send + Sync>() {}
    f::<Scanner>();
    let _ = (Category::Pii, Sensitivity::Low);
}

#[cfg(test)]
mod tests {
    use super::{requires_byte, space_first_only, starts_at_word_start, syntax_config};

    proptest::proptest! {
        /// A range added word by word holds exactly the bytes `lo..=hi`.
        #[test]
        fn byte_set_ranges(lo in 0u8..=255, hi in 0u8..=255, probe in 0u8..=255) {
            let mut set = super::ByteSet::default();
            set.add_range(lo, hi);
            proptest::prop_assert_eq!(set.contains(probe), lo <= probe && probe <= hi);
            proptest::prop_assert_eq!(set.len(), if lo <= hi { u32::from(hi - lo) + 1 } else { 0 });
        }
    }

    fn kw_offsets(re: &str, keywords: &[&str]) -> Option<Vec<usize>> {
        let hir = regex_automata::util::syntax::parse_with(re, &syntax_config()).unwrap();
        let keywords: Vec<String> = keywords.iter().map(|k| k.to_string()).collect();
        super::keyword_offsets(&hir, &keywords)
    }

    #[test]
    fn keyword_offsets_read_from_the_regex() {
        let at = |offs: &[usize]| Some(offs.to_vec());
        assert_eq!(kw_offsets(r"(?-u:\b)ghp_[A-Za-z0-9]{36}(?-u:\b)", &["ghp_"]), at(&[0]));
        assert_eq!(kw_offsets(r"(?-u:\b)(?P<value>(?:pcsk|pckey)_[A-Za-z0-9]{4})", &["pcsk_", "pckey_"]), at(&[0]));
        assert_eq!(kw_offsets(r"hv[br]\.[A-Za-z0-9]{24}", &["hvb.", "hvr."]), at(&[0]));
        assert_eq!(kw_offsets(r"postgres(?:ql)?://\S+", &["postgres"]), at(&[0]));
        assert_eq!(kw_offsets(r"(?:xox[bp]|xapp)-\d+", &["xox", "xapp-"]), at(&[0]));
        // The keyword after a fixed-length lead: a literal set, a counted class.
        assert_eq!(kw_offsets(r"(?-u:\b)(?:sk|rk)_live_[0-9a-zA-Z]{24}", &["_live_"]), at(&[2]));
        assert_eq!(kw_offsets(r"sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}", &["T3BlbkFJ"]), at(&[23]));
        assert_eq!(kw_offsets(r"[Tt]wilio[A-Z]+", &["wilio"]), at(&[1]));
        assert_eq!(kw_offsets(r"(?:ab_x|abcd_y)_key", &["_x", "_y"]), at(&[2, 4]));
        // A case-insensitive word holds its keywords where their letters fit.
        assert_eq!(kw_offsets(r"(?i)mistral[_-]?key", &["mistral", "Mistral", "MISTRAL"]), at(&[0]));
        assert_eq!(kw_offsets(r"(?i:token)\\?[:=]", &["oken", "OKEN"]), at(&[1]));
        assert_eq!(kw_offsets(r"(?i:pass(?:word|wd)|_pass)\s*=", &["assword", "asswd", "_pass"]), at(&[0, 1]));
        assert_eq!(kw_offsets(r"(?i:api[_-]?key)=", &["api_key", "apikey", "API-KEY"]), at(&[0]));
        // Optional parts multiply the sequences (here 22 of them): each keyword where it fits.
        let aws = r"(?i:aws_?secret(?:_?access)?_?key|secret_?access_?key|aws_?secret)=";
        assert_eq!(kw_offsets(aws, &["aws_secret", "awssecret", "secret_access", "secretaccess"]), at(&[0, 3, 4]));
        // An optional lead: both places. A branch without its keyword, a lead of variable
        // length, no keyword at all: none.
        assert_eq!(kw_offsets(r"(?:ghp_|github_)[a-z]+", &["ghp_"]), None);
        assert_eq!(kw_offsets(r"(?i:token)", &["secret"]), None);
        assert_eq!(kw_offsets(r"x?ghp_[a-z]+", &["ghp_"]), at(&[0, 1]));
        assert_eq!(kw_offsets(r"[a-z]+ghp_", &["ghp_"]), None);
        assert_eq!(kw_offsets(r"\d{8,10}:AA[a-z]+", &[":AA"]), None);
        assert_eq!(kw_offsets(r"gh[a-z]_x", &["ghp_"]), None);
        assert_eq!(kw_offsets(r"ghp_x", &[]), None);
    }

    /// The bytes after each keyword, ASCII part (every non-ASCII byte is always in).
    fn follows(re: &str, keywords: &[&str]) -> Vec<Option<String>> {
        let hir = regex_automata::util::syntax::parse_with(re, &syntax_config()).unwrap();
        let keywords: Vec<String> = keywords.iter().map(|k| k.to_string()).collect();
        let offs = super::keyword_offsets(&hir, &keywords).expect("offsets");
        super::keyword_follows(&hir, &keywords, &offs)
            .into_iter()
            .map(|f| {
                f.map(|set| {
                    assert!((0x80..=0xFF).all(|b| set.contains(b)), "{re}: non-ASCII bytes may follow");
                    (0..0x80u8).filter(|&b| set.contains(b)).map(char::from).collect()
                })
            })
            .collect()
    }

    #[test]
    fn keyword_follows_read_from_the_regex() {
        let some = |s: &str| Some(s.to_string());
        assert_eq!(follows(r"ghp_[a-z]{36}", &["ghp_"]), [some("abcdefghijklmnopqrstuvwxyz")]);
        assert_eq!(follows(r"postgres(?:ql)?://", &["postgres"]), [some(":q")]);
        // Optional quotes and up to four blanks before the delimiter: each count is read.
        let token = r#"(?i:token)\\?["']?[ \t]{0,4}(?:=>|:=|[:=])"#;
        assert_eq!(follows(token, &["oken", "OKEN"]), [some("\t \"':=\\"), some("\t \"':=\\")]);
        // A keyword that fits nowhere opens windows only before non-ASCII bytes.
        assert_eq!(follows(r"(?:ab|cd)_key", &["ab_", "cd_", "zz"]), [some("k"), some("k"), some("")]);
        // The lead ends at the keyword, or its next item is read no further: any byte.
        assert_eq!(follows(r"token\s*=", &["token"]), [None]);
        assert_eq!(follows(r"token(?:x|y)?", &["token"]), [None]);
        assert_eq!(follows(r"(?:tok|token_)[a-z]+", &["tok"]), [some("abcdefghijklmnopqrstuvwxyz")]);
    }

    /// Where `regex-syntax`'s prefix extractor says a default rule's matches start with a
    /// keyword, the cheap analysis says so too.
    #[test]
    fn keyword_starts_agree_with_the_prefix_extractor() {
        use regex_syntax::hir::literal::{ExtractKind, Extractor};
        let (mut at_start, mut later) = (0, 0);
        for p in crate::pack::default_packs().unwrap() {
            for r in p.rules.iter().filter(|r| r.trigger == crate::Trigger::Keywords) {
                let hir = regex_automata::util::syntax::parse_with(&r.regex, &syntax_config()).unwrap();
                let seq = Extractor::new().kind(ExtractKind::Prefix).extract(&hir);
                let extracted = seq.literals().is_some_and(|lits| {
                    !lits.is_empty()
                        && lits.iter().all(|l| r.keywords.iter().any(|k| l.as_bytes().starts_with(k.as_bytes())))
                });
                let offs = super::keyword_offsets(&hir, &r.keywords);
                if extracted {
                    assert_eq!(offs.as_deref(), Some(&[0][..]), "{}", r.id);
                }
                at_start += usize::from(offs.as_deref() == Some(&[0][..]));
                later += usize::from(offs.is_some_and(|o| o != [0]));
            }
        }
        assert!(at_start > 100 && later > 5, "{at_start} rules start with a keyword, {later} hold one later");
    }

    fn word_start(re: &str) -> bool {
        starts_at_word_start(&regex_automata::util::syntax::parse_with(re, &syntax_config()).unwrap())
    }

    fn before_at(re: &str) -> Option<String> {
        let set = super::at_preceders(&regex_automata::util::syntax::parse_with(re, &syntax_config()).unwrap())?;
        Some((0..=255u8).filter(|&b| set.contains(b)).map(char::from).collect())
    }

    #[test]
    fn bytes_before_at_are_conservative() {
        let alnum: String = ('0'..='9').chain('A'..='Z').chain('a'..='z').collect();
        // The email and credential-URL shapes.
        let email =
            r"(?:^|[^:/A-Za-z0-9_])(?P<value>[A-Za-z0-9_](?:[A-Za-z0-9.%+'-]*[A-Za-z0-9%+'-])?@[a-z]+\.[a-z]{2,})";
        let want: std::collections::BTreeSet<char> = format!("%'+-_{alnum}").chars().collect();
        assert_eq!(before_at(email).unwrap(), want.into_iter().collect::<String>());
        let url = r#"(?-u:\b)rediss?://[^\s:@/"'<>]*:(?P<value>[^\s@/"'<>][^\s@/"'<>]*)@[A-Za-z0-9\[]"#;
        let got = before_at(url).unwrap();
        assert!(
            !got.contains('"')
                && !got.contains(' ')
                && !got.contains('@')
                && got.contains('a')
                && got.contains('\u{80}')
        );
        assert_eq!(before_at(r"x@y").as_deref(), Some("x"));
        assert_eq!(before_at(r"(?:a|bc)+@").as_deref(), Some("ac"));
        // `@` may lead the match, or follow something that may be empty.
        assert_eq!(before_at(r"@[a-z]+"), None);
        assert_eq!(before_at(r"[a-z]*@[a-z]+"), None);
        assert_eq!(before_at(r"(?:a|)@"), None);
        assert_eq!(before_at(r"(?:a@|@)b"), None);
    }

    #[test]
    fn word_start_is_conservative() {
        assert!(word_start(r"(?-u:\b)[A-Z]{2}[0-9]{2}(?-u:\b)"));
        assert!(word_start(r"(?-u:\b)(?P<value>[A-Z]{3}[0-9]+)"));
        assert!(word_start(r"(?-u:\b)(?:AB|C_)[0-9]"));
        assert!(word_start(r"(?-u:\b{start})[A-Z][0-9]"));
        // Unicode boundaries, a non-word first byte, an optional first item, or no boundary.
        assert!(!word_start(r"\b[A-Z][0-9]"));
        assert!(!word_start(r"(?-u:\b)[A-Z-][0-9]"));
        assert!(!word_start(r"(?-u:\b)[A-Z]?[0-9]"));
        assert!(!word_start(r"(?-u:\b)é[0-9]"));
        assert!(!word_start(r"[A-Z]{2}[0-9]{2}"));
        assert!(!word_start(r"(?:(?-u:\b)[A-Z]|-)[0-9]"));
    }

    fn needs_at(re: &str) -> bool {
        requires_byte(&regex_automata::util::syntax::parse_with(re, &syntax_config()).unwrap(), b'@')
    }

    #[test]
    fn required_byte_is_conservative() {
        assert!(needs_at(r"[a-z]+@[a-z]+\.com"));
        assert!(needs_at(r"(?:^|\s)(?P<value>x(?:a|b)+@y)"));
        assert!(needs_at(r"(?:a@b|c[@]d)"));
        assert!(needs_at(r"(?:@x){2,}"));
        assert!(!needs_at(r"[a-z]+@?[a-z]+"));
        assert!(!needs_at(r"(?:a@b|cd)"));
        assert!(!needs_at(r"[@#]x"));
        assert!(!needs_at(r"(?:@x)*y"));
        assert!(!needs_at(r"\d{3}-\d{2}"));
    }

    fn first_only(re: &str) -> bool {
        space_first_only(&regex_automata::util::syntax::parse_with(re, &syntax_config()).unwrap())
    }

    #[test]
    fn whitespace_only_first_is_conservative() {
        assert!(first_only(r"[a-z]+@[a-z]+"));
        assert!(first_only(r"(?:^|[^a-z]|(?i:mailto):)(?P<value>[a-z]+@[a-z]+)\b"));
        assert!(first_only(r"\s?[a-z]+@[a-z]+"), "an optional leading space is still the first byte");
        assert!(first_only(r"[^:/]é+@x"), "non-ASCII classes hold no ASCII whitespace");
        assert!(!first_only(r"[a-z]+ @[a-z]+"));
        assert!(!first_only(r"\s?\s?@"), "two optional spaces can both match");
        assert!(!first_only(r"[a-z]+\s[a-z]+@x"));
        assert!(!first_only(r"(?:\s@)+"));
        assert!(!first_only(r"(?:[^x]|ab)[^x]@"));
    }
}
