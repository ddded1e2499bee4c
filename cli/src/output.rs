//! Output of findings (text / JSON lines), rule listings, and `--input records`.

use std::io::{self, BufRead, Write};

use clap::ValueEnum;
use scrubline::{Finding, Scanner};
use serde_json::{json, Value};

use crate::stream::{lines_of, ParSink, Sink};
use crate::Fail;

/// Output format of findings.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One human-readable line per finding.
    Text,
    /// One JSON object per finding.
    Jsonl,
}

/// Writes findings as they are found.
#[derive(Clone)]
pub struct FindingSink<W: Write> {
    out: W,
    format: Format,
    show_values: bool,
    /// Path printed with each finding, when scanning several files.
    pub path: Option<String>,
    /// Record id (records input) or notebook cell index.
    pub id: Option<Value>,
    /// Notebook cell index.
    pub cell: Option<usize>,
    /// Findings written.
    pub count: u64,
}

impl<W: Write> FindingSink<W> {
    /// A sink writing to `out`.
    pub fn new(out: W, format: Format, show_values: bool) -> Self {
        FindingSink { out, format, show_values, path: None, id: None, cell: None, count: 0 }
    }

    /// Writes the findings of `text`, whose first byte is at `offset` on line `line`, and adds
    /// them to the run's report (with `scanner`).
    pub fn write_with(
        &mut self,
        scanner: Option<&Scanner>,
        text: &str,
        findings: &[Finding<'_>],
        offset: u64,
        line: u64,
    ) -> io::Result<()> {
        if let Some(s) = scanner {
            crate::report::add(s, text, offset, Some(line), findings);
        }
        let lines = lines_of(text, findings, line);
        for (f, line) in findings.iter().zip(lines) {
            self.count += 1;
            let start = offset + f.span.start as u64;
            let end = offset + f.span.end as u64;
            match self.format {
                Format::Jsonl => {
                    let mut o = json!({
                        "rule": f.rule, "type": f.entity, "category": f.category.as_str(),
                        "sensitivity": f.sensitivity.as_str(), "start": start, "end": end,
                        "line": line, "confidence": (f.confidence * 1000.0).round() / 1000.0,
                    });
                    if let Some(p) = &self.path {
                        o["path"] = json!(p);
                    }
                    if let Some(id) = &self.id {
                        o["id"] = id.clone();
                    }
                    if let Some(c) = self.cell {
                        o["cell"] = json!(c);
                    }
                    if self.show_values {
                        o["value"] = json!(&text[f.span.clone()]);
                    }
                    serde_json::to_writer(&mut self.out, &o)?;
                    self.out.write_all(b"\n")?;
                }
                Format::Text => {
                    let mut loc = String::new();
                    if let Some(p) = &self.path {
                        loc.push_str(p);
                        loc.push(':');
                    }
                    if let Some(id) = &self.id {
                        loc.push_str(&format!("id={id}:"));
                    }
                    if let Some(c) = self.cell {
                        loc.push_str(&format!("cell={c}:"));
                    }
                    write!(
                        self.out,
                        "{loc}{line}:{start}-{end} {} {} ({}, {:.2})",
                        f.rule, f.entity, f.category, f.confidence
                    )?;
                    if self.show_values {
                        write!(self.out, " {:?}", &text[f.span.clone()])?;
                    }
                    writeln!(self.out)?;
                }
            }
        }
        Ok(())
    }

    /// Flushes the output.
    pub fn finish(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

impl<W: Write> Sink for FindingSink<W> {
    fn text(&mut self, scanner: &Scanner, text: &str, offset: u64, line: u64) -> io::Result<()> {
        let f = scanner.findings(text);
        self.write_with(Some(scanner), text, &f, offset, line)
    }
    fn raw(&mut self, _bytes: &[u8]) -> io::Result<()> {
        Ok(())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

impl<W: Write> ParSink for FindingSink<W> {
    type Local = FindingSink<Vec<u8>>;
    fn local(&self) -> Self::Local {
        FindingSink {
            out: Vec::new(),
            format: self.format,
            show_values: self.show_values,
            path: self.path.clone(),
            id: self.id.clone(),
            cell: self.cell,
            count: 0,
        }
    }
    fn join(&mut self, local: &mut Self::Local) -> io::Result<()> {
        self.count += std::mem::take(&mut local.count);
        self.out.write_all(&local.out)?;
        local.out.clear();
        Ok(())
    }
}

/// Lists rules.
pub fn rules(scanner: &Scanner, format: Format) -> io::Result<()> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let version =
        |pack: &str| scanner.packs().iter().find(|p| p.id == pack).map(|p| p.version.clone()).unwrap_or_default();
    for r in scanner.rules() {
        match format {
            Format::Jsonl => {
                let o = json!({
                    "id": r.id, "name": r.name, "type": r.entity, "category": r.category.as_str(),
                    "sensitivity": r.sensitivity.as_str(), "pack": r.pack, "version": version(&r.pack),
                    "confidence": r.confidence, "validator": r.validator.map(|v| v.name()),
                    "examples": r.examples.len(), "negative_examples": r.negative_examples.len(),
                    "provenance": r.provenance,
                });
                serde_json::to_writer(&mut out, &o)?;
                writeln!(out)?;
            }
            Format::Text => writeln!(
                out,
                "{:<36} {:<24} {:<12} {}@{} examples={}/{}",
                r.id,
                r.entity,
                r.category.as_str(),
                r.pack,
                version(&r.pack),
                r.examples.len(),
                r.negative_examples.len()
            )?,
        }
    }
    Ok(())
}

fn record_text(line: &str) -> Option<(Value, Value)> {
    let v: Value = serde_json::from_str(line).ok()?;
    let text_ok = v.get("text").is_some_and(Value::is_string);
    text_ok.then(|| (v.get("id").cloned().unwrap_or(Value::Null), v))
}

/// `scan --input records`: findings tagged with each record's id, offsets into its `text`.
pub fn scan_records<R: BufRead, W: Write>(scanner: &Scanner, input: R, sink: &mut FindingSink<W>) -> Result<(), Fail> {
    for (n, line) in input.lines().enumerate() {
        let line = line.map_err(|e| Fail(format!("line {}: {e}", n + 1)))?;
        if line.trim().is_empty() {
            continue;
        }
        match record_text(&line) {
            Some((id, v)) => {
                let text = v["text"].as_str().unwrap_or_default();
                sink.id = Some(id);
                let f = scanner.findings(text);
                sink.write_with(Some(scanner), text, &f, 0, 1)?;
            }
            None => {
                // Not a record: scan the line as text so nothing goes unexamined.
                eprintln!("scrubline: line {}: not a {{\"id\", \"text\"}} record; scanned as text", n + 1);
                sink.id = Some(json!({"line": n + 1}));
                let f = scanner.findings(&line);
                sink.write_with(Some(scanner), &line, &f, 0, 1)?;
            }
        }
    }
    sink.id = None;
    Ok(())
}

/// `redact --input records`: each record written back with `text` redacted, other fields and
/// key order kept. A line that is not a record is redacted as text, never passed through.
pub fn redact_records<R: BufRead, W: Write>(scanner: &Scanner, input: R, out: &mut W) -> Result<u64, Fail> {
    let mut found = 0;
    for (n, line) in input.lines().enumerate() {
        let line = line.map_err(|e| Fail(format!("line {}: {e}", n + 1)))?;
        match record_text(&line) {
            Some((_, mut v)) => {
                let text = v["text"].as_str().unwrap_or_default();
                let (red, f) = scanner.redact_with_findings(text);
                crate::report::add(scanner, text, 0, Some(n as u64 + 1), &f);
                found += f.len() as u64;
                if !f.is_empty() {
                    let red = red.into_owned();
                    v["text"] = Value::String(red);
                    serde_json::to_writer(&mut *out, &v).map_err(|e| Fail(e.to_string()))?;
                } else {
                    out.write_all(line.as_bytes())?;
                }
            }
            None => {
                if !line.trim().is_empty() {
                    eprintln!("scrubline: line {}: not a {{\"id\", \"text\"}} record; redacted as text", n + 1);
                }
                let (red, f) = scanner.redact_with_findings(&line);
                crate::report::add(scanner, &line, 0, Some(n as u64 + 1), &f);
                found += f.len() as u64;
                out.write_all(red.as_bytes())?;
            }
        }
        out.write_all(b"\n")?;
    }
    Ok(found)
}
