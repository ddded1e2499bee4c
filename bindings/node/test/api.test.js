'use strict'
// The public API on a fixture pack (test/fixtures/test-pack.toml), so results do not depend on
// the default packs; the shared corpus (corpus.test.js) covers those.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const scrubline = require('..')

const { Scanner } = scrubline
const PACK = path.join(__dirname, 'fixtures', 'test-pack.toml')
const TOKEN = 'tok_AbCdEf123456'
const BADGE = 'BG1234567'

const fixture = (extra = {}) => new Scanner({ defaultPacks: false, packs: [PACK], ...extra })

test('redact replaces findings with typed labels', () => {
  const s = fixture()
  assert.equal(s.redact(`key ${TOKEN} badge ${BADGE}.`), 'key [TEST_TOKEN] badge [TEST_BADGE].')
})

test('redact returns the very same string when nothing matched', () => {
  const s = fixture()
  const text = 'nothing to see here, ' + 'x'.repeat(1000)
  assert.equal(s.redact(text), text)
  // Identity, not just equality: a fresh string built at run time is returned as is.
  const built = ['a', 'b', 'c'].join('-')
  assert.ok(Object.is(s.redact(built), built))
  assert.equal(s.redact(''), '')
})

test('scan returns findings without the value', () => {
  const s = fixture()
  const text = `key ${TOKEN} badge ${BADGE}`
  const found = s.scan(text)
  assert.deepEqual(found, [
    { rule: 'test-token', type: 'TEST_TOKEN', category: 'secret', sensitivity: 'critical', start: 4, end: 20, confidence: 0.9 },
    { rule: 'test-badge', type: 'TEST_BADGE', category: 'pii', sensitivity: 'medium', start: 27, end: 36, confidence: 0.7 },
  ])
  for (const f of found) {
    assert.deepEqual(Object.keys(f).sort(), ['category', 'confidence', 'end', 'rule', 'sensitivity', 'start', 'type'])
    for (const v of Object.values(f)) assert.ok(!String(v).includes('AbCdEf'))
  }
  assert.equal(text.slice(found[0].start, found[0].end), TOKEN)
  assert.deepEqual(s.scan('clean'), [])
})

test('findings are fresh objects', () => {
  const s = fixture()
  const a = s.scan(TOKEN)
  a[0].rule = 'changed'
  assert.equal(s.scan(TOKEN)[0].rule, 'test-token')
})

test('Buffer and Uint8Array input; Buffer output; byte offsets', () => {
  const s = fixture()
  const text = `é ${TOKEN}`
  const buf = Buffer.from(text)
  const out = s.redact(buf)
  assert.ok(Buffer.isBuffer(out))
  assert.equal(out.toString(), 'é [TEST_TOKEN]')
  const u8 = new Uint8Array(buf)
  assert.equal(s.redact(u8).toString(), 'é [TEST_TOKEN]')
  // Byte offsets for bytes ('é' is 2 bytes), UTF-16 for the string.
  assert.equal(s.scan(buf)[0].start, 3)
  assert.equal(s.scan(text)[0].start, 2)
  assert.equal(buf.subarray(s.scan(buf)[0].start, s.scan(buf)[0].end).toString(), TOKEN)
  // Other views and ArrayBuffer.
  const ab = new TextEncoder().encode(TOKEN).buffer
  assert.equal(s.redact(ab).toString(), '[TEST_TOKEN]')
  assert.equal(s.redact(new DataView(ab)).toString(), '[TEST_TOKEN]')
  // A view into a larger buffer only scans its own bytes.
  const big = Buffer.from(`xx${TOKEN}yy`)
  assert.equal(s.redact(big.subarray(2, 2 + TOKEN.length)).toString(), '[TEST_TOKEN]')
})

test('clean bytes come back as a Buffer over the same memory', () => {
  const s = fixture()
  const buf = Buffer.from('clean text')
  assert.equal(s.redact(buf), buf)
  const u8 = new Uint8Array([104, 105])
  const out = s.redact(u8)
  assert.ok(Buffer.isBuffer(out))
  assert.equal(out.buffer, u8.buffer)
})

test('invalid UTF-8 passes through; valid runs are redacted', () => {
  const s = fixture()
  const buf = Buffer.concat([Buffer.from(`a ${TOKEN} `), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(` ${BADGE} z`)])
  const out = s.redact(buf)
  const expected = Buffer.concat([
    Buffer.from('a [TEST_TOKEN] '),
    Buffer.from([0xff, 0xfe, 0xc3]),
    Buffer.from(' [TEST_BADGE] z'),
  ])
  assert.deepEqual(out, expected)
  const found = s.scan(buf)
  assert.equal(found.length, 2)
  assert.equal(buf.subarray(found[1].start, found[1].end).toString(), BADGE)
  // Invalid bytes alone: unchanged.
  const junk = Buffer.from([0xff, 0x80, 0x80])
  assert.equal(s.redact(junk), junk)
})

