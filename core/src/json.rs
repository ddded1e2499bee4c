//! JSON documents and JSON lines, redacted structurally.
//!
//! Parsing is simd-json's (validation and unescaping); the walk over its tape is ours, so key
//! order, depth limits and the exact bytes of everything not redacted are kept: output is the
//! input with only the changed values rewritten.

use std::borrow::Cow;
use std::cell::RefCell;

use crate::engine::Candidate;
use crate::error::{Error, ErrorKind};
use crate::model::{Action, Category};
use crate::report::{Report, ReportFinding};
use crate::scanner::Scanner;

/// How JSON is redacted. Set with [`ScannerBuilder::json_options`](crate::ScannerBuilder) or a
/// policy's `[json]` table.
#[derive(Clone, Debug)]
pub struct JsonOptions {
    /// Scan numbers as text (card numbers stored as integers); a redacted number becomes a
    /// string. Default: true.
    pub scan_numbers: bool,
    /// Documents (lines) larger than this, in bytes, are redacted as text. Default: 8 MiB.
    pub max_size: usize,
    /// Documents nested deeper than this (counting JSON inside string values) are redacted as
    /// text. Default: 128.
    pub max_depth: usize,
    pub(crate) keys: Vec<(String, KeyRule)>,
}

impl Default for JsonOptions {
    fn default() -> Self {
        JsonOptions { scan_numbers: true, max_size: 8 << 20, max_depth: 128, keys: Vec::new() }
    }
}

impl JsonOptions {
    /// Sets [`JsonOptions::scan_numbers`].
    pub fn scan_numbers(mut self, yes: bool) -> Self {
        self.scan_numbers = yes;
        self
    }

    /// Sets [`JsonOptions::max_size`].
    pub fn max_size(mut self, bytes: usize) -> Self {
        self.max_size = bytes;
        self
    }

    /// Sets [`JsonOptions::max_depth`].
    pub fn max_depth(mut self, depth: usize) -> Self {
        self.max_depth = depth;
        self
    }

    /// Adds a key rule: every value whose path matches `glob` is replaced whole per `action`,
    /// labelled with `entity` (default: the last key of the glob, upper-cased).
    ///
    /// Paths are keys joined by `.`; array elements take their parent's path. In a glob, `*`
    /// matches one key and `**` any number of keys (zero included): `*.password` matches
    /// `db.password`, `**.password` matches `password` at any depth.
    ///
    /// ```
    /// use scrubline::{Action, JsonOptions, Scanner};
    /// let json = JsonOptions::default().key_rule("headers.authorization", Action::Label, None).unwrap();
    /// let s = Scanner::builder().json_options(json).build().unwrap();
    /// assert_eq!(
    ///     s.redact_json(r#"{"headers":{"authorization":"Basic Zm9vOmJhcg=="},"n":1}"#),
    ///     r#"{"headers":{"authorization":"[AUTHORIZATION]"},"n":1}"#
    /// );
    /// ```
    pub fn key_rule(mut self, glob: &str, action: Action, entity: Option<&str>) -> Result<Self, Error> {
        let g = KeyGlob::parse(glob).map_err(|m| Error::new(ErrorKind::Policy, m))?;
        let entity = entity.map_or_else(|| g.default_type(), str::to_string);
        self.keys.retain(|(k, _)| k != glob);
        self.keys.push((glob.to_string(), KeyRule { glob: g, action, entity, category: Category::Custom }));
        Ok(self)
    }
}

