'use strict'
// The LLM round trip: Vault, scanner.tokenize / redactOutput, Restorer, restoreStream and
// restoreTransform, on the embedded default packs.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const util = require('node:util')
const scrubline = require('..')

const { Scanner, Vault, Restorer, VaultError, restoreStream, restoreTransform } = scrubline

const PROMPT = 'I am jane.doe@example.org, ssn 536-22-8417, card 4526 0181 5908 3012, key AKIAQ3EGRDVHXPAE7N2M.'
const KEY = Buffer.alloc(32, 7)
let shared = null
const scanner = () => (shared ??= new Scanner())

test('tokenize numbers per type, keeps placeholders stable, restore inverts it', () => {
  const vault = new Vault()
  const out = scanner().tokenize(PROMPT, vault)
  assert.equal(out, 'I am <EMAIL_1>, ssn <US_SSN_1>, card <CREDIT_CARD_1>, key <AWS_ACCESS_KEY_1>.')
  assert.equal(vault.size, 4)
  assert.equal(scanner().tokenize('cc Jane.Doe@Example.org and bob@example.com', vault), 'cc <EMAIL_1> and <EMAIL_2>')
  assert.equal(vault.restore(out), PROMPT)
  assert.equal(scanner().redact(out), out, 'placeholders are never detected again')
  assert.equal(scanner().tokenize(out, vault), out)
  const clean = ['no', 'thing'].join(' ')
  assert.ok(Object.is(scanner().tokenize(clean, vault), clean))
  assert.ok(Object.is(vault.restore(clean), clean))
})

test('restore tolerates mangling, leaves look-alikes', () => {
  const vault = new Vault()
  scanner().tokenize('jane.doe@example.org', vault)
  for (const form of ['<EMAIL_1>', '<email_1>', 'EMAIL_1', '< EMAIL_1 >', '<EMAIL_1', 'Email_1>']) {
    assert.equal(vault.restore(`to ${form}.`), 'to jane.doe@example.org.', form)
  }
  for (const s of ['<EMAIL_12>', 'EMAIL_10', 'XEMAIL_1Y', 'my_EMAIL_1', '<EMAIL_2>']) assert.equal(vault.restore(s), s)
})

test('UTF-16 text round-trips', () => {
  const vault = new Vault()
  const text = '日本語 jane.doe@example.org 👩‍👩‍👧 é 536-22-8417'
  const out = scanner().tokenize(text, vault)
  assert.equal(out, '日本語 <EMAIL_1> 👩‍👩‍👧 é <US_SSN_1>')
  assert.equal(vault.restore(out), text)
})

test('Restorer: every split of an answer restores like the whole', () => {
  const vault = new Vault()
  scanner().tokenize(PROMPT, vault)
  const answer = 'Hi <email_1>! Your SSN US_SSN_1 and < CREDIT_CARD_1 > are safe; <EMAIL_12> is not yours. 日本'
  const want = vault.restore(answer)
  assert.ok(want.includes('jane.doe@example.org') && want.includes('536-22-8417') && want.includes('<EMAIL_12>'))
  const cps = Array.from(answer)
  for (let i = 0; i <= cps.length; i++) {
    const r = new Restorer(vault)
    assert.equal(r.push(cps.slice(0, i).join('')) + r.push(cps.slice(i).join('')) + r.finish(), want, String(i))
  }
  let seed = 7
  const rand = (n) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n
  for (let k = 0; k < 200; k++) {
    const r = new Restorer(vault)
    let out = ''
    let i = 0
    while (i < cps.length) {
      const n = 1 + rand(8)
      out += r.push(cps.slice(i, i + n).join(''))
      i += n
    }
    assert.equal(out + r.finish(), want)
  }
})

test('Restorer holds back only a possible placeholder and shows no contents', () => {
  const vault = new Vault()
  scanner().tokenize('jane.doe@example.org', vault)
  const r = new Restorer(vault)
  assert.equal(r.push('Hello there '), 'Hello there ')
  assert.equal(r.push('<EMA'), '')
  assert.equal(r.heldBack, 4)
  assert.equal(r.push('IL_1> bye'), 'jane.doe@example.org bye')
  assert.equal(r.finish(), '')
  assert.equal(r.push('EMAIL_1'), '', 'usable again after finish')
  assert.equal(r.finish(), 'jane.doe@example.org')
  assert.equal(util.inspect(r), 'Restorer { heldBack: 0 }')
  assert.equal(util.inspect(vault), 'Vault { size: 1 }')
  assert.throws(() => r.push(42), TypeError)
  assert.throws(() => new Restorer({}), TypeError)
})