test('redactWithFindings gives redact and scan from one scan', async () => {
  const s = fixture()
  const text = `😀 ${TOKEN} é ${BADGE}`
  const r = s.redactWithFindings(text)
  assert.deepEqual(r, { redacted: s.redact(text), findings: s.scan(text) })
  const buf = Buffer.concat([Buffer.from(text), Buffer.from([0xff])])
  const rb = s.redactWithFindings(buf)
  assert.ok(Buffer.isBuffer(rb.redacted))
  assert.deepEqual(rb, { redacted: s.redact(buf), findings: s.scan(buf) })
  assert.deepEqual(await s.redactWithFindingsAsync(text), r)
  assert.deepEqual(await s.redactWithFindingsAsync(buf), rb)
  const clean = 'clean'
  const rc = s.redactWithFindings(clean)
  assert.ok(Object.is(rc.redacted, clean))
  assert.deepEqual(rc.findings, [])
  // Findings of rules whose action is `report` are listed; the text keeps them.
  const rep = fixture({ actions: { TEST_BADGE: 'report' } }).redactWithFindings(text)
  assert.equal(rep.redacted, `😀 [TEST_TOKEN] é ${BADGE}`)
  assert.equal(rep.findings.length, 2)
})

test('batches keep order and input kinds', () => {
  const s = fixture()
  const clean = 'clean'
  const inputs = [TOKEN, Buffer.from(BADGE), clean, new Uint8Array(Buffer.from(`x ${TOKEN}`)), '']
  const out = s.redactBatch(inputs)
  assert.equal(out.length, inputs.length)
  assert.equal(out[0], '[TEST_TOKEN]')
  assert.ok(Buffer.isBuffer(out[1]))
  assert.equal(out[1].toString(), '[TEST_BADGE]')
  assert.ok(Object.is(out[2], clean))
  assert.equal(out[3].toString(), 'x [TEST_TOKEN]')
  assert.equal(out[4], '')
  const found = s.scanBatch(inputs)
  assert.deepEqual(
    found.map((f) => f.map((x) => x.rule)),
    [['test-token'], ['test-badge'], [], ['test-token'], []],
  )
  assert.equal(found[3][0].start, 2)
  assert.deepEqual(s.redactBatch([]), [])
  assert.deepEqual(s.scanBatch([]), [])
  // Any iterable.
  assert.deepEqual(s.redactBatch(new Set([TOKEN])), ['[TEST_TOKEN]'])
})

test('large batches match one-by-one results', () => {
  const s = fixture()
  const docs = Array.from({ length: 500 }, (_, i) => (i % 3 === 0 ? `doc ${i} ${TOKEN}` : `doc ${i} clean é😀`))
  assert.deepEqual(s.redactBatch(docs), docs.map((d) => s.redact(d)))
  assert.deepEqual(s.scanBatch(docs), docs.map((d) => s.scan(d)))
})

test('async variants give the sync results', async () => {
  const s = fixture()
  const text = `😀 ${TOKEN} ${BADGE}`
  assert.equal(await s.redactAsync(text), s.redact(text))
  const buf = Buffer.from(text)
  const out = await s.redactAsync(buf)
  assert.ok(Buffer.isBuffer(out))
  assert.deepEqual(out, s.redact(buf))
  assert.deepEqual(await s.scanAsync(text), s.scan(text))
  assert.deepEqual(await s.scanAsync(buf), s.scan(buf))
  const clean = 'clean'
  assert.ok(Object.is(await s.redactAsync(clean), clean))
  const cleanBuf = Buffer.from(clean)
  assert.equal(await s.redactAsync(cleanBuf), cleanBuf)
  const inputs = [text, buf, clean]
  assert.deepEqual(await s.redactBatchAsync(inputs), s.redactBatch(inputs))
  assert.deepEqual(await s.scanBatchAsync(inputs), s.scanBatch(inputs))
})

test('concurrent async calls on one scanner', async () => {
  const s = fixture()
  const docs = Array.from({ length: 64 }, (_, i) => (i % 2 ? Buffer.from(`${i} ${TOKEN}`) : `${i} ${BADGE}`))
  const outs = await Promise.all(docs.map((d) => s.redactAsync(d)))
  outs.forEach((o, i) => assert.equal(o.toString(), i % 2 ? `${i} [TEST_TOKEN]` : `${i} [TEST_BADGE]`))
})

