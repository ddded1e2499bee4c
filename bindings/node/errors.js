'use strict'
// Typed errors. The native module throws plain `Error`s whose message is a marker followed by a
// JSON object (code, message, sourceName, rule, line, column); `fromNative` turns them into the
// classes below. Messages never include scanned input.

const MARKER = 'scrubline-error:'

/** Base class of every error scrubline throws; `code` is stable (`SCRUBLINE_PATTERN`, ...). */
class ScrublineError extends Error {
  constructor(message, fields = {}) {
    super(message)
    this.name = new.target.name
    this.code = fields.code || 'SCRUBLINE_ERROR'
    this.sourceName = fields.sourceName ?? null
    this.rule = fields.rule ?? null
    this.line = fields.line ?? null
    this.column = fields.column ?? null
  }
}

/** A rule's regex does not compile, is too large, or matches the empty string. */
class PatternError extends ScrublineError {}
/** A pack is malformed: bad TOML, a missing or invalid field, a duplicate id, an unreadable file. */
class PackError extends ScrublineError {}
/** Options or a policy are invalid or name something unknown (rule, type, category, action). */
class PolicyError extends ScrublineError {}
/** Input was refused. */
class InputError extends ScrublineError {}
/** A vault could not be read, written or decrypted. */
class VaultError extends ScrublineError {}

const BY_CODE = {
  SCRUBLINE_PATTERN: PatternError,
  SCRUBLINE_PACK: PackError,
  SCRUBLINE_POLICY: PolicyError,
  SCRUBLINE_INPUT: InputError,
  SCRUBLINE_VAULT: VaultError,
}

/** Builds the typed error for `code`, with the location in the message like core's Display. */
function makeError(fields) {
  const Cls = BY_CODE[fields.code] || ScrublineError
  let where = ''
  if (fields.sourceName != null) {
    where += ` in ${fields.sourceName}`
    if (fields.line != null && fields.column != null) where += `:${fields.line}:${fields.column}`
  } else if (fields.line != null && fields.column != null) {
    where += ` at ${fields.line}:${fields.column}`
  }
  if (fields.rule != null) where += ` (rule \`${fields.rule}\`)`
  const kind = (fields.code || 'SCRUBLINE_ERROR').slice('SCRUBLINE_'.length).toLowerCase()
  return new Cls(`${kind} error${where}: ${fields.message}`, fields)
}

/** The typed error for a native error, or the error itself when it is not one of ours. */
function fromNative(err) {
  if (err && typeof err.message === 'string' && err.message.startsWith(MARKER)) {
    let fields
    try {
      fields = JSON.parse(err.message.slice(MARKER.length))
    } catch {
      return err
    }
    return makeError(fields)
  }
  return err
}

module.exports = {
  ScrublineError,
  PatternError,
  PackError,
  PolicyError,
  InputError,
  VaultError,
  fromNative,
  makeError,
}
