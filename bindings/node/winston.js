'use strict'
// scrubline for winston: a format that redacts every log entry by value — the message, every
// field at any depth, `splat` arguments, error messages and stacks, and numbers that hold an
// identifier. Put it before the format that serializes (json, printf, ...):
//
//   const winston = require('winston')
//   const { scrubline } = require('scrubline/winston')
//   const logger = winston.createLogger({
//     format: winston.format.combine(scrubline(), winston.format.json()),
//     transports: [new winston.transports.Console()],
//   })
//
// If it runs after a serializing format, the serialized line is redacted too, as text.

const { Scanner } = require('./index.js')
const { makeDeepRedactor } = require('./deep.js')

const MESSAGE = Symbol.for('message')
const SPLAT = Symbol.for('splat')
const SKIP = new Set(['level'])

let defaultScanner = null

/** A winston format instance. Options: `scanner` (default: the embedded default packs),
 * `numbers` (scan numbers too; default true). */
function scrubline(opts = {}) {
  const { format } = require('winston')
  const scanner = opts.scanner ?? (defaultScanner ??= new Scanner())
  const redactValue = makeDeepRedactor(scanner, { numbers: opts.numbers ?? true })
  const transform = (info) => {
    for (const k of Object.keys(info)) {
      if (!SKIP.has(k)) info[k] = redactValue(info[k])
    }
    // Error-derived entries keep message and stack as non-enumerable properties.
    for (const k of ['message', 'stack']) {
      if (typeof info[k] === 'string' && !Object.prototype.propertyIsEnumerable.call(info, k)) {
        info[k] = scanner.redact(info[k])
      }
    }
    if (Array.isArray(info[SPLAT])) info[SPLAT] = redactValue(info[SPLAT])
    if (typeof info[MESSAGE] === 'string') info[MESSAGE] = scanner.redact(info[MESSAGE])
    return info
  }
  return format(transform)()
}

module.exports = { scrubline, format: scrubline }
