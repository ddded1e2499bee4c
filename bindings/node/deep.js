'use strict'
// Redaction of arbitrary values by value, for the logging helpers: strings are redacted,
// numbers and bigints are scanned as their decimal text (a card or SSN logged as a number), and
// objects and arrays are walked. Copy on write: a value comes back as the very same object when
// nothing in it changed, and the caller's objects are never modified.

const MAX_DEPTH = 32

/**
 * Returns `redactValue(value)` for a scanner: `value` with every sensitive string replaced.
 * Options: `numbers` (default true) scans numbers and bigints too.
 */
function makeDeepRedactor(scanner, { numbers = true } = {}) {
  function walk(value, depth, seen) {
    switch (typeof value) {
      case 'string':
        return scanner.redact(value)
      case 'number':
        if (!numbers || !Number.isInteger(value)) return value
        return numberValue(value)
      case 'bigint':
        return numbers ? numberValue(value) : value
      case 'object':
        if (value === null) return value
        return objectValue(value, depth, seen)
      default:
        return value
    }
  }

  function numberValue(n) {
    const s = String(n)
    // Short numbers (status codes, counts, latencies) cannot hold an identifier.
    if (s.length < 6) return n
    const r = scanner.redact(s)
    return r === s ? n : r
  }

  function objectValue(obj, depth, seen) {
    if (depth >= MAX_DEPTH) return '[Object]'
    // A cycle: what JSON serializers print for it (returning `obj` would let an unredacted copy
    // of its fields through).
    if (seen.has(obj)) return '[Circular]'
    if (ArrayBuffer.isView(obj) || obj instanceof ArrayBuffer) return obj
    if (typeof obj.toJSON === 'function' && !(obj instanceof Error)) {
      let j
      try {
        j = obj.toJSON()
      } catch {
        return obj
      }
      if (j === obj) return obj
      const r = walk(j, depth + 1, seen)
      return r === j ? obj : r
    }
    seen.add(obj)
    try {
      if (Array.isArray(obj)) {
        let out = null
        for (let i = 0; i < obj.length; i++) {
          const v = obj[i]
          const r = walk(v, depth + 1, seen)
          if (r !== v) {
            if (out === null) out = obj.slice()
            out[i] = r
          }
        }
        return out === null ? obj : out
      }
      if (obj instanceof Error) return errorValue(obj, depth, seen)
      let out = null
      for (const k of Object.keys(obj)) {
        const v = obj[k]
        const r = walk(v, depth + 1, seen)
        if (r !== v) {
          if (out === null) out = { ...obj }
          out[k] = r
        }
      }
      return out === null ? obj : out
    } finally {
      seen.delete(obj)
    }
  }

  // An Error keeps its class (serializers test `instanceof Error`); message, stack, cause and
  // own enumerable fields are redacted into a copy.
  function errorValue(err, depth, seen) {
    const fields = {}
    let changed = false
    for (const k of new Set(['message', 'stack', ...Object.keys(err)])) {
      const v = err[k]
      const r = walk(v, depth + 1, seen)
      fields[k] = r
      if (r !== v) changed = true
    }
    let cause = err.cause
    if (cause !== undefined) {
      const r = walk(cause, depth + 1, seen)
      if (r !== cause) {
        changed = true
        cause = r
      }
    }
    if (!changed) return err
    const copy = Object.create(Object.getPrototypeOf(err))
    for (const [k, v] of Object.entries(fields)) {
      Object.defineProperty(copy, k, { value: v, enumerable: k !== 'message' && k !== 'stack', writable: true, configurable: true })
    }
    if (cause !== undefined) Object.defineProperty(copy, 'cause', { value: cause, enumerable: false, writable: true, configurable: true })
    return copy
  }

  return function redactValue(value) {
    return walk(value, 0, new Set())
  }
}

module.exports = { makeDeepRedactor }
