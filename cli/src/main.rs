//! `scrubline`: redact or scan files, directories, stdin, JSON-lines records and notebooks.
//!
//! Exit codes: 0 nothing found, 1 findings, 2 error (like grep).

mod classify;
mod json;
mod output;
mod policy;
mod report;
mod stream;
mod walk;

use std::io::{self, BufRead, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use scrubline::{Action, Scanner};

use output::{FindingSink, Format};
use stream::ParSink;

#[derive(Parser)]
#[command(name = "scrubline", version, about = "Find and redact PII and secrets in text, logs and code")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
/// How input is read.
pub enum InputKind {
    /// Plain text, streamed line by line.
    Text,
    /// JSON lines of {"id": ..., "text": ...}.
    Records,
    /// JSON documents or JSON lines, redacted structurally (string values, key rules; key
    /// order kept). `scan` reads it as text.
    Json,
}

#[derive(clap::Args, Clone)]
struct Common {
    /// Policy file (TOML): packs, rules, actions, allow- and deny-lists, JSON key rules. Options
    /// given on the command line override it.
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Apply this tenant's overlay of the policy (`[tenant.NAME]`).
    #[arg(long, value_name = "NAME", requires = "policy")]
    tenant: Option<String>,
    /// Extra pattern pack files (TOML).
    #[arg(long = "pack", value_name = "FILE")]
    packs: Vec<PathBuf>,
    /// Action for a rule id, type or category: TARGET=label|mask|mask:N|pseudonym|remove|report.
    #[arg(long = "action", value_name = "TARGET=ACTION")]
    actions: Vec<String>,
    /// Only these rule ids, types or categories (repeatable).
    #[arg(long = "only", value_name = "TARGET")]
    only: Vec<String>,
    /// Disable a rule id, type or category (repeatable).
    #[arg(long = "disable", value_name = "TARGET")]
    disable: Vec<String>,
    /// Minimum confidence (0..1; default 0.5, or the policy's).
    #[arg(long)]
    threshold: Option<f32>,
    /// Environment variable holding the pseudonym key.
    #[arg(long, value_name = "VAR", default_value = "SCRUBLINE_PSEUDONYM_KEY")]
    pseudonym_key_env: String,
    /// How input is read.
    #[arg(long, value_enum, default_value_t = InputKind::Text)]
    input: InputKind,
    /// Threads to scan with (0: one per available core). Large inputs are cut into segments of
    /// whole lines, scanned in parallel and written in input order.
    #[arg(long, value_name = "N", default_value_t = 0)]
    threads: usize,
    /// Write an audit report of the whole run (JSON: policy, packs, counts, spans, keyed
    /// fingerprints; never values) to FILE. See docs/report-schema.md.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Files or directories (recursed honoring .gitignore; binaries skipped; notebooks read
    /// cell by cell). Standard input when none.
    paths: Vec<PathBuf>,
}

#[derive(Subcommand)]
enum Cmd {
    /// Redact to standard output (or in place with --in-place).
    Redact {
        #[command(flatten)]
        common: Common,
        /// Rewrite files in place instead of printing them.
        #[arg(long)]
        in_place: bool,
    },
    /// Report findings.
    Scan {
        #[command(flatten)]
        common: Common,
        /// Output format of findings.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Include the raw matched values in the output (off by default).
        #[arg(long)]
        show_values: bool,
    },
    /// Print the categories present in each input and its highest sensitivity (one JSON line
    /// per file), without redacting.
    Classify {
        #[command(flatten)]
        common: Common,
    },
    /// Validate a policy file (and every tenant overlay): errors give file, line and column.
    Policy {
        #[command(subcommand)]
        cmd: policy::PolicyCmd,
    },
    /// List every rule.
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Extra pattern pack files (TOML).
        #[arg(long = "pack", value_name = "FILE")]
        packs: Vec<PathBuf>,
    },
}

/// A failure to report on stderr, exit code 2.
pub struct Fail(pub String);

impl From<io::Error> for Fail {
    fn from(e: io::Error) -> Self {
        Fail(format!("I/O error: {e}"))
    }
}

impl From<scrubline::Error> for Fail {
    fn from(e: scrubline::Error) -> Self {
        Fail(e.to_string())
    }
}

