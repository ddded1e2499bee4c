//! Policies, reports, classification, JSON and streams for Node: conversion only, the work is
//! the core's. Reports cross as their JSON text (`index.js` parses it), so every front end
//! shows the same document.

use std::borrow::Cow;

use napi_derive::napi;

use crate::error::{guard, BindingError};
use crate::NativeScanner;

/// Categories present in a text and its highest sensitivity.
#[napi(object, object_from_js = false)]
pub struct Classification {
    pub categories: Vec<&'static str>,
    pub types: Vec<String>,
    pub sensitivity: Option<&'static str>,
    pub findings: u32,
}

fn classification(c: scrubline::Classification) -> Classification {
    Classification {
        categories: c.categories.iter().map(|c| c.as_str()).collect(),
        types: c.types,
        sensitivity: c.sensitivity.map(|s| s.as_str()),
        findings: u32::try_from(c.findings).unwrap_or(u32::MAX),
    }
}

fn owned(out: Cow<'_, str>) -> Option<String> {
    match out {
        Cow::Borrowed(_) => None,
        Cow::Owned(s) => Some(s),
    }
}

/// Reads a policy: TOML source, or a file; with a tenant overlay.
pub fn load_policy(
    source: Option<String>,
    path: Option<String>,
    tenant: Option<String>,
) -> Result<Option<scrubline::Policy>, BindingError> {
    let policy = match (source, path) {
        (Some(src), _) => scrubline::Policy::from_toml("<policy>", &src)?,
        (None, Some(p)) => scrubline::Policy::from_file(p)?,
        (None, None) if tenant.is_some() => return Err(BindingError::policy("`tenant` needs a `policy`")),
        (None, None) => return Ok(None),
    };
    Ok(Some(match tenant {
        Some(t) => policy.for_tenant(&t)?,
        None => policy,
    }))
}

#[napi]
impl NativeScanner {
    /// The audit report of a text, as JSON.
    #[napi]
    pub fn report_json(&self, text: String) -> napi::Result<String> {
        guard(|| self.inner.report(&text).to_json())
    }

    /// `[redacted or null, report JSON]` from one scan.
    #[napi(ts_return_type = "[string | null, string]")]
    pub fn redact_with_report_json(&self, text: String) -> napi::Result<(Option<String>, String)> {
        guard(|| {
            let (out, r) = self.inner.redact_with_report(&text);
            (owned(out), r.to_json())
        })
    }

    /// Categories present and the highest sensitivity.
    #[napi]
    pub fn classify(&self, text: String) -> napi::Result<Classification> {
        guard(|| classification(self.inner.classify(&text)))
    }

    /// A JSON document redacted structurally, or `null` when unchanged.
    #[napi]
    pub fn redact_json(&self, text: String) -> napi::Result<Option<String>> {
        guard(|| owned(self.inner.redact_json(&text)))
    }

    /// JSON lines redacted line by line, or `null` when unchanged.
    #[napi]
    pub fn redact_json_lines(&self, text: String) -> napi::Result<Option<String>> {
        guard(|| owned(self.inner.redact_json_lines(&text)))
    }
}

/// A stream redactor over a native scanner.
#[napi(js_name = "NativeStreamRedactor")]
pub struct NativeStreamRedactor {
    inner: scrubline::StreamRedactor,
}

#[napi]
impl NativeStreamRedactor {
    #[napi(constructor)]
    pub fn new(scanner: &NativeScanner) -> Self {
        NativeStreamRedactor { inner: scrubline::StreamRedactor::new(&scanner.inner) }
    }

    /// The redacted text that became final.
    #[napi]
    pub fn push(&mut self, chunk: String) -> napi::Result<String> {
        let inner = &mut self.inner;
        guard(|| inner.push(&chunk))
    }

    /// Everything still held back, redacted.
    #[napi]
    pub fn finish(&mut self) -> napi::Result<String> {
        let inner = &mut self.inner;
        guard(|| inner.finish())
    }

    /// Bytes held back.
    #[napi]
    pub fn pending(&self) -> u32 {
        u32::try_from(self.inner.pending()).unwrap_or(u32::MAX)
    }
}