/// A key rule: values at paths matching `glob` are replaced whole.
#[derive(Clone, Debug)]
pub(crate) struct KeyRule {
    pub glob: KeyGlob,
    pub action: Action,
    pub entity: String,
    pub category: Category,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Seg {
    Key(String),
    Any,
    AnyDepth,
}

/// A path glob over object keys: `user.*.ssn`, `**.password`.
#[derive(Clone, Debug)]
pub(crate) struct KeyGlob {
    segs: Vec<Seg>,
}

impl KeyGlob {
    pub(crate) fn parse(s: &str) -> Result<KeyGlob, String> {
        if s.is_empty() || s.len() > 512 {
            return Err("a key glob is 1 to 512 bytes".into());
        }
        let mut segs = Vec::new();
        for part in s.split('.') {
            segs.push(match part {
                "" => return Err(format!("empty key in glob `{s}`")),
                "*" => Seg::Any,
                "**" => Seg::AnyDepth,
                k if k.contains('*') => return Err(format!("`*` must be a whole key in glob `{s}`")),
                k => Seg::Key(k.to_string()),
            });
        }
        Ok(KeyGlob { segs })
    }

    /// The label type for a rule without one: the last literal key, upper-cased.
    pub(crate) fn default_type(&self) -> String {
        let last = self.segs.iter().rev().find_map(|s| if let Seg::Key(k) = s { Some(k.as_str()) } else { None });
        let mut t: String = last
            .unwrap_or("")
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' })
            .collect();
        if !t.starts_with(|c: char| c.is_ascii_uppercase()) {
            t.insert_str(0, "KEY_");
        }
        t.truncate(64);
        t
    }

    /// Literal keys first, then fewer `**`: the most specific of several matching globs wins.
    pub(crate) fn specificity(&self) -> (usize, usize, usize) {
        let lit = self.segs.iter().filter(|s| matches!(s, Seg::Key(_))).count();
        let deep = self.segs.iter().filter(|s| **s == Seg::AnyDepth).count();
        (lit, usize::MAX - deep, self.segs.len())
    }

    pub(crate) fn matches(&self, path: &[&str]) -> bool {
        fn go(g: &[Seg], p: &[&str]) -> bool {
            match g.split_first() {
                None => p.is_empty(),
                Some((Seg::AnyDepth, rest)) => (0..=p.len()).any(|i| go(rest, &p[i..])),
                Some((s, rest)) => match p.split_first() {
                    None => false,
                    Some((k, prest)) => {
                        let ok = match s {
                            Seg::Key(x) => x == k,
                            _ => true,
                        };
                        ok && go(rest, prest)
                    }
                },
            }
        }
        go(&self.segs, path)
    }
}

thread_local! {
    // Parse buffers reused across calls (a JSON-lines stream parses millions of small documents).
    static STATE: RefCell<State> = RefCell::new(State::default());
}

/// Buffers of one walk, reused across calls: after warm-up a clean line allocates nothing.
struct State {
    buf: Vec<u8>,
    buffers: simd_json::Buffers,
    tape: simd_json::Tape<'static>,
    frames: Vec<Frame>,
    values: Vec<Value>,
    edits: Vec<Edit>,
}

impl Default for State {
    fn default() -> Self {
        State {
            buf: Vec::new(),
            buffers: simd_json::Buffers::default(),
            tape: simd_json::Tape::null(),
            frames: Vec::new(),
            values: Vec::new(),
            edits: Vec::new(),
        }
    }
}

/// A value of the document: its raw token range, and what to scan.
struct Value {
    /// Raw token (quotes included) in the document.
    raw: (usize, usize),
    /// The scanned text's range in the scan text (decoded string content, or number text).
    scan: (usize, usize),
    kind: Kind,
    /// Path index into `paths` (for reports and key rules).
    path: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Str,
    Num,
    /// A string holding a JSON document, redacted recursively.
    Nested,
}

/// A replacement of a raw range of the document.
struct Edit {
    start: usize,
    end: usize,
    token: String,
}

enum Frame {
    Object { expect_key: bool, key_pushed: bool, start: usize },
    Array { start: usize },
}

/// Where a JSON walk reports to.
pub(crate) struct Sink<'r> {
    pub report: Option<&'r mut Report>,
}

