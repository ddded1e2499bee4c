'use strict'
// Hostile and broken input through the Node binding: invalid UTF-8 in Buffers, lone
// surrogates and NUL characters in strings, JSON nested 10,000 deep, unsupported regex syntax in
// a user pack, errors that never echo input, and UTF-16 offsets that map back to the same
// characters on random mixed text. See SECURITY.md, "Hostile input".

const { test } = require('node:test')
const assert = require('node:assert/strict')
const { Scanner, Vault, ScrublineError } = require('..')

const EMAIL = 'maria.gonzalez@globex.io'
const SSN = '536-22-8417'
const s = new Scanner()

test('invalid UTF-8 in a Buffer: invalid bytes kept, values around them redacted', () => {
  const input = Buffer.concat([
    Buffer.from([0xff]),
    Buffer.from(EMAIL),
    Buffer.from([0xfe, 0xc3, 0x28]),
    Buffer.from(SSN),
    Buffer.from([0x29, 0xed, 0xa0, 0x80, 0xf0, 0x9f]),
  ])
  const out = s.redact(input)
  const want = Buffer.concat([
    Buffer.from([0xff]),
    Buffer.from('[EMAIL]'),
    Buffer.from([0xfe, 0xc3, 0x28]),
    Buffer.from('[US_SSN]'),
    Buffer.from([0x29, 0xed, 0xa0, 0x80, 0xf0, 0x9f]),
  ])
  assert.deepEqual(Buffer.from(out), want)
  // Byte offsets of a Buffer scan point at the values.
  const found = s.scan(input)
  assert.deepEqual(
    found.map((f) => input.subarray(f.start, f.end).toString()),
    [EMAIL, SSN],
  )
})

test('lone surrogates and NUL characters in strings', () => {
  assert.equal(s.redact(`\ud800${EMAIL}\udfff ${SSN}\0`), `\ufffd[EMAIL]\ufffd [US_SSN]\0`)
  const text = `\0${EMAIL}\0\0${SSN}\0`
  assert.equal(s.redact(text), '\0[EMAIL]\0\0[US_SSN]\0')
  for (const f of s.scan(text)) assert.ok(!text.slice(f.start, f.end).includes('\0'))
})

test('JSON nested 10,000 deep: text and objects', () => {
  for (const [open, close] of [['[', ']'], ['{"a":', '}']]) {
    const doc = open.repeat(10000) + JSON.stringify(EMAIL) + close.repeat(10000)
    const out = s.redactJson(doc)
    assert.equal(out, open.repeat(10000) + '"[EMAIL]"' + close.repeat(10000))
    assert.equal(s.redactJsonLines(`${doc}\n${doc}\n`), `${out}\n${out}\n`)
  }
  // Objects are serialized with JSON.stringify first: V8 refuses this depth with a RangeError
  // (an ordinary exception; nothing crashes). A depth it handles comes back redacted.
  let obj = EMAIL
  for (let i = 0; i < 10000; i++) obj = [obj]
  assert.throws(() => s.redactJson(obj), RangeError)
  obj = EMAIL
  for (let i = 0; i < 1000; i++) obj = { a: obj }
  let back = s.redactJson(obj)
  for (let i = 0; i < 1000; i++) back = back.a
  assert.equal(back, '[EMAIL]')
})

function userPack(regex) {
  return `[pack]
id = "hostile"
version = "1.0.0"

[[rules]]
id = "hostile-rule"
name = "Hostile"
type = "HOSTILE"
category = "custom"
sensitivity = "low"
confidence = 0.9
keywords = ["aaa"]
regex = '''${regex}'''
provenance = "test"
examples = ["aaab"]
negative_examples = ["zzz"]
`
}

test('unsupported regex syntax is a typed pattern error', () => {
  for (const [re, word] of [
    ['a(?=b)', 'look-around'],
    ['(?<!a)b', 'look-around'],
    ['(a)\\1', 'backreference'],
  ]) {
    assert.throws(
      () => new Scanner({ defaultPacks: false, packs: [{ name: 'hostile.toml', toml: userPack(re) }] }),
      (e) => {
        assert.ok(e instanceof ScrublineError)
        assert.equal(e.code, 'SCRUBLINE_PATTERN')
        assert.equal(e.rule, 'hostile-rule')
        assert.ok(e.message.includes(word), e.message)
        return true
      },
    )
  }
})

test('a pathological user regex stays linear', () => {
  const p = new Scanner({ defaultPacks: false, packs: [{ name: 'hostile.toml', toml: userPack('(a|aa)+b') }] })
  const times = [
    [1000000, 3],
    [10000000, 2],
  ].map(([n, reps]) => {
    const text = 'a'.repeat(n)
    let best = Infinity
    for (let i = 0; i < reps; i++) {
      const t = process.hrtime.bigint()
      p.redact(text)
      best = Math.min(best, Number(process.hrtime.bigint() - t))
    }
    return best
  })
  // Linear is 10; cache effects allowed up to 3x that; quadratic would be 100.
  assert.ok(times[1] / Math.max(times[0], 1) < 30, `${times}`)
})

test('errors never echo input', () => {
  const cases = [
    () => new Scanner({ defaultPacks: false, packs: [{ name: 'p.toml', toml: `[pack]\nid = "p"\nversion = "${EMAIL}"\n` }] }),
    () => new Scanner({ policy: `id = "p"\nversion = "1"\nthreshold = "${SSN}"\n` }),
    () => Vault.load(Buffer.from(`${EMAIL} ${SSN}`), Buffer.alloc(32, 1)),
    () => Vault.load(Buffer.concat([Buffer.from('SLVT\x01'), Buffer.alloc(60)]), Buffer.from(EMAIL)),
  ]
  for (const make of cases) {
    assert.throws(make, (e) => {
      assert.ok(e instanceof ScrublineError, String(e))
      const shown = `${e.message} ${e.stack} ${JSON.stringify(e)}`
      assert.ok(!shown.includes(EMAIL) && !shown.includes(SSN), shown)
      return true
    })
  }
})

const PIECES = ['a', ' ', 'é', 'e\u0301', '中文', '😀', '👩‍👩‍👧', '🇫🇷', '\u{10FFFF}', '\0', '\n', '١٢٣', 'ß']
const VALUES = [EMAIL, SSN, '4526 0181 5908 3012', 'AKIAQ3EGRDVHXPAE7N2M']

test('UTF-16 offsets map back to the values on random mixes', () => {
  let seed = 8
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648)
  for (let i = 0; i < 300; i++) {
    const parts = []
    const planted = []
    const n = 1 + Math.floor(rnd() * 11)
    for (let j = 0; j < n; j++) {
      if (rnd() < 0.3) {
        const v = VALUES[Math.floor(rnd() * VALUES.length)]
        planted.push(v)
        parts.push(' ', v, ' ')
      } else {
        parts.push(PIECES[Math.floor(rnd() * PIECES.length)])
      }
    }
    const text = parts.join('')
    const found = s.scan(text)
    assert.deepEqual(
      found.map((f) => text.slice(f.start, f.end)),
      planted,
      JSON.stringify(text),
    )
    const red = s.redact(text)
    for (const v of planted) assert.ok(!red.includes(v))
  }
})
