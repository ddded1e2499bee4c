//! `scrubline`: redact or scan files, directories, stdin, JSON-lines records and notebooks.
//!
//! Exit codes: 0 nothing found, 1 findings, 2 error (like grep).

mod output;
mod stream;
mod walk;

use std::io::{self, BufRead, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use scrubline::{Action, Scanner};

use output::{FindingSink, Format};

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
}

#[derive(clap::Args, Clone)]
struct Common {
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
    /// Minimum confidence (0..1).
    #[arg(long, default_value_t = 0.5)]
    threshold: f32,
    /// Environment variable holding the pseudonym key.
    #[arg(long, value_name = "VAR", default_value = "SCRUBLINE_PSEUDONYM_KEY")]
    pseudonym_key_env: String,
    /// How input is read.
    #[arg(long, value_enum, default_value_t = InputKind::Text)]
    input: InputKind,
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
    for p in packs {
        let src = std::fs::read_to_string(p).map_err(|e| Fail(format!("cannot read pack {}: {e}", p.display())))?;
        b = b.pack_toml(p.display().to_string(), src);
    }
    if let Some(c) = c {
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
        b = b.threshold(c.threshold);
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
        Cmd::Rules { format, packs } => {
            let scanner = build_scanner(&packs, None)?;
            output::rules(&scanner, format)?;
            Ok(false)
        }
        Cmd::Redact { common, in_place } => {
            let scanner = build_scanner(&common.packs, Some(&common))?;
            let stdout = io::stdout();
            let mut out = BufWriter::with_capacity(256 << 10, stdout.lock());
            let found = if common.paths.is_empty() {
                redact_stream(&scanner, common.input, io::stdin().lock(), &mut out)?
            } else {
                let mut found = 0;
                for file in walk::files(&common.paths)? {
                    found += walk::redact_file(&scanner, &file, common.input, in_place, &mut out)?;
                }
                found
            };
            out.flush()?;
            Ok(found > 0)
        }
        Cmd::Scan { common, format, show_values } => {
            let scanner = build_scanner(&common.packs, Some(&common))?;
            let stdout = io::stdout();
            let out = BufWriter::with_capacity(256 << 10, stdout.lock());
            let mut sink = FindingSink::new(out, format, show_values);
            if common.paths.is_empty() {
                sink.path = None;
                scan_stream(&scanner, common.input, io::stdin().lock(), &mut sink)?;
            } else {
                let many = common.paths.len() > 1 || common.paths.iter().any(|p| p.is_dir());
                for file in walk::files(&common.paths)? {
                    sink.path = many.then(|| file.display().to_string());
                    walk::scan_file(&scanner, &file, common.input, &mut sink)?;
                }
            }
            sink.finish()?;
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
            let mut sink = stream::RedactSink { out, found: 0, buf: String::new() };
            stream::run(scanner, input, &mut sink)?;
            Ok(sink.found)
        }
        InputKind::Records => output::redact_records(scanner, input, out),
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
        InputKind::Text => {
            stream::run(scanner, input, sink)?;
            Ok(())
        }
        InputKind::Records => output::scan_records(scanner, input, sink),
    }
}
