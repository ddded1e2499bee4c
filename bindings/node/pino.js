'use strict'
// scrubline for pino: options that redact every log line by value. pino's own `redact` only
// knows key paths; this finds sensitive values wherever they are: in the message (after
// `%s`/`%o` interpolation), in every string field at any depth, in child-logger bindings, in
// serializer output (errors, requests) and in numbers that hold an identifier.
//
//   const pino = require('pino')
//   const scrublinePino = require('scrubline/pino')
//   const logger = pino(scrublinePino({ level: 'info' }))
//
// How: `formatters.log` redacts the logged object and `formatters.bindings` the root bindings;
// every serializer (pino's `err` included) is wrapped so that its output is redacted; a
// serializer on the message key redacts the final message; and `onChild` redacts the bindings
// of child loggers (pino serializes them once, at `child()`, without calling
// `formatters.bindings`) and makes their `setBindings` redact too.

const { Scanner } = require('./index.js')
const { makeDeepRedactor } = require('./deep.js')

let defaultScanner = null

function loadPino() {
  try {
    return require('pino')
  } catch {
    return null
  }
}

/**
 * pino options (`options` merged with what redacts) for `pino(...)`.
 * @param {object} [options] pino options; `serializers`, `formatters.log`, `formatters.bindings`
 *   of your own are kept and run before the redaction.
 * @param {{ scanner?: Scanner, numbers?: boolean }} [config] the scanner to use (default: the
 *   embedded default packs) and whether numbers are scanned (default true).
 */
function pinoOptions(options = {}, config = {}) {
  const scanner = config.scanner ?? (defaultScanner ??= new Scanner())
  const redactValue = makeDeepRedactor(scanner, { numbers: config.numbers ?? true })
  const messageKey = options.messageKey || 'msg'
  const errorKey = options.errorKey || 'err'
  const wrap = (fn) => (v) => redactValue(fn(v))

  const userSerializers = options.serializers || {}
  const serializers = {}
  for (const [k, fn] of Object.entries(userSerializers)) {
    if (typeof fn === 'function') serializers[k] = wrap(fn)
  }
  const pino = loadPino()
  if (!serializers.err) serializers.err = wrap(pino ? pino.stdSerializers.err : (v) => v)
  if (!userSerializers[messageKey]) serializers[messageKey] = redactValue
  const serialized = (k) => k in serializers || k === errorKey

  // Redacts an object's values except those a serializer will produce (redacted there).
  const redactFields = (obj) => {
    let out = null
    for (const k of Object.keys(obj)) {
      if (serialized(k)) continue
      const v = obj[k]
      const r = redactValue(v)
      if (r !== v) {
        if (out === null) out = { ...obj }
        out[k] = r
      }
    }
    return out === null ? obj : out
  }

  const formatters = { ...(options.formatters || {}) }
  const userLog = formatters.log
  const userBindings = formatters.bindings
  formatters.log = userLog ? (obj) => redactFields(userLog(obj)) : redactFields
  formatters.bindings = userBindings ? (b) => redactFields(userBindings(b)) : redactFields

  const userOnChild = options.onChild
  const onChild = (child) => {
    redactChildBindings(child, redactValue)
    if (typeof userOnChild === 'function') userOnChild(child)
  }

  return { ...options, serializers, formatters, onChild }
}

/**
 * Rewrites the bindings a child logger added to its parent's (pino keeps them as a serialized
 * JSON fragment `,"key":value,...`) with their values redacted.
 */
function redactChildBindings(child, redactValue) {
  // The symbol is found on the logger itself: the application's pino may be another copy than
  // the one this package resolves (symbols differ between copies).
  const chindingsSym = Object.getOwnPropertySymbols(child).find((s) => s.description === 'pino.chindings')
  if (chindingsSym === undefined) return
  const parent = Object.getPrototypeOf(child)
  const setBindings = parent.setBindings
  if (typeof setBindings === 'function' && !Object.prototype.hasOwnProperty.call(child, 'setBindings')) {
    Object.defineProperty(child, 'setBindings', {
      value(bindings) {
        return setBindings.call(this, redactValue(bindings))
      },
      writable: true,
      configurable: true,
    })
  }
  const all = child[chindingsSym]
  const base = parent[chindingsSym]
  if (typeof all !== 'string' || typeof base !== 'string' || !all.startsWith(base) || all.length === base.length) {
    return
  }
  let added
  try {
    added = JSON.parse(`{${all.slice(base.length + 1)}}`)
  } catch {
    // Not expected from pino; never let bindings through unchecked.
    child[chindingsSym] = base + ',"bindings":"[unreadable bindings removed by scrubline]"'
    return
  }
  const redacted = redactValue(added)
  if (redacted === added) return
  let s = ''
  for (const [k, v] of Object.entries(redacted)) s += `,${JSON.stringify(k)}:${JSON.stringify(v)}`
  child[chindingsSym] = base + s
}

module.exports = pinoOptions
module.exports.pinoOptions = pinoOptions
module.exports.default = pinoOptions
