//! `Vault`: the placeholder ↔ value store of one conversation (or any scope the caller picks),
//! and the scanner calls that fill it.
//!
//! # Placeholders
//! [`Scanner::tokenize`] replaces each finding with `<TYPE_N>`: `TYPE` is the finding's entity
//! type (`EMAIL`, `US_SSN`), `N` counts per type from 1. Values are compared in their
//! normalized form ([`normalize`]: digits only for cards and SSNs, lower case for emails), so
//! `4111 1111 1111 1111` and `4111-1111-1111-1111` share a placeholder, and restoring gives the
//! form seen first. Under [`Action::Pseudonym`](crate::Action::Pseudonym) the stateless keyed
//! pseudonym (`<EMAIL_9f3a2c1b5d7e0a42>`) is written instead and recorded, so it restores too.
//!
//! # Export format, version 1
//! [`Vault::export`] writes, and [`Vault::import`] reads:
//!
//! | bytes | content |
//! |---|---|
//! | 0..4 | magic `SLVT` |
//! | 4 | format version, `1` |
//! | 5..29 | random 24-byte nonce (OS random source) |
//! | 29.. | XChaCha20-Poly1305 ciphertext with its 16-byte tag; associated data: bytes 0..5 |
//!
//! The key is the caller's 32 bytes. The plaintext is UTF-8 JSON:
//! `{"entries":[{"kind":"token"|"pseudonym","type":"EMAIL","id":"1","value":"…"},…]}` in the
//! order the entries were made; the per-type counters are rebuilt from the `token` ids.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::fmt::{self, Write as _};
use std::ops::Bound;
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use chacha20poly1305::aead::rand_core::RngCore;
use chacha20poly1305::aead::{Aead, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

use crate::error::{Error, ErrorKind};
use crate::redact::normalize;
use crate::restore::restore_into;
use crate::scanner::Scanner;

/// Length in bytes of the key that encrypts an exported vault.
pub const VAULT_KEY_LEN: usize = 32;
/// Version of the export format written by [`Vault::export`].
pub const VAULT_FORMAT_VERSION: u8 = 1;

const MAGIC: &[u8; 4] = b"SLVT";
const HEADER_LEN: usize = 5;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Kind {
    /// A numbered placeholder made by the vault.
    Token,
    /// A keyed pseudonym recorded by the vault.
    Pseudonym,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    kind: Kind,
    #[serde(rename = "type")]
    entity: String,
    id: String,
    value: String,
}

impl Drop for Entry {
    /// A value is wiped from memory when its entry goes (vault dropped, import refused).
    fn drop(&mut self) {
        self.value.zeroize();
    }
}

#[derive(Deserialize)]
struct Contents {
    entries: Vec<Entry>,
}

/// What `export` encrypts: the entries, borrowed (no intermediate copy of the values).
#[derive(Serialize)]
struct ContentsRef<'a> {
    entries: &'a [Entry],
}

/// What the vault holds, behind its lock.
#[derive(Default)]
pub(crate) struct State {
    entries: Vec<Entry>,
    /// Upper-cased `TYPE_ID` -> entry index.
    by_key: HashMap<String, usize>,
    /// `TYPE` NUL normalized value -> entry index, for numbered placeholders.
    by_value: HashMap<String, usize>,
    counters: HashMap<String, u64>,
    /// The keys of `by_key`, sorted, for the prefix queries of a streaming restore.
    keys: BTreeSet<String>,
    max_key_len: usize,
}

impl Drop for State {
    /// The value index holds normalized copies of the values: wiped too (entries wipe theirs).
    fn drop(&mut self) {
        for (mut k, _) in self.by_value.drain() {
            k.zeroize();
        }
    }
}

impl State {
    /// The entry index and value of an upper-cased key `TYPE_ID`.
    pub(crate) fn lookup(&self, key: &str) -> Option<(usize, &str)> {
        let &i = self.by_key.get(key)?;
        Some((i, self.entries[i].value.as_str()))
    }

    /// Whether some key starts with the upper-cased `prefix`.
    pub(crate) fn is_key_prefix(&self, prefix: &str) -> bool {
        self.keys
            .range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
            .next()
            .is_some_and(|k| k.starts_with(prefix))
    }