test('async on a large buffer', async () => {
  const s = fixture()
  const unit = `line with ${TOKEN} and text é\n`
  const buf = Buffer.from(unit.repeat(40000)) // > 1 MB
  const out = await s.redactAsync(buf)
  assert.equal(out.toString(), 'line with [TEST_TOKEN] and text é\n'.repeat(40000))
  assert.equal((await s.scanAsync(buf)).length, 40000)
})

test('actions: mask, remove, report, pseudonym; most specific wins', () => {
  const text = `${TOKEN} ${BADGE}`
  assert.equal(fixture({ actions: { TEST_TOKEN: 'mask' } }).redact(text), '************3456 [TEST_BADGE]')
  assert.equal(fixture({ actions: { secret: 'remove' } }).redact(text), ' [TEST_BADGE]')
  assert.equal(fixture({ defaultAction: 'report' }).redact(text), text)
  assert.equal(fixture({ actions: [['secret', 'remove'], ['test-token', 'mask:2']] }).redact(TOKEN), '**************56')
  const p1 = fixture({ actions: { TEST_TOKEN: 'pseudonym' }, key: 'k1' }).redact(TOKEN)
  const p2 = fixture({ actions: { TEST_TOKEN: 'pseudonym' }, key: Buffer.from('k1') }).redact(TOKEN)
  const p3 = fixture({ actions: { TEST_TOKEN: 'pseudonym' }, key: 'k2' }).redact(TOKEN)
  const p4 = fixture({ actions: { TEST_TOKEN: 'pseudonym' }, key: 'k1', scope: 'tenant-a' }).redact(TOKEN)
  assert.match(p1, /^<TEST_TOKEN_[0-9a-f]{16}>$/)
  assert.equal(p1, p2)
  assert.notEqual(p1, p3)
  assert.notEqual(p1, p4)
})

test('rules, disable, threshold', () => {
  const text = `${TOKEN} ${BADGE}`
  assert.equal(fixture({ rules: ['TEST_BADGE'] }).redact(text), `${TOKEN} [TEST_BADGE]`)
  assert.equal(fixture({ disable: ['secret'] }).redact(text), `${TOKEN} [TEST_BADGE]`)
  assert.equal(fixture({ threshold: 0.8 }).redact(text), `[TEST_TOKEN] ${BADGE}`)
  const s = fixture({ disable: 'test-badge' })
  assert.deepEqual(s.rules().map((r) => r.id), ['test-token'])
})

test('rules() and packs() describe the scanner', () => {
  const s = fixture()
  assert.deepEqual(s.packs(), [{ id: 'node-test', version: '0.1.0', source: PACK }])
  const r = s.rules().find((x) => x.id === 'test-token')
  assert.deepEqual(r, { id: 'test-token', name: 'Test token', type: 'TEST_TOKEN', category: 'secret', sensitivity: 'critical', pack: 'node-test' })
  // Inline TOML with a name; defaults included by default.
  const toml = require('node:fs').readFileSync(PACK, 'utf8')
  const d = new Scanner({ packs: [{ name: 'inline.toml', toml }] })
  assert.ok(d.packs().some((p) => p.source === 'inline.toml'))
})

test('top-level redact/scan use the default packs; options build a cached scanner', async () => {
  assert.equal(typeof scrubline.redact('hello'), 'string')
  assert.ok(Array.isArray(scrubline.scan('hello')))
  const opts = { defaultPacks: false, packs: [PACK] }
  assert.equal(scrubline.redact(TOKEN, opts), '[TEST_TOKEN]')
  assert.equal(scrubline.scan(TOKEN, opts)[0].rule, 'test-token')
  assert.equal(await scrubline.redactAsync(TOKEN, opts), '[TEST_TOKEN]')
  assert.equal((await scrubline.scanAsync(TOKEN, opts))[0].rule, 'test-token')
  await assert.rejects(scrubline.redactAsync(TOKEN, { rules: ['NO_SUCH_TYPE'] }), scrubline.PolicyError)
  assert.equal(scrubline.version, require('../package.json').version)
})

test('wrong argument types throw TypeError', async () => {
  const s = fixture()
  for (const bad of [42, null, undefined, {}, [1, 2]]) {
    assert.throws(() => s.redact(bad), TypeError)
    assert.throws(() => s.scan(bad), TypeError)
    await assert.rejects(s.redactAsync(bad), TypeError)
  }
  assert.throws(() => s.redactBatch('not an array'), TypeError)
  assert.throws(() => s.redactBatch([TOKEN, 5]), TypeError)
  assert.throws(() => new Scanner({ threshold: 'high' }), TypeError)
  assert.throws(() => new Scanner({ packs: [42] }), TypeError)
})
