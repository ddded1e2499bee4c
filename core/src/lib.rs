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
mod json;
mod literals;

/// Whether the CPU has AVX2, for the vector kernels of stage 1 and the deny-list walk (each
/// keeps a portable loop). `std` detects it once and caches the answer.
#[cfg(target_arch = "x86_64")]
#[inline]
pub(crate) fn has_avx2() -> bool {
    std::arch::is_x86_feature_detected!("avx2")
}

/// Whether the CPU has AVX2 and the bit instructions of the same generation (BMI1, BMI2,
/// LZCNT, POPCNT), for code compiled a second time for them.
#[cfg(target_arch = "x86_64")]
#[inline]
pub(crate) fn has_x86_64_v3() -> bool {
    use std::arch::is_x86_feature_detected as has;
    has!("avx2") && has!("bmi1") && has!("bmi2") && has!("lzcnt") && has!("popcnt")
}
mod model;
mod pack;
mod policy;
mod redact;
mod report;
mod restore;
mod scanner;
mod screen;
mod split;
#[cfg(feature = "stages")]
pub mod stages;
mod stream;
mod triggers;
mod validators;
mod vault;

pub use error::{Error, ErrorKind};
pub use filters::{is_placeholder, shannon_entropy};
pub use json::JsonOptions;
pub use model::{Action, Category, Finding, Sensitivity};
pub use pack::{default_packs, Pack, RuleSpec, Trigger, MAX_RULE_LEN};
pub use policy::{Policy, PolicyInfo};
pub use redact::{normalize, pseudonym_hex, PSEUDONYM_VERSION};
pub use report::{
    action_name, Classification, FingerprintInfo, Report, ReportDictionary, ReportFinding, ReportInput, ReportPack,
    ReportPolicy, FINGERPRINT_VERSION, REPORT_SCHEMA,
};
pub use restore::{Restorer, MAX_INNER_SPACES};
pub use scanner::{validator_names, FindIter, PackInfo, Scanner, ScannerBuilder};
pub use stream::StreamRedactor;
pub use validators::Validator;
pub use vault::{Vault, VAULT_FORMAT_VERSION, VAULT_KEY_LEN};
