//! # scrubline
//!
//! Finds and redacts sensitive data — SSNs, payment cards, IBANs, emails, phones, IPs,
//! national ids, API keys, tokens, private keys, passwords — in prompts, documents and logs,
//! in one pass, fast enough to run inline on every call.
//!
//! ```
//! use scrubline::Scanner;
//!
//! let scanner = Scanner::new(); // embedded default packs
//! let text = "ssn 078-05-1120, key AKIAQ3EGRDVHXPAE7N2M";
//! assert_eq!(scanner.redact(text), "ssn [US_SSN], key [AWS_ACCESS_KEY]");
//! for f in scanner.find_iter(text) {
//!     println!("{} {} {:?}", f.rule, f.category, f.span);
//! }
//! ```
//!
//! The pipeline: stage 1 finds candidates (a keyword automaton over distinctive provider
//! prefixes, plus shape triggers for digits, `@` and hex-colon runs), stage 2 confirms each
//! rule's regex in a bounded window and runs validators, entropy, placeholder and context
//! checks, stage 3 resolves overlaps by precedence, stage 4 applies actions.

mod engine;
mod error;
mod filters;
mod literals;
mod model;
mod pack;
mod redact;
mod scanner;
mod triggers;
mod validators;

pub use error::{Error, ErrorKind};
pub use filters::{is_placeholder, shannon_entropy};
pub use model::{Action, Category, Finding, Sensitivity};
pub use pack::{default_packs, Pack, RuleSpec, Trigger, MAX_RULE_LEN};
pub use redact::{normalize, pseudonym_hex, PSEUDONYM_VERSION};
pub use scanner::{validator_names, FindIter, PackInfo, Scanner, ScannerBuilder};
pub use validators::Validator;