    /// Length in bytes of the longest key `TYPE_ID`.
    pub(crate) fn max_key_len(&self) -> usize {
        self.max_key_len
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Adds an entry unless its key exists; returns its index either way.
    fn insert(&mut self, e: Entry) -> usize {
        let key = format!("{}_{}", e.entity, e.id).to_ascii_uppercase();
        if let Some(&i) = self.by_key.get(&key) {
            return i;
        }
        let i = self.entries.len();
        if e.kind == Kind::Token {
            self.by_value.insert(value_key(&e.entity, &e.value), i);
            if let Ok(n) = e.id.parse::<u64>() {
                let c = self.counters.entry(e.entity.clone()).or_insert(0);
                *c = (*c).max(n);
            }
        }
        self.max_key_len = self.max_key_len.max(key.len());
        self.keys.insert(key.clone());
        self.by_key.insert(key, i);
        self.entries.push(e);
        i
    }
}

fn value_key(entity: &str, value: &str) -> String {
    let mut k = String::with_capacity(entity.len() + 1 + value.len());
    k.push_str(entity);
    k.push('\0');
    k.push_str(&normalize(entity, value));
    k
}

/// Placeholder ↔ value store for one conversation, so a model's answer can be restored.
///
/// Thread-safe (`Send + Sync`, a lock inside) and cheap to clone: clones share one store. The
/// same value (after [`normalize`]) always gets the same placeholder in a vault, across calls.
/// Entries are only ever added. `Debug` shows the number of entries, never their contents.
/// When the last clone is dropped the values held are overwritten with zeros (best effort: the
/// vault's own copies, its export and import buffers; not copies the caller made).
///
/// ```
/// use scrubline::{Scanner, Vault};
///
/// let scanner = Scanner::new();
/// let vault = Vault::new();
/// let prompt = scanner.tokenize("write to bob@example.com, cc alice@example.org", &vault);
/// assert_eq!(prompt, "write to <EMAIL_1>, cc <EMAIL_2>");
/// // Later messages reuse the numbering; models' case changes and missing brackets restore too.
/// assert_eq!(scanner.tokenize("again Bob@Example.com", &vault), "again <EMAIL_1>");
/// let answer = "Sent to <EMAIL_1>; email_2 is in copy.";
/// assert_eq!(vault.restore(answer), "Sent to bob@example.com; alice@example.org is in copy.");
/// ```
#[derive(Clone, Default)]
pub struct Vault {
    state: Arc<RwLock<State>>,
}

impl fmt::Debug for Vault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Vault").field("entries", &self.len()).finish()
    }
}

/// How a redaction uses a vault (see `redact::write_replacement`).
#[derive(Clone, Copy)]
pub(crate) struct VaultUse<'v> {
    pub vault: &'v Vault,
    /// Whether every acting finding (label, mask, remove too) gets a placeholder.
    pub all: bool,
}

impl Vault {
    /// An empty vault.
    pub fn new() -> Vault {
        Vault::default()
    }

    /// Number of placeholders (numbered and pseudonyms) the vault can restore.
    pub fn len(&self) -> usize {
        self.read().entries.len()
    }

