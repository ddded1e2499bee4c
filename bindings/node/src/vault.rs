//! `NativeVault` and `NativeRestorer`: thin wrappers of `scrubline::Vault` and
//! `scrubline::Restorer` (`index.js` gives them their public form). They never show contents.

use std::borrow::Cow;

use napi::bindgen_prelude::Buffer;
use napi_derive::napi;

use crate::error::{guard, BindingError};

/// The native vault. Shared with the scanner's calls and restorers; thread-safe in core.
#[napi(js_name = "NativeVault")]
pub struct NativeVault {
    pub(crate) inner: scrubline::Vault,
}

#[napi]
impl NativeVault {
    /// An empty vault.
    #[napi(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        NativeVault { inner: scrubline::Vault::new() }
    }

    /// A vault from `export`'s output; throws a marked `SCRUBLINE_VAULT` error for a wrong key
    /// or changed data.
    #[napi(factory)]
    pub fn load(blob: &[u8], key: &[u8]) -> napi::Result<Self> {
        let inner = guard(|| scrubline::Vault::import(blob, key))?.map_err(BindingError::from)?;
        Ok(NativeVault { inner })
    }

    /// The vault encrypted with `key` (32 bytes).
    #[napi]
    pub fn export(&self, key: &[u8]) -> napi::Result<Buffer> {
        let blob = guard(|| self.inner.export(key))?.map_err(BindingError::from)?;
        Ok(Buffer::from(blob))
    }

    /// Restored string, or `null` when there was nothing to restore.
    #[napi]
    pub fn restore(&self, text: String) -> napi::Result<Option<String>> {
        guard(|| match self.inner.restore(&text) {
            Cow::Borrowed(_) => None,
            Cow::Owned(s) => Some(s),
        })
    }

    /// Number of placeholders held.
    #[napi]
    pub fn size(&self) -> u32 {
        u32::try_from(self.inner.len()).unwrap_or(u32::MAX)
    }
}

/// The native streaming restorer of one stream at a time.
#[napi(js_name = "NativeRestorer")]
pub struct NativeRestorer {
    vault: scrubline::Vault,
    inner: scrubline::Restorer,
}

#[napi]
impl NativeRestorer {
    /// A restorer reading placeholders from `vault`.
    #[napi(constructor)]
    pub fn new(vault: &NativeVault) -> Self {
        NativeRestorer { inner: scrubline::Restorer::new(&vault.inner), vault: vault.inner.clone() }
    }

    /// Restored text ready to emit (possibly empty).
    #[napi]
    pub fn push(&mut self, delta: String) -> napi::Result<String> {
        guard(|| self.inner.push(&delta))
    }

    /// Everything held back, restored; the restorer then takes a new stream.
    #[napi]
    pub fn finish(&mut self) -> napi::Result<String> {
        let fresh = scrubline::Restorer::new(&self.vault);
        let done = std::mem::replace(&mut self.inner, fresh);
        guard(|| done.finish())
    }

    /// UTF-8 bytes held back now.
    #[napi]
    pub fn held_back(&self) -> u32 {
        u32::try_from(self.inner.held_back()).unwrap_or(u32::MAX)
    }
}
