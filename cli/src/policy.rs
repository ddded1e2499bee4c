//! `scrubline policy check FILE`: parse a policy, then build a scanner from its base and from
//! every tenant overlay, so names of packs, rules, types and categories are checked too.

use std::io::{self, Write};
use std::path::PathBuf;

use clap::Subcommand;
use scrubline::{Policy, Scanner};

use crate::Fail;

/// Policy subcommands.
#[derive(Subcommand)]
pub enum PolicyCmd {
    /// Check a policy file; prints a summary, or the first error with file, line and column.
    Check {
        /// The policy file.
        file: PathBuf,
    },
}

fn build(p: &Policy) -> Result<Scanner, scrubline::Error> {
    let mut b = Scanner::builder().compile_eagerly(true).policy(p);
    // A key the environment lacks is a deployment matter, not an error in the file: check the
    // rest with a stand-in key.
    if p.pseudonym_key_env().is_some_and(|v| std::env::var_os(v).is_none()) {
        b = b.pseudonym_key(b"policy-check".to_vec());
    }
    b.build()
}

/// Runs a policy subcommand; `Ok(false)`: valid (exit 0).
pub fn run(cmd: PolicyCmd) -> Result<bool, Fail> {
    match cmd {
        PolicyCmd::Check { file } => {
            let policy = Policy::from_file(&file)?;
            let mut out = io::stdout().lock();
            let base = build(&policy)?;
            writeln!(
                out,
                "{}: policy `{}` version {} ({})",
                file.display(),
                policy.id(),
                policy.version(),
                policy.hash()
            )?;
            writeln!(out, "  base: {} rules, {} deny-list terms", base.rules().count(), policy.deny_term_count())?;
            for t in policy.tenants().map(str::to_string).collect::<Vec<_>>() {
                let tp = policy.for_tenant(&t)?;
                let s = build(&tp).map_err(|e| Fail(format!("tenant `{t}`: {e}")))?;
                writeln!(out, "  tenant {t}: {} rules, {} deny-list terms", s.rules().count(), tp.deny_term_count())?;
            }
            for var in [policy.pseudonym_key_env(), policy.report_key_env()].into_iter().flatten() {
                if std::env::var_os(var).is_none() {
                    writeln!(out, "  note: ${var} is not set in this environment")?;
                }
            }
            writeln!(out, "ok")?;
            Ok(false)
        }
    }
}
