'use strict'
// scrubline/pino and scrubline/winston: no planted value survives, wherever it is logged (the
// message, %s/%o/%j arguments, fields at any depth, arrays, child bindings, errors and their
// causes, numbers), and the caller's objects are left untouched.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const { Writable } = require('node:stream')
const pino = require('pino')
const winston = require('winston')
const { Scanner } = require('..')
const scrublinePino = require('../pino')
const { scrubline: scrublineWinston } = require('../winston')
const { loadCases, valueAt } = require('./corpus.js')

const fixture = new Scanner({ packs: [path.join(__dirname, 'fixtures', 'test-pack.toml')] })
const TOKEN = 'tok_AbCdEf123456'
const BADGE = 'BG1234567'

/** A sink collecting written lines. */
function sink() {
  const lines = []
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(chunk.toString())
      cb()
    },
  })
  return { stream, lines, text: () => lines.join('') }
}

/** Every way a value can reach a log line. */
function logEverywhere(logger, text) {
  logger.info(text)
  logger.info('user said %s', text)
  logger.info({ note: text }, 'object field')
  logger.info({ deep: { list: [1, { inner: text }] } }, 'nested')
  logger.info('formatted %o and %j', { a: text }, { b: [text] })
  const err = new Error(`failed for ${text}`)
  err.detail = text
  err.cause = new Error(`cause ${text}`)
  logger.error(err)
  logger.error({ err }, 'with err key')
  const child = logger.child({ session: text, n: 1 })
  child.info('child bindings')
  child.child({ again: [text] }, { level: 'info' }).info('grandchild')
  child.setBindings({ later: text })
  child.info('set bindings')
}

function assertNoneSurvive(output, values, where) {
  for (const v of values) assert.ok(!output.includes(v), `${where}: a planted value survived: ${JSON.stringify(v)}`)
  // Also after JSON unescaping (values with quotes, backslashes or non-ASCII characters).
  for (const line of output.split('\n').filter(Boolean)) {
    let parsed
    try {
      parsed = JSON.parse(line)
    } catch {
      continue
    }
    const flat = JSON.stringify(parsed, null, 0)
    const strings = []
    JSON.parse(flat, (_k, val) => {
      if (typeof val === 'string') strings.push(val)
      return val
    })
    for (const v of values) assert.ok(!strings.some((s) => s.includes(v)), `${where}: survived in ${line}`)
  }
}

test('pino: fixture values are redacted everywhere', () => {
  const out = sink()
  const logger = pino(scrublinePino({ level: 'info' }, { scanner: fixture }), out.stream)
  logEverywhere(logger, `token ${TOKEN} badge ${BADGE}`)
  const text = out.text()
  assertNoneSurvive(text, [TOKEN, BADGE], 'pino')
  assert.match(text, /\[TEST_TOKEN\]/)
  // Structure is kept: valid JSON lines, fields and levels in place.
  const lines = out.lines.map((l) => JSON.parse(l))
  assert.equal(lines.length, 10)
  assert.equal(lines[2].note, 'token [TEST_TOKEN] badge [TEST_BADGE]')
  assert.equal(lines[3].deep.list[1].inner, 'token [TEST_TOKEN] badge [TEST_BADGE]')
  assert.equal(lines[5].err.message, 'failed for token [TEST_TOKEN] badge [TEST_BADGE]: cause token [TEST_TOKEN] badge [TEST_BADGE]')
  assert.equal(lines[5].err.detail, 'token [TEST_TOKEN] badge [TEST_BADGE]')
  assert.equal(lines[5].err.type, 'Error')
  assert.equal(lines[7].session, 'token [TEST_TOKEN] badge [TEST_BADGE]')
  assert.equal(lines[7].n, 1)
  assert.deepEqual(lines[8].again, ['token [TEST_TOKEN] badge [TEST_BADGE]'])
  assert.equal(lines[9].later, 'token [TEST_TOKEN] badge [TEST_BADGE]')
  assert.equal(lines[0].level, 30)
})

test('pino: user objects are not modified; numbers holding an identifier are redacted', () => {
  const out = sink()
  const logger = pino(scrublinePino({}, { scanner: fixture }), out.stream)
  const user = { name: 'x', token: TOKEN, nested: { t: TOKEN } }
  const frozen = JSON.stringify(user)
  logger.info({ user }, 'login')
  assert.equal(JSON.stringify(user), frozen)
  const s = new Scanner({
    defaultPacks: false,
    packs: [
      {
        name: 'digits.toml',
        toml: `[pack]
id = "digits"
version = "1.0.0"
[[rules]]
id = "long-number"
name = "Long number"
type = "LONG_NUMBER"
category = "custom"
sensitivity = "low"
confidence = 0.9
trigger = "digits"
min_digits = 12
regex = '''(?-u:\\b)[0-9]{12,19}(?-u:\\b)'''
provenance = "test"
`,
      },
    ],
  })
  const out2 = sink()
  pino(scrublinePino({}, { scanner: s }), out2.stream).info({ n: 4111111111111111, small: 200, big: 123456789012345678n }, 'nums')
  const line = JSON.parse(out2.text())
  assert.equal(line.n, '[LONG_NUMBER]')
  assert.equal(line.small, 200)
  assert.equal(line.big, '[LONG_NUMBER]')
  const out3 = sink()
  pino(scrublinePino({}, { scanner: s, numbers: false }), out3.stream).info({ n: 4111111111111111 }, 'nums')
  assert.equal(JSON.parse(out3.text()).n, 4111111111111111)
})