impl Scanner {
    /// Redacts a JSON document: string values are scanned (and numbers, unless
    /// [`JsonOptions::scan_numbers`] is off); values at paths matched by key rules are replaced
    /// whole; JSON inside a string value is redacted as JSON. Structure, key order, whitespace
    /// and every unchanged byte are kept; a redacted number becomes a string. A document that
    /// is not valid JSON, or is larger or deeper than the limits, is redacted as text: never
    /// passed through.
    ///
    /// ```
    /// let s = scrubline::Scanner::new();
    /// assert_eq!(
    ///     s.redact_json(r#"{"user":{"email":"bob@example.com","id":7},"card":4111111111111111}"#),
    ///     r#"{"user":{"email":"[EMAIL]","id":7},"card":"[CREDIT_CARD]"}"#
    /// );
    /// assert_eq!(s.redact_json("not json: bob@example.com"), "not json: [EMAIL]");
    /// ```
    pub fn redact_json<'t>(&self, doc: &'t str) -> Cow<'t, str> {
        redact_doc(self, doc, 0, &mut Sink { report: None })
    }

    /// [`Scanner::redact_json`], adding what was found to `report` (paths included).
    pub fn redact_json_with_report<'t>(&self, doc: &'t str, report: &mut Report) -> Cow<'t, str> {
        redact_doc(self, doc, 0, &mut Sink { report: Some(report) })
    }

    /// Redacts JSON lines: each line is redacted as a JSON document (see
    /// [`Scanner::redact_json`]); blank lines are kept; a line that is not JSON is redacted as
    /// text.
    pub fn redact_json_lines<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let mut out = String::new();
        let mut changed = false;
        let mut pos = 0;
        for line in text.split_inclusive('\n') {
            let body = line.trim_end_matches(['\n', '\r']);
            let red = if body.trim().is_empty() { Cow::Borrowed(body) } else { self.redact_json(body) };
            if !changed && matches!(red, Cow::Owned(_)) {
                out.reserve(text.len() + 64);
                out.push_str(&text[..pos]);
                changed = true;
            }
            if changed {
                out.push_str(&red);
                out.push_str(&line[body.len()..]);
            }
            pos += line.len();
        }
        if changed {
            Cow::Owned(out)
        } else {
            Cow::Borrowed(text)
        }
    }

    /// The JSON options of this scanner.
    pub fn json_options(&self) -> &JsonOptions {
        &self.inner.json
    }
}