    /// Whether the vault holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `text` with every placeholder of this vault replaced by its value. Borrowed (no
    /// allocation) when there was none.
    ///
    /// Tolerates what models do to placeholders: any letter case (`<email_1>`), a missing
    /// bracket or both (`EMAIL_1`, `<EMAIL_1`, `EMAIL_1>`), and up to three spaces inside the
    /// brackets (`< EMAIL_1 >`; the brackets are then both needed, or they stay in the text).
    /// A placeholder is the whole of a run of `[A-Za-z0-9_]`: `<EMAIL_12>` does not restore
    /// `EMAIL_1`, nor does `XEMAIL_1Y`. A [`Restorer`](crate::Restorer) gives the same result
    /// for any split of `text` into deltas.
    pub fn restore<'t>(&self, text: &'t str) -> Cow<'t, str> {
        self.restore_limited(text, usize::MAX)
    }

    /// [`Vault::restore`] with only the first `limit` entries.
    pub(crate) fn restore_limited<'t>(&self, text: &'t str, limit: usize) -> Cow<'t, str> {
        let st = self.read();
        if st.is_empty() {
            return Cow::Borrowed(text);
        }
        let mut out = String::new();
        let p = restore_into(&st, text, false, true, limit, &mut out);
        if p.flushed == 0 {
            return Cow::Borrowed(text);
        }
        out.push_str(&text[p.flushed..]);
        Cow::Owned(out)
    }

    /// The vault encrypted with `key` (32 bytes) for another process; see the module docs for
    /// the format. Each export uses a fresh random nonce.
    ///
    /// # Errors
    /// [`ErrorKind::Vault`] if the key is not 32 bytes or the OS random source fails.
    ///
    /// ```
    /// use scrubline::{Scanner, Vault};
    /// let vault = Vault::new();
    /// Scanner::new().tokenize("mail bob@example.com", &vault);
    /// let key = [7u8; 32]; // use a random key from your secret store
    /// let blob = vault.export(&key).unwrap();
    /// let moved = Vault::import(&blob, &key).unwrap();
    /// assert_eq!(moved.restore("hi <EMAIL_1>"), "hi bob@example.com");
    /// assert!(Vault::import(&blob, &[8u8; 32]).is_err());
    /// ```
    pub fn export(&self, key: &[u8]) -> Result<Vec<u8>, Error> {
        let cipher = cipher(key)?;
        let plain = {
            let st = self.read();
            // Sized up front so the plaintext is never reallocated (which would leave a copy
            // behind): JSON escapes at most 6 bytes per byte of a value.
            let cap =
                32 + st.entries.iter().map(|e| 48 + e.entity.len() + e.id.len() + 6 * e.value.len()).sum::<usize>();
            let mut plain = Zeroizing::new(Vec::with_capacity(cap));
            // Serializing plain strings cannot fail.
            serde_json::to_writer(&mut *plain, &ContentsRef { entries: &st.entries })
                .map_err(|_| vault_error("cannot encode the vault"))?;
            plain
        };
        let mut blob = Vec::with_capacity(HEADER_LEN + NONCE_LEN + plain.len() + TAG_LEN);
        blob.extend_from_slice(MAGIC);
        blob.push(VAULT_FORMAT_VERSION);
        let mut nonce = [0u8; NONCE_LEN];
        OsRng.try_fill_bytes(&mut nonce).map_err(|_| vault_error("the OS random source failed"))?;
        blob.extend_from_slice(&nonce);
        let sealed = cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: plain.as_slice(), aad: &blob[..HEADER_LEN] })
            .map_err(|_| vault_error("cannot encrypt the vault"))?;
        blob.extend_from_slice(&sealed);
        Ok(blob)
    }

    /// A vault read from [`Vault::export`]'s output with the same key.
    ///
    /// # Errors
    /// [`ErrorKind::Vault`] for a key that is not 32 bytes, data that is not a vault or is of an
    /// unknown format version, and a wrong key or changed data (the two cannot be told apart).
    pub fn import(blob: &[u8], key: &[u8]) -> Result<Vault, Error> {
        let cipher = cipher(key)?;
        if blob.len() < HEADER_LEN + NONCE_LEN + TAG_LEN || &blob[..4] != MAGIC {
            return Err(vault_error("not an exported scrubline vault"));
        }
        if blob[4] != VAULT_FORMAT_VERSION {
            return Err(vault_error(format!(
                "unsupported vault format version {} (this build reads {VAULT_FORMAT_VERSION})",
                blob[4]
            )));
        }
        let nonce = XNonce::from_slice(&blob[HEADER_LEN..HEADER_LEN + NONCE_LEN]);
        let plain = Zeroizing::new(
            cipher
                .decrypt(nonce, Payload { msg: &blob[HEADER_LEN + NONCE_LEN..], aad: &blob[..HEADER_LEN] })
                .map_err(|_| vault_error("cannot decrypt the vault: wrong key, or the data was changed"))?,
        );
        // serde's messages can quote the data: never pass them on.
        let contents: Contents =
            serde_json::from_slice(plain.as_slice()).map_err(|_| vault_error("the vault's contents are malformed"))?;
        let mut st = State::default();
        for e in contents.entries {
            let id_ok = match e.kind {
                Kind::Token => !e.id.starts_with('0') && e.id.bytes().all(|b| b.is_ascii_digit()),
                Kind::Pseudonym => e.id.bytes().all(|b| b.is_ascii_alphanumeric()),
            };
            if !is_type(&e.entity) || e.id.is_empty() || !id_ok {
                return Err(vault_error("the vault holds a malformed placeholder"));
            }
            let n = st.entries.len();
            if st.insert(e) != n {
                return Err(vault_error("the vault holds a placeholder twice"));
            }
        }
        Ok(Vault { state: Arc::new(RwLock::new(st)) })
    }

    /// Writes the placeholder of (`entity`, `value`), making a new one if the value is new.
    pub(crate) fn write_placeholder(&self, out: &mut String, entity: &str, value: &str) {
        let vk = Zeroizing::new(value_key(entity, value));
        let mut st = self.write();
        let i = match st.by_value.get(vk.as_str()) {
            Some(&i) => i,
            None => {
                let n = st.counters.get(entity).copied().unwrap_or(0) + 1;
                let e = Entry {
                    kind: Kind::Token,
                    entity: entity.to_string(),
                    id: n.to_string(),
                    value: value.to_string(),
                };
                st.insert(e)
            }
        };
        let e = &st.entries[i];
        let _ = write!(out, "<{}_{}>", e.entity, e.id);
    }

    /// Records a pseudonym `<entity_id>` of `value` (the first value recorded for it stays).
    pub(crate) fn record_pseudonym(&self, entity: &str, id: &str, value: &str) {
        let e =
            Entry { kind: Kind::Pseudonym, entity: entity.to_string(), id: id.to_string(), value: value.to_string() };
        self.write().insert(e);
    }

    pub(crate) fn read(&self) -> RwLockReadGuard<'_, State> {
        // Every write leaves the state consistent: a panic elsewhere cannot have broken it.
        self.state.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(PoisonError::into_inner)
    }
}