test('pino: user serializers and formatters still run', () => {
  const out = sink()
  const logger = pino(
    scrublinePino(
      {
        serializers: { req: (r) => ({ url: r.url }) },
        formatters: { log: (o) => ({ ...o, extra: `x ${TOKEN}` }), level: (label) => ({ level: label }) },
      },
      { scanner: fixture },
    ),
    out.stream,
  )
  logger.info({ req: { url: `/reset?t=${TOKEN}`, headers: { a: 1 } } }, 'req')
  const line = JSON.parse(out.text())
  assert.deepEqual(line.req, { url: '/reset?t=[TEST_TOKEN]' })
  assert.equal(line.extra, 'x [TEST_TOKEN]')
  assert.equal(line.level, 'info')
})

test('pino: cycles and deep objects do not leak or hang', () => {
  const out = sink()
  const logger = pino(scrublinePino({}, { scanner: fixture }), out.stream)
  const a = { t: TOKEN }
  a.self = a
  let deep = { t: TOKEN }
  for (let i = 0; i < 100; i++) deep = { d: deep }
  logger.info({ a, deep }, 'cyclic')
  assertNoneSurvive(out.text(), [TOKEN], 'pino cycles')
})

test('winston: fixture values are redacted everywhere', () => {
  const out = sink()
  const logger = winston.createLogger({
    format: winston.format.combine(
      scrublineWinston({ scanner: fixture }),
      winston.format.errors({ stack: true }),
      winston.format.splat(),
      winston.format.json(),
    ),
    defaultMeta: { service: `svc ${TOKEN}` },
    transports: [new winston.transports.Stream({ stream: out.stream })],
  })
  const v = `token ${TOKEN} badge ${BADGE}`
  logger.info(v)
  logger.info('user said %s', v)
  logger.info('meta', { note: v, deep: { list: [{ inner: v }] } })
  logger.error(new Error(`failed for ${v}`))
  logger.child({ session: v }).info('child')
  const text = out.text()
  assertNoneSurvive(text, [TOKEN, BADGE], 'winston')
  const lines = out.lines.map((l) => JSON.parse(l))
  assert.equal(lines[0].message, 'token [TEST_TOKEN] badge [TEST_BADGE]')
  assert.equal(lines[1].message, 'user said token [TEST_TOKEN] badge [TEST_BADGE]')
  assert.equal(lines[2].deep.list[0].inner, 'token [TEST_TOKEN] badge [TEST_BADGE]')
  assert.equal(lines[0].service, 'svc [TEST_TOKEN]')
})

test('winston: after a serializing format, the line is redacted as text', () => {
  const out = sink()
  const logger = winston.createLogger({
    format: winston.format.combine(winston.format.simple(), scrublineWinston({ scanner: fixture })),
    transports: [new winston.transports.Stream({ stream: out.stream })],
  })
  logger.info(`token ${TOKEN}`)
  assert.equal(out.text().trim(), 'info: token [TEST_TOKEN]')
})

const cases = loadCases().filter((c) => c.expect.length > 0)

test('no planted value of the shared corpus survives the pino helper', { skip: cases.length === 0 && 'no corpus yet' }, () => {
  const out = sink()
  const logger = pino(scrublinePino(), out.stream)
  const planted = []
  for (const c of cases) {
    for (const e of c.expect) planted.push(valueAt(c.text, e.start, e.end))
    logEverywhere(logger, c.text)
  }
  assertNoneSurvive(out.text(), planted, 'pino corpus')
})

test('no planted value of the shared corpus survives the winston format', { skip: cases.length === 0 && 'no corpus yet' }, () => {
  const out = sink()
  const logger = winston.createLogger({
    format: winston.format.combine(scrublineWinston(), winston.format.splat(), winston.format.json()),
    transports: [new winston.transports.Stream({ stream: out.stream })],
  })
  const planted = []
  for (const c of cases) {
    for (const e of c.expect) planted.push(valueAt(c.text, e.start, e.end))
    logger.info(c.text)
    logger.info('said %s', c.text)
    logger.info('meta', { note: c.text, nested: [{ x: c.text }] })
  }
  assertNoneSurvive(out.text(), planted, 'winston corpus')
})

test('pino: child bindings are redacted when the application uses another copy of pino', () => {
  // A second copy of pino (its symbols differ), as when scrubline is linked from elsewhere.
  const sep = path.sep
  for (const k of Object.keys(require.cache)) {
    if (k.includes(`${sep}node_modules${sep}pino${sep}`)) delete require.cache[k]
  }
  const pino2 = require('pino')
  assert.notEqual(pino2.symbols.chindingsSym, pino.symbols.chindingsSym)
  const out = sink()
  const logger = pino2(scrublinePino({}, { scanner: fixture }), out.stream)
  logger.child({ session: `s ${TOKEN}` }).info('child')
  assert.equal(JSON.parse(out.text()).session, 's [TEST_TOKEN]')
})
