'use strict'
// Public API of scrubline for Node.js. The native addon (build/, made by `npm run build`) does
// the work; this layer checks arguments, maps errors to typed classes and keeps the per-call
// path to one native call.

const fs = require('node:fs')
const util = require('node:util')
const errors = require('./errors.js')

const { fromNative, makeError, PolicyError } = errors

function loadNative() {
  try {
    return require('./build/native.js')
  } catch (e) {
    const err = new Error(
      'scrubline: the native addon could not be loaded; build it with `npm run build` in the package folder',
    )
    err.cause = e
    throw err
  }
}

const native = loadNative()

// ---------------------------------------------------------------------------------------------
// Arguments

/** A Uint8Array view of any byte input; throws TypeError for anything else. */
function asBytes(x, what) {
  if (x instanceof Uint8Array) return x
  if (ArrayBuffer.isView(x)) return new Uint8Array(x.buffer, x.byteOffset, x.byteLength)
  if (x instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && x instanceof SharedArrayBuffer)) {
    return new Uint8Array(x)
  }
  throw new TypeError(`${what} must be a string, Buffer or Uint8Array`)
}

/** The input as a string or Uint8Array. */
function asInput(x) {
  return typeof x === 'string' ? x : asBytes(x, 'input')
}

/** What an unchanged input is returned as: the string itself, or a Buffer over the same bytes. */
function unchanged(x) {
  if (typeof x === 'string' || Buffer.isBuffer(x)) return x
  return Buffer.from(x.buffer, x.byteOffset, x.byteLength)
}

function asList(xs, what) {
  if (Array.isArray(xs)) return xs
  if (xs != null && typeof xs !== 'string' && typeof xs[Symbol.iterator] === 'function') return Array.from(xs)
  throw new TypeError(`${what} must be an array`)
}

function stringList(xs, what) {
  const list = typeof xs === 'string' ? [xs] : asList(xs, what)
  for (const s of list) if (typeof s !== 'string') throw new TypeError(`${what} must hold strings`)
  return list
}

function policyError(message) {
  return makeError({ code: 'SCRUBLINE_POLICY', message })
}

function readPack(p) {
  if (typeof p === 'string' || p instanceof URL) {
    const name = String(p instanceof URL ? p.pathname : p)
    let toml
    try {
      toml = fs.readFileSync(p, 'utf8')
    } catch (e) {
      throw makeError({ code: 'SCRUBLINE_PACK', message: `cannot read pack file (${e.code || 'error'})`, sourceName: name })
    }
    return { name, toml }
  }
  if (p && typeof p === 'object') {
    if (typeof p.toml === 'string') return { name: typeof p.name === 'string' ? p.name : '<inline pack>', toml: p.toml }
    if (typeof p.path === 'string') return readPack(p.path)
  }
  throw new TypeError('each pack must be a file path, or an object { name, toml } or { path }')
}

function actionEntries(actions) {
  const pairs = Array.isArray(actions) ? actions : Object.entries(actions)
  return pairs.map((pair) => {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
      throw new TypeError('actions must map a target (rule id, type or category) to an action string')
    }
    return { target: pair[0], action: pair[1] }
  })
}

const OPTION_NAMES = new Set([
  'packs',
  'rules',
  'disable',
  'actions',
  'defaultAction',
  'key',
  'scope',
  'threshold',
  'defaultPacks',
  'policy',
  'tenant',
])

/** The native form of ScannerOptions. Unknown names are refused: a typo must not silently
 * weaken a redaction policy. */