fn vault_error(msg: impl Into<String>) -> Error {
    Error::new(ErrorKind::Vault, msg)
}

fn cipher(key: &[u8]) -> Result<XChaCha20Poly1305, Error> {
    if key.len() != VAULT_KEY_LEN {
        return Err(vault_error(format!("the vault key must be {VAULT_KEY_LEN} bytes, not {}", key.len())));
    }
    XChaCha20Poly1305::new_from_slice(key).map_err(|_| vault_error("invalid vault key"))
}

/// An entity type as packs allow it: upper-case `[A-Z0-9_]`, starting with a letter, ≤ 64.
fn is_type(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        && s.as_bytes()[0].is_ascii_uppercase()
}

impl Scanner {
    /// `text` with every finding replaced by its placeholder in `vault` (`<EMAIL_1>`), whatever
    /// the finding's action, except that [`Action::Pseudonym`](crate::Action::Pseudonym) writes
    /// the keyed pseudonym (recorded in the vault, so it restores) and
    /// [`Action::Report`](crate::Action::Report) leaves the value. Borrowed when nothing
    /// changed. As with [`Scanner::redact`], the output holds no finding and tokenizing it
    /// again changes nothing. Restore with [`Vault::restore`] or a [`Restorer`](crate::Restorer).
    pub fn tokenize<'t>(&self, text: &'t str, vault: &Vault) -> Cow<'t, str> {
        self.redact_vault(text, VaultUse { vault, all: true })
    }

    /// [`Scanner::redact`] with a vault: findings whose action is
    /// [`Action::Tokenize`](crate::Action::Tokenize) get a placeholder from `vault`, pseudonyms
    /// are recorded in it, and the other actions apply as configured.
    ///
    /// ```
    /// use scrubline::{Action, Scanner, Vault};
    /// let s = Scanner::builder().action("EMAIL", Action::Tokenize).build().unwrap();
    /// let vault = Vault::new();
    /// assert_eq!(
    ///     s.redact_with_vault("bob@example.com, ssn 078-05-1120", &vault),
    ///     "<EMAIL_1>, ssn [US_SSN]"
    /// );
    /// ```
    pub fn redact_with_vault<'t>(&self, text: &'t str, vault: &Vault) -> Cow<'t, str> {
        self.redact_vault(text, VaultUse { vault, all: false })
    }

    /// Scans a model's answer and restores it, in one call: first every sensitive value in
    /// `text` is tokenized into `vault` as by [`Scanner::tokenize`] (so detection sees the
    /// answer before any value is put back), then the placeholders the vault held *before this
    /// call* are restored.
    ///
    /// The result: values the conversation already knew appear in clear (whether the model
    /// echoed their placeholder, in any tolerated form, or the value itself), and every value it
    /// did not know (a secret the model invented or pulled from elsewhere) is replaced by a new
    /// placeholder, recorded in the vault but left in the text. Borrowed when nothing changed.
    ///
    /// ```
    /// use scrubline::{Scanner, Vault};
    /// let s = Scanner::new();
    /// let vault = Vault::new();
    /// s.tokenize("my mail is bob@example.com", &vault);
    /// let answer = "I wrote to <EMAIL_1> and to eve@example.net.";
    /// assert_eq!(s.redact_output(answer, &vault), "I wrote to bob@example.com and to <EMAIL_2>.");
    /// ```
    pub fn redact_output<'t>(&self, text: &'t str, vault: &Vault) -> Cow<'t, str> {
        let known = vault.len();
        match self.tokenize(text, vault) {
            Cow::Borrowed(t) => vault.restore_limited(t, known),
            Cow::Owned(t) => Cow::Owned(vault.restore_limited(&t, known).into_owned()),
        }
    }

    fn redact_vault<'t>(&self, text: &'t str, v: VaultUse<'_>) -> Cow<'t, str> {
        let mut guard = self.inner.pool.get();
        let raw = crate::engine::scan(&self.inner, &mut guard, text);
        crate::redact::apply_scanned(&self.inner, &mut guard, text, &raw, Some(v))
    }
}