fn as_text<'t>(scanner: &Scanner, doc: &'t str, sink: &mut Sink<'_>) -> Cow<'t, str> {
    match sink.report.as_deref_mut() {
        None => scanner.redact(doc),
        Some(r) => {
            let (out, f) = scanner.redact_with_findings(doc);
            r.add(scanner, doc, 0, Some(1), &f);
            out
        }
    }
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// End of the token starting at `p`: just before the next structural (or the end), less
/// trailing whitespace.
fn token_end(doc: &[u8], next: usize) -> usize {
    let mut e = next.min(doc.len());
    while e > 0 && is_ws(doc[e - 1]) {
        e -= 1;
    }
    e
}

fn looks_nested(s: &str) -> bool {
    let t = s.trim();
    t.len() >= 2 && ((t.starts_with('{') && t.ends_with('}')) || (t.starts_with('[') && t.ends_with(']')))
}

pub(crate) fn redact_doc<'t>(scanner: &Scanner, doc: &'t str, depth: usize, sink: &mut Sink<'_>) -> Cow<'t, str> {
    let opts = &scanner.inner.json;
    if doc.len() > opts.max_size || depth > opts.max_depth {
        return as_text(scanner, doc, sink);
    }
    // Top-level calls reuse thread-local buffers; nested documents get their own.
    let out = STATE.with(|b| match b.try_borrow_mut() {
        Ok(mut guard) => walk(scanner, doc, depth, sink, &mut guard),
        Err(_) => walk(scanner, doc, depth, sink, &mut State::default()),
    });
    match out {
        Some(Some(s)) => Cow::Owned(s),
        Some(None) => Cow::Borrowed(doc),
        None => as_text(scanner, doc, sink),
    }
}

/// Parses and redacts; `None`: not JSON (or too deep), redact as text; `Some(None)`: unchanged.
fn walk(scanner: &Scanner, doc: &str, depth: usize, sink: &mut Sink<'_>, state: &mut State) -> Option<Option<String>> {
    // The tape's allocation is kept in `state` between calls, re-lifetimed by `reset`.
    let mut tape = std::mem::replace(&mut state.tape, simd_json::Tape::null()).reset();
    let mut frames = std::mem::take(&mut state.frames);
    let mut values = std::mem::take(&mut state.values);
    let mut edits = std::mem::take(&mut state.edits);
    frames.clear();
    values.clear();
    edits.clear();
    let out = walk_in(
        scanner,
        doc,
        depth,
        sink,
        &mut state.buf,
        &mut state.buffers,
        &mut tape,
        &mut frames,
        &mut values,
        &mut edits,
    );
    state.tape = tape.reset();
    state.frames = frames;
    state.values = values;
    state.edits = edits;
    out
}

#[allow(clippy::too_many_arguments)]
fn walk_in<'b>(
    scanner: &Scanner,
    doc: &str,
    depth: usize,
    sink: &mut Sink<'_>,
    buf: &'b mut Vec<u8>,
    buffers: &mut simd_json::Buffers,
    tape: &mut simd_json::Tape<'b>,
    frames: &mut Vec<Frame>,
    values: &mut Vec<Value>,
    edits: &mut Vec<Edit>,
) -> Option<Option<String>> {
    let opts = &scanner.inner.json;
    let inner = &scanner.inner;
    let bytes = doc.as_bytes();
    let escapes = memchr::memchr(b'\\', bytes).is_some();
    let has_keys = !opts.keys.is_empty();
    // Without escapes the strings' contents are the document's own bytes: scan the document as
    // it is, once. Most log lines hold nothing, and then there is nothing to parse either
    // (invalid JSON would be redacted as text, which finds nothing as well).
    let early = if escapes {
        None
    } else {
        let mut guard = inner.pool.get();
        Some(crate::engine::scan(inner, &mut guard, doc))
    };
    if early.as_ref().is_some_and(Vec::is_empty) && !has_keys {
        return Some(None);
    }
    buf.clear();
    buf.extend_from_slice(bytes);
    simd_json::fill_tape(buf, buffers, tape).ok()?;
    let nodes = &tape.0;
    let structurals = buffers.structural_indexes();

    let mut path: Vec<&str> = Vec::new();
    let mut paths: Vec<String> = Vec::new();
    // JSON inside strings: decoded text, raw range, depth.
    let mut nested: Vec<(&str, usize, usize, usize)> = Vec::new();
    // The scan text: the document itself, or (with escapes) a copy with strings decoded.
    let mut synth = if escapes { Some(String::with_capacity(doc.len())) } else { None };
    let mut copied = 0usize;
    // A container replaced whole by a key rule: (depth at which it closes, rule, start).
    let mut skip: Option<(usize, usize, usize)> = None;
    let mut ti = 0usize;
    let cur_path = |path: &Vec<&str>, paths: &mut Vec<String>| -> usize {
        let p = path.join(".");
        if paths.last() != Some(&p) {
            paths.push(p);
        }
        paths.len() - 1
    };

    let mut si = 0;
    while si < structurals.len() {
        let p = structurals[si] as usize;
        let next = structurals.get(si + 1).map_or(bytes.len(), |&n| n as usize);
        si += 1;
        if p >= bytes.len() {
            break;
        }
        let c = bytes[p];
        match c {
            b':' => {
                continue;
            }
            b',' => {
                if let Some(Frame::Object { expect_key, key_pushed, .. }) = frames.last_mut() {
                    if *key_pushed {
                        path.pop();
                        *key_pushed = false;
                    }
                    *expect_key = true;
                }
                continue;
            }
            b'}' | b']' => {
                let f = frames.pop()?;
                if let Frame::Object { key_pushed: true, .. } = f {
                    path.pop();
                }
                let start = match f {
                    Frame::Object { start, .. } | Frame::Array { start } => start,
                };
                if let Some((d, rule, s0)) = skip {
                    if d == frames.len() && s0 == start {
                        skip = None;
                        let token = key_rule_token(scanner, rule, &doc[start..p + 1], &path, sink);
                        if let Some(t) = token {
                            edits.push(Edit { start, end: p + 1, token: t });
                        }
                    }
                }
                continue;
            }
            _ => {}
        }
        let node = nodes.get(ti)?;
        ti += 1;
        // A key?
        if let Some(Frame::Object { expect_key, key_pushed, .. }) = frames.last_mut() {
            if *expect_key {
                let simd_json::Node::String(k) = node else { return None };
                if c != b'"' {
                    return None;
                }
                *expect_key = false;
                *key_pushed = true;
                if has_keys || sink.report.is_some() {
                    path.push(k);
                }
                if let Some(sy) = synth.as_mut() {
                    let e = token_end(bytes, next);
                    sy.push_str(&doc[copied..p]);
                    sy.push('"');
                    sy.push_str(k);
                    sy.push('"');
                    copied = e;
                }
                continue;
            }
        }
        let in_skip = skip.is_some();
        // A key rule for this value?
        let rule = if has_keys && !in_skip { match_key(&opts.keys, &path) } else { None };
        match (c, node) {
            (b'{', simd_json::Node::Object { .. }) | (b'[', simd_json::Node::Array { .. }) => {
                if frames.len() + depth >= opts.max_depth {
                    return None;
                }
                if let (Some(r), None) = (rule, skip) {
                    skip = Some((frames.len(), r, p));
                }
                frames.push(if c == b'{' {
                    Frame::Object { expect_key: true, key_pushed: false, start: p }
                } else {
                    Frame::Array { start: p }
                });
            }
            (b'"', simd_json::Node::String(s)) => {
                let e = token_end(bytes, next);
                if in_skip {
                    continue;
                }
                if let Some(r) = rule {
                    if let Some(t) = key_rule_token(scanner, r, s, &path, sink) {
                        edits.push(Edit { start: p, end: e, token: t });
                    }
                    continue;
                }
                let kind = if looks_nested(s) { Kind::Nested } else { Kind::Str };
                let scan = match synth.as_mut() {
                    Some(sy) => {
                        sy.push_str(&doc[copied..p]);
                        sy.push('"');
                        let a = sy.len();
                        if kind == Kind::Str {
                            sy.push_str(s);
                        }
                        let b = sy.len();
                        sy.push('"');
                        copied = e;
                        (a, b)
                    }
                    None => (p + 1, if kind == Kind::Str { e - 1 } else { p + 1 }),
                };
                let pi = if sink.report.is_some() { cur_path(&path, &mut paths) } else { 0 };
                if kind == Kind::Nested {
                    nested.push((s, p, e, frames.len()));
                }
                values.push(Value { raw: (p, e), scan, kind, path: pi });
            }
            (_, simd_json::Node::Static(st)) => {
                let e = token_end(bytes, next);
                if in_skip {
                    continue;
                }
                if let Some(r) = rule {
                    if !matches!(st, simd_json::StaticNode::Null) {
                        if let Some(t) = key_rule_token(scanner, r, &doc[p..e], &path, sink) {
                            edits.push(Edit { start: p, end: e, token: t });
                        }
                    }
                    continue;
                }
                let is_num = matches!(
                    st,
                    simd_json::StaticNode::I64(_) | simd_json::StaticNode::U64(_) | simd_json::StaticNode::F64(_)
                );
                if is_num && opts.scan_numbers {
                    let scan = match synth.as_mut() {
                        Some(sy) => {
                            sy.push_str(&doc[copied..p]);
                            let a = sy.len();
                            sy.push_str(&doc[p..e]);
                            copied = e;
                            (a, sy.len())
                        }
                        None => (p, e),
                    };
                    let pi = if sink.report.is_some() { cur_path(&path, &mut paths) } else { 0 };
                    values.push(Value { raw: (p, e), scan, kind: Kind::Num, path: pi });
                }
            }
            _ => return None,
        }
    }
    if !frames.is_empty() || ti != nodes.len() {
        return None;
    }
    let scan_text: &str = match synth.as_mut() {
        Some(sy) => {
            sy.push_str(&doc[copied..]);
            sy
        }
        None => doc,
    };

    // Text findings, one scan for the whole document.
    let cands = match early {
        Some(c) => c,
        None if values.iter().any(|v| v.kind != Kind::Nested) => {
            let mut guard = inner.pool.get();
            crate::engine::scan(inner, &mut guard, scan_text)
        }
        None => Vec::new(),
    };
    let mut ci = 0;
    let mut mine: Vec<Candidate> = Vec::new();
    for v in values.iter() {
        if v.kind == Kind::Nested {
            continue;
        }
        while ci < cands.len() && cands[ci].start < v.scan.0 {
            ci += 1;
        }
        mine.clear();
        let mut k = ci;
        while k < cands.len() && cands[k].end <= v.scan.1 {
            let mut c = cands[k];
            c.start -= v.scan.0;
            c.end -= v.scan.0;
            mine.push(c);
            k += 1;
        }
        ci = k;
        if mine.is_empty() {
            continue;
        }
        let text = &scan_text[v.scan.0..v.scan.1];
        let mut guard = inner.pool.get();
        let red = crate::redact::apply(inner, &mut guard, text, &mine);
        drop(guard);
        if let Some(r) = sink.report.as_deref_mut() {
            let findings: Vec<crate::Finding<'_>> = mine.iter().map(|c| scanner.finding(*c)).collect();
            r.add_at(scanner, text, 0, None, Some(&paths[v.path]), &findings);
        }
        if let Cow::Owned(o) = red {
            edits.push(Edit { start: v.raw.0, end: v.raw.1, token: json_string(&o) });
        }
    }
    // JSON inside string values.
    for (s, p, e, d) in nested {
        let red = redact_doc(scanner, s, depth + d + 1, sink);
        if let Cow::Owned(o) = red {
            edits.push(Edit { start: p, end: e, token: json_string(&o) });
        }
    }
    if edits.is_empty() {
        return Some(None);
    }
    edits.sort_by_key(|e| e.start);
    let mut out = String::with_capacity(doc.len() + 64);
    let mut last = 0;
    for e in edits.iter() {
        if e.start < last {
            continue;
        }
        out.push_str(&doc[last..e.start]);
        out.push_str(&e.token);
        last = e.end;
    }
    out.push_str(&doc[last..]);
    Some(Some(out))
}

