'use strict'
// Public API of scrubline for Node.js. The native addon (build/, made by `npm run build`) does
// the work; this layer checks arguments, maps errors to typed classes and keeps the per-call
// path to one native call.

const fs = require('node:fs')
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

  /** The active rules: id, name, type, category, sensitivity, pack. */
  rules() {
    return this.#rules.map((r) => ({ ...r }))
  }

  /** The packs this scanner was built from: id, version, source. */
  packs() {
    return this.#native.packs()
  }
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

module.exports = {
  Scanner,
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
