'use strict'
// A pino logger that never writes a sensitive value: scrubline/pino redacts by value, in the
// message, in every field at any depth, in child-logger bindings and in serialized errors.
// (pino's own `redact` option only knows key paths; both can be used together.)
//
//   node pino-logger.js

const pino = require('pino')
const scrublinePino = require('scrubline/pino')

const logger = pino(
  scrublinePino({ level: 'info', base: { service: 'checkout' } }),
  pino.destination({ sync: true }),
)

logger.info({ user: { id: 42, email: 'jane.roe@example.org' } }, 'user logged in')
logger.info('charging card %s for order %d', '4111 1111 1111 1111', 1234)
logger.warn({ headers: { authorization: 'token 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' } }, 'upstream call')

const session = logger.child({ session: 'started by jane.roe@example.org from 203.0.113.7' })
session.info('session opened')

try {
  throw new Error('lookup failed for SSN: 536-22-8726')
} catch (err) {
  logger.error(err, 'background job failed')
}
