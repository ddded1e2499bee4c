//! Typed errors. No error ever carries scanned input: only rule ids, pack names, positions.

use std::fmt;

/// What went wrong, in the vocabulary every front end shares (Python `PatternError`, Node
/// `SCRUBLINE_PATTERN`, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A rule's regex does not compile, or is too large.
    Pattern,
    /// A pack file is malformed: bad TOML, a missing or invalid field, a duplicate id.
    Pack,
    /// A policy is malformed or refers to something unknown.
    Policy,
    /// Input was refused (a limit was exceeded, or it was not valid for the call).
    Input,
    /// A vault could not be read, written or decrypted.
    Vault,
}

impl ErrorKind {
    /// A stable upper-case code, e.g. `PATTERN`; bindings prefix it (`SCRUBLINE_PATTERN`).
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::Pattern => "PATTERN",
            ErrorKind::Pack => "PACK",
            ErrorKind::Policy => "POLICY",
            ErrorKind::Input => "INPUT",
            ErrorKind::Vault => "VAULT",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ErrorKind::Pattern => "pattern error",
            ErrorKind::Pack => "pack error",
            ErrorKind::Policy => "policy error",
            ErrorKind::Input => "input error",
            ErrorKind::Vault => "vault error",
        })
    }
}

/// An error from building a scanner or from a call that refused its input.
///
/// It names where the problem is (pack file, rule id, line and column) and never includes
/// scanned text.
#[derive(Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    source_name: Option<String>,
    rule: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        let mut message = without_values(message.into());
        if message.is_empty() {
            // Some parser errors come without a description (TOML on a stray `\r`, found by
            // fuzzing): say so rather than print an empty message.
            message = "malformed input (no further details)".to_string();
        }
        Error { kind, message, source_name: None, rule: None, line: None, column: None }
    }

    pub(crate) fn with_source(mut self, name: &str) -> Self {
        self.source_name = Some(name.to_string());
        self
    }

    pub(crate) fn with_rule(mut self, rule: &str) -> Self {
        self.rule = Some(rule.to_string());
        self
    }

    pub(crate) fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    /// The kind of error.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// A human-readable description, without location.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The pack or policy file (or its given name) the error is in, if any.
    pub fn source_name(&self) -> Option<&str> {
        self.source_name.as_deref()
    }

    /// The rule id the error is about, if any.
    pub fn rule(&self) -> Option<&str> {
        self.rule.as_deref()
    }

    /// 1-based line in the pack or policy file, if known.
    pub fn line(&self) -> Option<usize> {
        self.line
    }

    /// 1-based column in the pack or policy file, if known.
    pub fn column(&self) -> Option<usize> {
        self.column
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)?;
        if let Some(s) = &self.source_name {
            write!(f, " in {s}")?;
            if let (Some(l), Some(c)) = (self.line, self.column) {
                write!(f, ":{l}:{c}")?;
            }
        } else if let (Some(l), Some(c)) = (self.line, self.column) {
            write!(f, " at {l}:{c}")?;
        }
        if let Some(r) = &self.rule {
            write!(f, " (rule `{r}`)")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.kind)
            .field("message", &self.message)
            .field("source_name", &self.source_name)
            .field("rule", &self.rule)
            .field("line", &self.line)
            .field("column", &self.column)
            .finish()
    }
}

impl std::error::Error for Error {}

/// `msg` without the values serde quotes when a pack or policy field has the wrong type or an
/// unknown variant (`invalid type: string "4111…", expected f32`): a value put in the wrong
/// field may be a secret, a deny-list term or an allow-listed value. Field names stay.
fn without_values(msg: String) -> String {
    const TICKED: [&str; 5] = ["integer `", "floating point `", "character `", "boolean `", "unknown variant `"];
    if !msg.contains("string \"") && !TICKED.iter().any(|t| msg.contains(t)) {
        return msg;
    }
    let mut out = String::with_capacity(msg.len());
    let mut rest = msg.as_str();
    loop {
        let quoted = rest.find("string \"").map(|i| (i, "string \"", '"'));
        let ticked = TICKED.iter().filter_map(|t| rest.find(t).map(|i| (i, *t, '`'))).min_by_key(|x| x.0);
        let Some((at, lead, close)) = [quoted, ticked].into_iter().flatten().min_by_key(|x| x.0) else {
            out.push_str(rest);
            return out;
        };
        out.push_str(&rest[..at]);
        out.push_str(lead.trim_end_matches(['`', '"', ' ']));
        let body = &rest[at + lead.len()..];
        // The closing quote: the first one not escaped (serde writes strings Debug-escaped).
        let mut end = None;
        let mut escaped = false;
        for (i, c) in body.char_indices() {
            if escaped {
                escaped = false;
            } else if c == '\\' && close == '"' {
                escaped = true;
            } else if c == close {
                end = Some(i);
                break;
            }
        }
        match end {
            Some(e) => rest = &body[e + 1..],
            None => return out,
        }
    }
}

/// 1-based (line, column) of a byte offset in `src`.
pub(crate) fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let before = &src.as_bytes()[..offset];
    let line = memchr::memchr_iter(b'\n', before).count() + 1;
    let col_start = memchr::memrchr(b'\n', before).map_or(0, |p| p + 1);
    let column = src.get(col_start..offset).map_or(offset - col_start, |s| s.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::without_values;

    #[test]
    fn serde_values_are_dropped_from_messages() {
        let cases = [
            ("invalid type: string \"536-22-8417\", expected f64", "invalid type: string, expected f64"),
            ("invalid type: string \"a \\\"q\\\" b\", expected a map", "invalid type: string, expected a map"),
            ("invalid value: integer `4111111111111111`, expected u8", "invalid value: integer, expected u8"),
            ("invalid type: floating point `1.5`, expected usize", "invalid type: floating point, expected usize"),
            ("unknown variant `hunter2`, expected one of `a`, `b`", "unknown variant, expected one of `a`, `b`"),
            ("invalid type: boolean `true`, expected a string", "invalid type: boolean, expected a string"),
            ("unknown field `flavour`, expected `id`", "unknown field `flavour`, expected `id`"),
            ("unknown action `blur` (label, mask)", "unknown action `blur` (label, mask)"),
            ("invalid type: string \"unterminated", "invalid type: string"),
        ];
        for (msg, want) in cases {
            assert_eq!(without_values(msg.to_string()), want);
        }
    }
}