function nativeOptions(o) {
  if (o == null) return undefined
  if (typeof o !== 'object') throw new TypeError('options must be an object')
  for (const k of Object.keys(o)) {
    if (!OPTION_NAMES.has(k)) throw policyError(`unknown option \`${k}\` (${[...OPTION_NAMES].join(', ')})`)
  }
  const out = {}
  if (o.packs != null) out.packs = asList(o.packs, 'packs').map(readPack)
  if (o.rules != null) out.rules = stringList(o.rules, 'rules')
  if (o.disable != null) out.disable = stringList(o.disable, 'disable')
  if (o.actions != null) {
    if (typeof o.actions !== 'object') throw new TypeError('actions must be an object or an array of pairs')
    out.actions = actionEntries(o.actions)
  }
  if (o.defaultAction != null) {
    if (typeof o.defaultAction !== 'string') throw new TypeError('defaultAction must be a string')
    out.defaultAction = o.defaultAction
  }
  if (o.key != null) out.key = typeof o.key === 'string' ? Buffer.from(o.key, 'utf8') : asBytes(o.key, 'key')
  if (o.scope != null) {
    if (typeof o.scope !== 'string') throw new TypeError('scope must be a string')
    out.scope = o.scope
  }
  if (o.threshold != null) {
    if (typeof o.threshold !== 'number') throw new TypeError('threshold must be a number')
    out.threshold = o.threshold
  }
  if (o.defaultPacks != null) out.defaultPacks = Boolean(o.defaultPacks)
  if (o.policy != null) {
    // TOML source (a string with a newline, or { toml }), else a file path.
    const p = o.policy
    if (typeof p === 'string' && p.includes('\n')) out.policy = p
    else if (typeof p === 'string' || p instanceof URL) out.policyPath = String(p instanceof URL ? p.pathname : p)
    else if (p && typeof p === 'object' && typeof p.toml === 'string') out.policy = p.toml
    else if (p && typeof p === 'object' && typeof p.path === 'string') out.policyPath = p.path
    else throw new TypeError('policy must be a file path, TOML source, { toml } or { path }')
  }
  if (o.tenant != null) {
    if (typeof o.tenant !== 'string') throw new TypeError('tenant must be a string')
    out.tenant = o.tenant
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// Findings: the native side returns [rule index, start, end, confidence] per finding in one
// Float64Array; the objects are built here, from rule names fetched once per scanner.

function decode(flat, rules, from, count) {
  const out = new Array(count)
  for (let i = 0, j = from; i < count; i++, j += 4) {
    const r = rules[flat[j]]
    out[i] = {
      rule: r.id,
      type: r.type,
      category: r.category,
      sensitivity: r.sensitivity,
      start: flat[j + 1],
      end: flat[j + 2],
      confidence: flat[j + 3],
    }
  }
  return out
}

function findings(flat, rules) {
  return flat === null ? [] : decode(flat, rules, 0, flat.length >>> 2)
}

function batchFindings(flat, rules, n) {
  const out = new Array(n)
  let j = 0
  for (let i = 0; i < n; i++) {
    const count = flat[j]
    out[i] = decode(flat, rules, j + 1, count)
    j += 1 + count * 4
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// Scanner

/**
 * Finds and redacts sensitive values. Build once (compiling the packs takes milliseconds), then
 * share: a Scanner is immutable and safe to use from concurrent async calls.
 */
class Scanner {
  #native
  #rules

  constructor(options) {
    const opts = nativeOptions(options)
    try {
      this.#native = new native.NativeScanner(opts)
    } catch (e) {
      throw fromNative(e)
    }
    this.#rules = this.#native.rules()
    nativeOf.set(this, this.#native)
  }

  /** `input` with every finding replaced per its action. A string gives a string (the same
   * string when nothing matched); bytes give a Buffer (invalid UTF-8 passes through). */
  redact(input) {
    try {
      if (typeof input === 'string') {
        const out = this.#native.redactString(input)
        return out === null ? input : out
      }
      const bytes = asBytes(input, 'input')
      const out = this.#native.redactBytes(bytes)
      return out === null ? unchanged(bytes) : out
    } catch (e) {
      throw fromNative(e)
    }
  }

  /** Findings, in order. Offsets are UTF-16 code units for a string, bytes for bytes. */
  scan(input) {
    try {
      const flat =
        typeof input === 'string' ? this.#native.scanString(input) : this.#native.scanBytes(asBytes(input, 'input'))
      return findings(flat, this.#rules)
    } catch (e) {
      throw fromNative(e)
    }
  }

  /** `{ redacted, findings }` from one scan: what `redact` and `scan` give, at the cost of one. */
  redactWithFindings(input) {
    try {
      let pair
      let x
      if (typeof input === 'string') {
        x = input
        pair = this.#native.redactStringWithFindings(input)
      } else {
        x = asBytes(input, 'input')
        pair = this.#native.redactBytesWithFindings(x)
      }
      return { redacted: pair[0] === null ? unchanged(x) : pair[0], findings: findings(pair[1], this.#rules) }
    } catch (e) {
      throw fromNative(e)
    }
  }

  /** `redactWithFindings` on the libuv thread pool. */
  async redactWithFindingsAsync(input) {
    const x = asInput(input)
    let pair
    try {
      pair = await this.#native.redactWithFindingsAsync(x)
    } catch (e) {
      throw fromNative(e)
    }
    return { redacted: pair[0] === null ? unchanged(x) : pair[0], findings: findings(pair[1], this.#rules) }
  }

  /** `redact` over many inputs on all cores; order is kept. */
  redactBatch(inputs) {
    const xs = asList(inputs, 'inputs').map(asInput)
    let outs
    try {
      outs = this.#native.redactBatch(xs)
    } catch (e) {
      throw fromNative(e)
    }
    for (let i = 0; i < outs.length; i++) if (outs[i] === null) outs[i] = unchanged(xs[i])
    return outs
  }

  /** `scan` over many inputs on all cores; order is kept. */
  scanBatch(inputs) {
    const xs = asList(inputs, 'inputs').map(asInput)
    try {
      return batchFindings(this.#native.scanBatch(xs), this.#rules, xs.length)
    } catch (e) {
      throw fromNative(e)
    }
  }

  /** `redact` on the libuv thread pool: the event loop only converts the input and result. */
  async redactAsync(input) {
    const x = asInput(input)
    let out
    try {
      out = await this.#native.redactAsync(x)
    } catch (e) {
      throw fromNative(e)
    }
    return out === null ? unchanged(x) : out
  }

  /** `scan` on the libuv thread pool. */
  async scanAsync(input) {
    const x = asInput(input)
    let flat
    try {
      flat = await this.#native.scanAsync(x)
    } catch (e) {
      throw fromNative(e)
    }
    return findings(flat, this.#rules)
  }

  /** `redactBatch` off the main thread. */
  async redactBatchAsync(inputs) {
    const xs = asList(inputs, 'inputs').map(asInput)
    let outs
    try {
      outs = await this.#native.redactBatchAsync(xs)
    } catch (e) {
      throw fromNative(e)
    }
    for (let i = 0; i < outs.length; i++) if (outs[i] === null) outs[i] = unchanged(xs[i])
    return outs
  }

  /** `scanBatch` off the main thread. */
  async scanBatchAsync(inputs) {
    const xs = asList(inputs, 'inputs').map(asInput)
    let flat
    try {
      flat = await this.#native.scanBatchAsync(xs)
    } catch (e) {
      throw fromNative(e)
    }
    return batchFindings(flat, this.#rules, xs.length)
  }

  /** `text` with every finding replaced by its placeholder in `vault` (`<EMAIL_1>`); the same
   * string when nothing changed. */
  tokenize(text, vault) {
    const v = nativeVault(vault)
    if (typeof text !== 'string') throw new TypeError('text must be a string')
    try {
      const out = this.#native.tokenize(text, v)
      return out === null ? text : out
    } catch (e) {
      throw fromNative(e)
    }
  }

  /** A model's answer: new sensitive values tokenized into `vault` (and left as placeholders),
   * the placeholders `vault` already held restored. */
  redactOutput(text, vault) {
    const v = nativeVault(vault)
    if (typeof text !== 'string') throw new TypeError('text must be a string')
    try {
      const out = this.#native.redactOutput(text, v)
      return out === null ? text : out
    } catch (e) {
      throw fromNative(e)
    }
  }

  /** The active rules: id, name, type, category, sensitivity, pack. */
  rules() {
    return this.#rules.map((r) => ({ ...r }))
  }

  /** The packs this scanner was built from: id, version, source. */
  packs() {
    return this.#native.packs()
  }

  /** The audit report of scanning `text` (docs/report-schema.md): counts, spans in UTF-8 bytes,
   * keyed fingerprints; never a value. */
  report(text) {
    if (typeof text !== 'string') throw new TypeError('text must be a string')
    try {
      return JSON.parse(this.#native.reportJson(text))
    } catch (e) {
      throw fromNative(e)
    }
  }

  /** `{ redacted, report }` from one scan. */
  redactWithReport(text) {
    if (typeof text !== 'string') throw new TypeError('text must be a string')
    let pair
    try {
      pair = this.#native.redactWithReportJson(text)
    } catch (e) {
      throw fromNative(e)
    }
    return { redacted: pair[0] === null ? text : pair[0], report: JSON.parse(pair[1]) }
  }

  /** `{ categories, types, sensitivity, findings }`: what `text` holds, for tagging documents. */
  classify(text) {
    if (typeof text !== 'string') throw new TypeError('text must be a string')
    try {
      const c = this.#native.classify(text)
      return { categories: c.categories, types: c.types, sensitivity: c.sensitivity ?? null, findings: c.findings }
    } catch (e) {
      throw fromNative(e)
    }
  }

  /** A JSON document redacted structurally. A string (JSON text) gives a string (the same one
   * when unchanged); an object or array is serialized, redacted and parsed back. Invalid JSON
   * text is redacted as text. */
  redactJson(doc) {
    const text = typeof doc === 'string' ? doc : JSON.stringify(doc)
    if (typeof text !== 'string') throw new TypeError('doc must be JSON text or a JSON-serializable value')
    let out
    try {
      out = this.#native.redactJson(text)
    } catch (e) {
      throw fromNative(e)
    }
    if (typeof doc === 'string') return out === null ? doc : out
    return JSON.parse(out === null ? text : out)
  }

  /** JSON lines, each redacted as a JSON document (a line that is not JSON: as text). */
  redactJsonLines(text) {
    if (typeof text !== 'string') throw new TypeError('text must be a string')
    try {
      const out = this.#native.redactJsonLines(text)
      return out === null ? text : out
    } catch (e) {
      throw fromNative(e)
    }
  }
}

const nativeOf = new WeakMap()

/**
 * Redacts a stream chunk by chunk: `push(chunk)` returns the redacted text that became final,
 * `finish()` the rest. Together they equal `scanner.redact` of the whole input, even when a
 * value is split across chunks; memory stays bounded.
 */
class StreamRedactor {
  #native

  constructor(scanner) {
    const n = nativeOf.get(scanner)
    if (n === undefined) throw new TypeError('StreamRedactor needs a Scanner')
    this.#native = new native.NativeStreamRedactor(n)
  }

  push(chunk) {
    if (typeof chunk !== 'string') throw new TypeError('chunk must be a string')
    try {
      return this.#native.push(chunk)
    } catch (e) {
      throw fromNative(e)
    }
  }

  finish() {
    try {
      return this.#native.finish()
    } catch (e) {
      throw fromNative(e)
    }
  }

  /** UTF-8 bytes held back so far. */
  get pending() {
    return this.#native.pending()
  }
}

// ---------------------------------------------------------------------------------------------
// Vault, Restorer and stream helpers (the LLM round trip)

const vaultNatives = new WeakMap()

function nativeVault(vault) {
  const n = vaultNatives.get(vault)
  if (n === undefined) throw new TypeError('vault must be a scrubline Vault')
  return n
}

/**
 * Placeholder <-> value store of one conversation, filled by `scanner.tokenize`. Shared safely
 * by concurrent calls; entries are only added. Inspecting it shows the count, never contents.
 */
class Vault {
  constructor() {
    vaultNatives.set(this, new native.NativeVault())
  }

  /** A vault from `export`'s output and the same 32-byte key; throws `VaultError` for a wrong
   * key or changed data. */
  static load(blob, key) {
    const b = asBytes(blob, 'blob')
    const k = asBytes(key, 'key')
    let n
    try {
      n = native.NativeVault.load(b, k)
    } catch (e) {
      throw fromNative(e)
    }
    const v = Object.create(Vault.prototype)
    vaultNatives.set(v, n)
    return v
  }

  /** Number of placeholders held. */
  get size() {
    const n = vaultNatives.get(this)
    return n === undefined ? 0 : n.size()
  }

  /** `text` with this vault's placeholders (also mangled: `<email_1>`, `EMAIL_1`, `< EMAIL_1 >`)
   * replaced by their values; the same string when there was none. */
  restore(text) {
    if (typeof text !== 'string') throw new TypeError('text must be a string')
    const out = nativeVault(this).restore(text)
    return out === null ? text : out
  }

  /** The vault encrypted (XChaCha20-Poly1305) with `key`, 32 bytes: a Buffer. */
  export(key) {
    const n = nativeVault(this)
    try {
      return n.export(asBytes(key, 'key'))
    } catch (e) {
      throw fromNative(e)
    }
  }

  [util.inspect.custom]() {
    return `Vault { size: ${this.size} }`
  }
}

/**
 * Restores a model's streamed answer delta by delta: `push` returns the text ready to emit,
 * holding back only what could still become a placeholder; `finish` flushes it (and readies the
 * restorer for a new stream).
 */
class Restorer {
  #native

  constructor(vault) {
    this.#native = new native.NativeRestorer(nativeVault(vault))
  }

  push(delta) {
    if (typeof delta !== 'string') throw new TypeError('delta must be a string')
    return this.#native.push(delta)
  }

  finish() {
    return this.#native.finish()
  }

  /** UTF-8 bytes held back now. */
  get heldBack() {
    return #native in this ? this.#native.heldBack() : 0
  }

  [util.inspect.custom]() {
    return `Restorer { heldBack: ${this.heldBack} }`
  }
}

/** Yields the restored text of a stream of string deltas (async or sync iterable) as early as
 * possible; never an empty string. Joined, it equals `vault.restore` of the whole. */
async function* restoreStream(deltas, vault) {
  const r = new Restorer(vault)
  for await (const delta of deltas) {
    const out = r.push(delta)
    if (out) yield out
  }
  const tail = r.finish()
  if (tail) yield tail
}

/** A web `TransformStream` of strings restoring placeholders (e.g. after a `TextDecoderStream`). */
function restoreTransform(vault) {
  const r = new Restorer(vault)
  return new TransformStream({
    transform(chunk, controller) {
      const out = r.push(chunk)
      if (out) controller.enqueue(out)
    },
    flush(controller) {
      const tail = r.finish()
      if (tail) controller.enqueue(tail)
    },
  })
}

// ---------------------------------------------------------------------------------------------
// One-call functions on the embedded default packs

let defaultScanner = null
const cache = new Map()
const CACHE_LIMIT = 16

function cacheKey(options) {
  return JSON.stringify(options, (_k, v) => {
    if (v instanceof Uint8Array) return `bytes:${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`
    if (v instanceof URL) return `url:${v.href}`
    return v
  })
}

/** The scanner for `options`: the default one, or one built and kept (up to 16) per options. */
function scannerFor(options) {
  if (options == null) return (defaultScanner ??= new Scanner())
  const key = cacheKey(options)
  let s = cache.get(key)
  if (s === undefined) {
    s = new Scanner(options)
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value)
    cache.set(key, s)
  }
  return s
}

/** Redacts with the embedded default packs (or a cached scanner built from `options`). */
function redact(input, options) {
  return scannerFor(options).redact(input)
}

/** Scans with the embedded default packs (or a cached scanner built from `options`). */
function scan(input, options) {
  return scannerFor(options).scan(input)
}

/** `redact` off the main thread. */
function redactAsync(input, options) {
  try {
    return scannerFor(options).redactAsync(input)
  } catch (e) {
    return Promise.reject(e)
  }
}

/** `scan` off the main thread. */
function scanAsync(input, options) {
  try {
    return scannerFor(options).scanAsync(input)
  } catch (e) {
    return Promise.reject(e)
  }
}

/** Categories present in `text` and its highest sensitivity (default packs, or `options`). */
function classify(text, options) {
  return scannerFor(options).classify(text)
}

module.exports = {
  Scanner,
  StreamRedactor,
  classify,
  Vault,
  Restorer,
  restoreStream,
  restoreTransform,
  redact,
  scan,
  redactAsync,
  scanAsync,
  ScrublineError: errors.ScrublineError,
  PatternError: errors.PatternError,
  PackError: errors.PackError,
  PolicyError,
  InputError: errors.InputError,
  VaultError: errors.VaultError,
  version: require('./package.json').version,
}