fn build_scanner(packs: &[PathBuf], c: Option<&Common>) -> Result<Scanner, Fail> {
    // A process that scans streams pays compilation once, up front (~50 ms), rather than on
    // first use of each rule in the middle of its input.
    let mut b = Scanner::builder().compile_eagerly(true);
    if let Some(path) = c.and_then(|c| c.policy.as_ref()) {
        let mut p = scrubline::Policy::from_file(path)?;
        if let Some(t) = c.and_then(|c| c.tenant.as_ref()) {
            p = p.for_tenant(t)?;
        }
        b = b.policy(&p);
    }
    for p in packs {
        let src = std::fs::read_to_string(p).map_err(|e| Fail(format!("cannot read pack {}: {e}", p.display())))?;
        b = b.pack_toml(p.display().to_string(), src);
    }
    if let Some(c) = c {
        stream::set_threads(c.threads);
        for a in &c.actions {
            let (t, act) = a.split_once('=').ok_or_else(|| Fail(format!("--action wants TARGET=ACTION, got `{a}`")))?;
            let act = Action::parse(act).ok_or_else(|| {
                Fail(format!("unknown action `{act}` (label, mask, mask:N, pseudonym, remove, report)"))
            })?;
            if act == Action::Pseudonym {
                let key = std::env::var(&c.pseudonym_key_env)
                    .map_err(|_| Fail(format!("the pseudonym action needs a key in ${}", c.pseudonym_key_env)))?;
                b = b.pseudonym_key(key.into_bytes());
            }
            b = b.action(t, act);
        }
        if !c.only.is_empty() {
            b = b.only(c.only.clone());
        }
        for d in &c.disable {
            b = b.disable(d.clone());
        }
        if let Some(t) = c.threshold {
            b = b.threshold(t);
        }
    }
    Ok(b.build()?)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(true) => ExitCode::from(1),
        Ok(false) => ExitCode::from(0),
        Err(Fail(msg)) => {
            let _ = writeln!(io::stderr(), "scrubline: {msg}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<bool, Fail> {
    match cli.cmd {
        Cmd::Policy { cmd } => policy::run(cmd),
        Cmd::Classify { common } => {
            let scanner = build_scanner(&common.packs, Some(&common))?;
            classify::run(&scanner, &common.paths)
        }
        Cmd::Rules { format, packs } => {
            let scanner = build_scanner(&packs, None)?;
            output::rules(&scanner, format)?;
            Ok(false)
        }
        Cmd::Redact { common, in_place } => {
            let scanner = build_scanner(&common.packs, Some(&common))?;
            if common.report.is_some() {
                report::enable(&scanner);
            }
            let stdout = io::stdout();
            let mut out = BufWriter::with_capacity(256 << 10, stdout.lock());
            let found = if common.paths.is_empty() {
                report::begin_input(Some("-"));
                redact_stream(&scanner, common.input, io::stdin().lock(), &mut out)?
            } else {
                let files = walk::files(&common.paths)?;
                let kind = common.input;
                let scanner = &scanner;
                // Both callbacks below write and count: shared through cells.
                let found = std::cell::Cell::new(0u64);
                let out = std::cell::RefCell::new(&mut out);
                walk::for_each_file(
                    &files,
                    |file| {
                        // On a worker: the file's output and report part, joined in order.
                        if report::enabled() {
                            report::begin_part(scanner);
                        }
                        let mut buf = Vec::new();
                        let r = walk::redact_file(scanner, file, kind, in_place, &mut buf);
                        (r, buf, report::end_part())
                    },
                    |file| {
                        report::begin_input(Some(&file.display().to_string()));
                        let n = walk::redact_file(scanner, file, kind, in_place, &mut *out.borrow_mut())?;
                        found.set(found.get() + n);
                        Ok(())
                    },
                    |file, (r, buf, part)| {
                        report::begin_input(Some(&file.display().to_string()));
                        if let Some(part) = part {
                            report::merge_into_current(part);
                        }
                        found.set(found.get() + r?);
                        out.borrow_mut().write_all(&buf)?;
                        Ok(())
                    },
                )?;
                found.get()
            };
            out.flush()?;
            report::write(common.report.as_deref())?;
            Ok(found > 0)
        }
        Cmd::Scan { common, format, show_values } => {
            let scanner = build_scanner(&common.packs, Some(&common))?;
            if common.report.is_some() {
                report::enable(&scanner);
            }
            let stdout = io::stdout();
            let out = BufWriter::with_capacity(256 << 10, stdout.lock());
            let mut sink = FindingSink::new(out, format, show_values);
            if common.paths.is_empty() {
                sink.path = None;
                report::begin_input(Some("-"));
                scan_stream(&scanner, common.input, io::stdin().lock(), &mut sink)?;
            } else {
                let many = common.paths.len() > 1 || common.paths.iter().any(|p| p.is_dir());
                let files = walk::files(&common.paths)?;
                let (kind, scanner) = (common.input, &scanner);
                let sink = std::cell::RefCell::new(&mut sink);
                let name = |file: &std::path::Path| many.then(|| file.display().to_string());
                let blank = sink.borrow().local();
                walk::for_each_file(
                    &files,
                    |file| {
                        // On a worker: the file's findings and report part, joined in order.
                        if report::enabled() {
                            report::begin_part(scanner);
                        }
                        let mut local = blank.clone();
                        local.path = name(file);
                        let r = walk::scan_file(scanner, file, kind, &mut local);
                        (r, local, report::end_part())
                    },
                    |file| {
                        report::begin_input(Some(&file.display().to_string()));
                        let mut sink = sink.borrow_mut();
                        sink.path = name(file);
                        walk::scan_file(scanner, file, kind, &mut sink)
                    },
                    |file, (r, mut local, part)| {
                        report::begin_input(Some(&file.display().to_string()));
                        if let Some(part) = part {
                            report::merge_into_current(part);
                        }
                        r?;
                        sink.borrow_mut().join(&mut local)?;
                        Ok(())
                    },
                )?;
            }
            sink.finish()?;
            report::write(common.report.as_deref())?;
            Ok(sink.count > 0)
        }
    }
}

/// Redacts a stream per `--input`.
pub(crate) fn redact_stream<R: BufRead, W: Write>(
    scanner: &Scanner,
    kind: InputKind,
    input: R,
    out: &mut W,
) -> Result<u64, Fail> {
    match kind {
        InputKind::Text => {
            let mut sink = stream::RedactSink::new(out);
            stream::run_par(scanner, input, &mut sink)?;
            Ok(sink.found)
        }
        InputKind::Records => output::redact_records(scanner, input, out),
        InputKind::Json => json::redact(scanner, input, out),
    }
}

/// Scans a stream per `--input`.
pub(crate) fn scan_stream<R: BufRead, W: Write>(
    scanner: &Scanner,
    kind: InputKind,
    input: R,
    sink: &mut FindingSink<W>,
) -> Result<(), Fail> {
    match kind {
        InputKind::Text | InputKind::Json => {
            stream::run_par(scanner, input, sink)?;
            Ok(())
        }
        InputKind::Records => output::scan_records(scanner, input, sink),
    }
}