/// The most specific key rule matching `path`.
fn match_key(keys: &[(String, KeyRule)], path: &[&str]) -> Option<usize> {
    keys.iter()
        .enumerate()
        .filter(|(_, (_, r))| r.glob.matches(path))
        .max_by_key(|(i, (_, r))| (r.glob.specificity(), *i))
        .map(|(i, _)| i)
}

/// The replacement token of a value under key rule `rule` (a JSON string), or `None` when its
/// action leaves it (`report`). The finding is reported either way.
fn key_rule_token(scanner: &Scanner, rule: usize, value: &str, path: &[&str], sink: &mut Sink<'_>) -> Option<String> {
    let inner = &scanner.inner;
    let (glob, r) = &inner.json.keys[rule];
    if let Some(rep) = sink.report.as_deref_mut() {
        rep.record(ReportFinding {
            input: rep.inputs.len().saturating_sub(1),
            rule: format!("json:{glob}"),
            entity: r.entity.clone(),
            category: r.category.as_str(),
            sensitivity: "high",
            action: crate::report::action_name(&r.action),
            start: 0,
            end: value.len() as u64,
            line: None,
            path: Some(path.join(".")),
            confidence: 1.0,
            fingerprint: crate::report::fingerprint(scanner, &r.entity, value),
        });
    }
    if r.action == Action::Report {
        return None;
    }
    let mut out = String::new();
    crate::redact::write_replacement(&mut out, &r.action, &r.entity, value, inner, None);
    Some(json_string(&out))
}

/// `s` as a JSON string literal (quotes included).
fn json_string(s: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