test('restoreStream over async and sync iterables; restoreTransform', async () => {
  const vault = new Vault()
  scanner().tokenize(PROMPT, vault)
  const deltas = ['Dear <EM', 'AIL_1>, key AWS_ACC', 'ESS_KEY_1', ' rotated.']
  const want = 'Dear jane.doe@example.org, key AKIAQ3EGRDVHXPAE7N2M rotated.'
  async function* model() {
    for (const d of deltas) {
      await new Promise((resolve) => setImmediate(resolve))
      yield d
    }
  }
  const got = []
  for await (const t of restoreStream(model(), vault)) got.push(t)
  assert.equal(got.join(''), want)
  assert.equal(got[0], 'Dear ', 'emitted before the stream ends')
  assert.ok(got.every((t) => t.length > 0))
  const fromSync = []
  for await (const t of restoreStream(deltas, vault)) fromSync.push(t)
  assert.equal(fromSync.join(''), want)

  const source = new ReadableStream({
    start(controller) {
      for (const d of deltas) controller.enqueue(d)
      controller.close()
    },
  })
  const parts = []
  for await (const t of source.pipeThrough(restoreTransform(vault))) parts.push(t)
  assert.equal(parts.join(''), want)
})

test('export and load move a conversation between processes', () => {
  const vault = new Vault()
  const out = scanner().tokenize(PROMPT, vault)
  const blob = vault.export(KEY)
  assert.ok(Buffer.isBuffer(blob))
  assert.equal(blob.subarray(0, 5).toString('latin1'), 'SLVT\x01')
  assert.ok(!blob.includes('jane') && !blob.includes('EMAIL'))
  const moved = Vault.load(blob, new Uint8Array(KEY))
  assert.ok(moved instanceof Vault)
  assert.equal(moved.size, 4)
  assert.equal(moved.restore(out), PROMPT)
  assert.equal(scanner().tokenize('new@example.net', moved), '<EMAIL_2>')
  assert.equal(vault.size, 4)
})

test('vault errors are VaultError with SCRUBLINE_VAULT and quote nothing', () => {
  const vault = new Vault()
  scanner().tokenize(PROMPT, vault)
  const blob = vault.export(KEY)
  const check = (fn, re) =>
    assert.throws(fn, (e) => {
      assert.ok(e instanceof VaultError)
      assert.equal(e.code, 'SCRUBLINE_VAULT')
      assert.match(e.message, re)
      assert.ok(!e.message.includes('jane') && !e.message.includes('EMAIL'))
      return true
    })
  check(() => Vault.load(blob, crypto.randomBytes(32)), /wrong key/)
  const tampered = Buffer.from(blob)
  tampered[tampered.length - 1] ^= 1
  check(() => Vault.load(tampered, KEY), /wrong key, or the data was changed/)
  check(() => Vault.load(Buffer.from('not a vault'), KEY), /not an exported/)
  check(() => vault.export(Buffer.from('short')), /32 bytes/)
  assert.throws(() => vault.export('a string key'), TypeError)
  assert.throws(() => scanner().tokenize('x', {}), TypeError)
})

test('pseudonyms are pinned across languages and restore with a vault', () => {
  const s = new Scanner({ actions: { EMAIL: 'pseudonym' }, key: 'tenant-a-key', scope: 'conversation-42' })
  // The same string as the Rust and Python suites.
  assert.equal(s.redact('to Bob@Example.com'), 'to <EMAIL_ca42dcc2f5189d6e>')
  const other = new Scanner({ actions: { EMAIL: 'pseudonym' }, key: 'tenant-b-key', scope: 'conversation-42' })
  assert.notEqual(other.redact('to Bob@Example.com'), 'to <EMAIL_ca42dcc2f5189d6e>')
  const vault = new Vault()
  assert.equal(s.tokenize('to Bob@Example.com, ssn 536-22-8417', vault), 'to <EMAIL_ca42dcc2f5189d6e>, ssn <US_SSN_1>')
  assert.equal(vault.restore('mail email_ca42dcc2f5189d6e'), 'mail Bob@Example.com')
  const t = new Scanner({ actions: { EMAIL: 'tokenize' } })
  assert.equal(t.redact('bob@example.com'), '[EMAIL]', 'without a vault, tokenize labels')
})

test('redactOutput redacts new values and restores known ones', () => {
  const vault = new Vault()
  scanner().tokenize(PROMPT, vault)
  const answer = 'Hello <email_1>, I also found eve@example.net.'
  assert.equal(scanner().redactOutput(answer, vault), 'Hello jane.doe@example.org, I also found <EMAIL_2>.')
  assert.equal(vault.restore('<EMAIL_2>'), 'eve@example.net')
})
