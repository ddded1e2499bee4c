//! Scanner options as plain data, mapped onto core's `ScannerBuilder`. `index.js` normalizes
//! the user's object (reads pack files, turns `actions` into ordered pairs) before this.

use napi::bindgen_prelude::Uint8Array;
use napi_derive::napi;
use scrubline::{Action, Scanner};

use crate::error::BindingError;

/// A pack given as TOML source; `name` identifies it in errors.
#[napi(object)]
pub struct PackSource {
    pub name: String,
    pub toml: String,
}

/// One `target -> action` pair; later pairs win among equally specific targets.
#[napi(object)]
pub struct ActionEntry {
    /// Rule id, type (`EMAIL`) or category (`secret`).
    pub target: String,
    /// `label`, `mask`, `mask:N`, `pseudonym`, `remove` or `report`.
    pub action: String,
}

/// Options of the native scanner (see `ScannerOptions` in index.d.ts for the user-facing form).
#[napi(object)]
pub struct NativeOptions {
    pub packs: Option<Vec<PackSource>>,
    pub rules: Option<Vec<String>>,
    pub disable: Option<Vec<String>>,
    pub actions: Option<Vec<ActionEntry>>,
    pub default_action: Option<String>,
    pub key: Option<Uint8Array>,
    pub scope: Option<String>,
    pub threshold: Option<f64>,
    pub default_packs: Option<bool>,
    /// Policy TOML source (`index.js` passes a string with a newline here).
    pub policy: Option<String>,
    /// Policy file path (relative paths in it resolve against its directory).
    pub policy_path: Option<String>,
    pub tenant: Option<String>,
}

fn parse_action(s: &str) -> Result<Action, BindingError> {
    Action::parse(s).ok_or_else(|| {
        BindingError::policy(format!("unknown action `{s}` (label, mask, mask:N, pseudonym, remove, report)"))
    })
}

/// Builds a scanner; every failure is a typed error naming the pack, rule or option.
pub fn build(options: Option<NativeOptions>) -> Result<Scanner, BindingError> {
    let mut b = Scanner::builder();
    let Some(o) = options else {
        return Ok(b.build()?);
    };
    if let Some(yes) = o.default_packs {
        b = b.default_packs(yes);
    }
    // The policy first: options given with it override it.
    if let Some(p) = crate::extra::load_policy(o.policy, o.policy_path, o.tenant)? {
        b = b.policy(&p);
    }
    for p in o.packs.into_iter().flatten() {
        b = b.pack_toml(p.name, p.toml);
    }
    if let Some(only) = o.rules {
        b = b.only(only);
    }
    for d in o.disable.into_iter().flatten() {
        b = b.disable(d);
    }
    for a in o.actions.into_iter().flatten() {
        b = b.action(a.target, parse_action(&a.action)?);
    }
    if let Some(a) = o.default_action {
        b = b.default_action(parse_action(&a)?);
    }
    if let Some(k) = o.key {
        b = b.pseudonym_key(k.to_vec());
    }
    if let Some(s) = o.scope {
        b = b.scope(s);
    }
    if let Some(t) = o.threshold {
        if !t.is_finite() {
            return Err(BindingError::policy("threshold must be within 0.0..=1.0"));
        }
        b = b.threshold(t as f32);
    }
    Ok(b.build()?)
}
