'use strict'
// Typed errors with stable codes and locations; never input text in a message.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const scrubline = require('..')

const { Scanner, ScrublineError, PatternError, PackError, PolicyError, InputError, VaultError } = scrubline
const FIXTURES = path.join(__dirname, 'fixtures')

function thrown(fn) {
  try {
    fn()
  } catch (e) {
    return e
  }
  assert.fail('expected an error')
}

test('error classes form one hierarchy with stable codes', () => {
  for (const Cls of [PatternError, PackError, PolicyError, InputError, VaultError]) {
    assert.ok(Cls.prototype instanceof ScrublineError)
    assert.ok(Cls.prototype instanceof Error)
  }
  assert.ok(ScrublineError.prototype instanceof Error)
})

test('a regex that does not compile is a PatternError naming file, rule and line', () => {
  const file = path.join(FIXTURES, 'bad-regex.toml')
  const e = thrown(() => new Scanner({ defaultPacks: false, packs: [file] }))
  assert.ok(e instanceof PatternError)
  assert.equal(e.name, 'PatternError')
  assert.equal(e.code, 'SCRUBLINE_PATTERN')
  assert.equal(e.sourceName, file)
  assert.equal(e.rule, 'broken')
  assert.equal(e.line, 5)
  assert.equal(e.column, 1)
  assert.ok(e.message.startsWith(`pattern error in ${file}:5:1 (rule \`broken\`)`), e.message)
})

test('malformed TOML is a PackError with line and column', () => {
  const e = thrown(() => new Scanner({ packs: [{ name: 'inline.toml', toml: '[pack]\nid = 1\n' }] }))
  assert.ok(e instanceof PackError)
  assert.equal(e.code, 'SCRUBLINE_PACK')
  assert.equal(e.sourceName, 'inline.toml')
  assert.equal(e.line, 2)
  assert.equal(typeof e.column, 'number')
  assert.equal(e.rule, null)
})

test('an invalid rule field is a PackError naming the rule', () => {
  const toml = `[pack]
id = "p"
version = "1.0.0"

[[rules]]
id = "r1"
name = "R"
type = "R1"
category = "nonsense"
sensitivity = "low"
confidence = 0.9
keywords = ["abc"]
regex = 'abc[0-9]+'
provenance = "test"
`
  const e = thrown(() => new Scanner({ packs: [{ name: 'p.toml', toml }] }))
  assert.ok(e instanceof PackError)
  assert.equal(e.rule, 'r1')
  assert.equal(e.line, 5)
  assert.match(e.message, /unknown category/)
})

test('a missing pack file is a PackError naming the file', () => {
  const missing = path.join(FIXTURES, 'does-not-exist.toml')
  const e = thrown(() => new Scanner({ packs: [missing] }))
  assert.ok(e instanceof PackError)
  assert.equal(e.sourceName, missing)
  assert.match(e.message, /ENOENT/)
})

test('unknown targets, actions, option names and bad thresholds are PolicyErrors', () => {
  const cases = [
    { rules: ['NO_SUCH_TYPE'] },
    { disable: ['no-such-rule'] },
    { actions: { EMAIL: 'obliterate' } },
    { defaultAction: 'explode' },
    { threshold: 2 },
    { threshold: Number.NaN },
    { action: { EMAIL: 'mask' } },
    { actions: { secret: 'pseudonym' } }, // needs a key
  ]
  for (const opts of cases) {
    const e = thrown(() => new Scanner(opts))
    assert.ok(e instanceof PolicyError, `${JSON.stringify(opts)}: ${e}`)
    assert.equal(e.code, 'SCRUBLINE_POLICY')
  }
})

test('errors about input never quote it', async () => {
  const secret = 'tok_SECRETSECRET99'
  const s = new Scanner({ defaultPacks: false, packs: [path.join(FIXTURES, 'test-pack.toml')] })
  const sneaky = { toString: () => secret, valueOf: () => secret }
  for (const e of [
    thrown(() => s.redact(sneaky)),
    thrown(() => s.scan(sneaky)),
    thrown(() => s.redactBatch([secret, sneaky])),
    await s.redactAsync(sneaky).catch((x) => x),
  ]) {
    assert.ok(e instanceof TypeError)
    assert.ok(!e.message.includes(secret))
    assert.ok(!String(e.stack).includes(secret))
  }
})
