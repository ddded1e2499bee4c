'use strict'
// Finding offsets are UTF-16 code units for strings (text.slice(start, end) is the value) and
// bytes for Buffers, on accents, CJK, emoji, ZWJ sequences, combining marks and astral-plane
// text, including long texts and random mixes.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const { Scanner } = require('..')

const s = new Scanner({ defaultPacks: false, packs: [path.join(__dirname, 'fixtures', 'test-pack.toml')] })
const TOKEN = 'tok_AbCdEf123456'
const BADGE = 'BG1234567'

const PIECES = [
  'a', ' ', 'é', 'e\u0301', '中文', '😀', '👩‍👩‍👧', '🇫🇷', '\u{10FFFF}', '𝔘𝔫𝔦', 'ß', '\u00a0', 'ﷺ', '\n', 'Ω', '١٢٣',
]

function check(text, values) {
  const found = s.scan(text)
  assert.equal(found.length, values.length, `findings in ${JSON.stringify(text)}`)
  found.forEach((f, i) => {
    assert.equal(text.slice(f.start, f.end), values[i])
    assert.ok(Number.isInteger(f.start) && Number.isInteger(f.end))
  })
  const buf = Buffer.from(text)
  s.scan(buf).forEach((f, i) => assert.equal(buf.subarray(f.start, f.end).toString(), values[i]))
  return found
}

test('emoji, astral plane, ZWJ, flags, combining marks, CJK before and between findings', () => {
  const text = `😀👩‍👩‍👧 ${TOKEN} 中文 e\u0301 🇫🇷 ${BADGE} \u{10FFFF}𝔘 ${TOKEN}!`
  const found = check(text, [TOKEN, BADGE, TOKEN])
  assert.equal(found[0].start, text.indexOf(TOKEN))
  assert.equal(found[2].start, text.lastIndexOf(TOKEN))
})

test('finding at the very start and the very end', () => {
  check(`${TOKEN}`, [TOKEN])
  check(`😀${TOKEN}`, [TOKEN])
  check(`${TOKEN}😀`, [TOKEN])
})

test('pure ASCII fast path and long non-ASCII prefixes', () => {
  check(`${'x'.repeat(10000)} ${TOKEN}`, [TOKEN])
  check(`${'é😀中'.repeat(5000)} ${TOKEN} ${'😀'.repeat(3000)} ${BADGE}`, [TOKEN, BADGE])
})

test('lone surrogates keep offsets aligned (they are one code unit, as U+FFFD is)', () => {
  const text = `\ud800 x \udc00 ${TOKEN}`
  check(text, [TOKEN])
  // Redacting rewrites the string; lone surrogates become U+FFFD there.
  assert.equal(s.redact(text), `\ufffd x \ufffd [TEST_TOKEN]`)
})

test('random mixes', () => {
  let seed = 12345
  const rand = (n) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    return seed % n
  }
  for (let round = 0; round < 300; round++) {
    let text = ''
    const values = []
    const parts = 1 + rand(12)
    for (let p = 0; p < parts; p++) {
      for (let k = rand(6); k > 0; k--) text += PIECES[rand(PIECES.length)]
      if (rand(2)) {
        const v = rand(2) ? TOKEN : BADGE
        text += ` ${v} `
        values.push(v)
      }
    }
    check(text, values)
    // Redaction agrees with the offsets: replacing the spans by hand gives the same text.
    let expected = ''
    let last = 0
    for (const f of s.scan(text)) {
      expected += text.slice(last, f.start) + `[${f.type}]`
      last = f.end
    }
    expected += text.slice(last)
    assert.equal(s.redact(text), expected)
  }
})

test('the native UTF-16 count equals String.length on every piece and mix', () => {
  const native = require('../build/native.js')
  for (const p of [...PIECES, '', 'ascii only', '\ud800', 'a\udc00b', PIECES.join('')]) {
    assert.equal(native.utf16Length(p), p.length, JSON.stringify(p))
  }
  assert.equal(native.utf16Length(PIECES.join('').repeat(1000)), PIECES.join('').length * 1000)
})
