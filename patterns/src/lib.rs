//! The default pattern packs of [scrubline](https://crates.io/crates/scrubline).
//!
//! Each pack is a TOML file (format in this crate's README) holding rules with their regex,
//! validator, provenance and positive/negative examples. The `scrubline` crate parses and
//! validates them; this crate only embeds the sources so they version and publish on their own.
//!
//! ```
//! assert!(scrubline_patterns::PACKS.iter().any(|(name, _)| name.ends_with(".toml")));
//! ```

include!(concat!(env!("OUT_DIR"), "/packs.rs"));
