'use strict'
// Policies, reports, classify, JSON and streams through the Node binding.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const scrubline = require('..')

const POLICY = `
id = "node"
version = "1.0.0"
[actions]
EMAIL = "mask:4"
[allow]
values = ["help@example.com"]
[[deny]]
id = "customers"
type = "CUSTOMER_NAME"
terms = ["Globex", "Initech"]
[json.keys]
"**.password" = "remove"
[tenant.acme.actions]
EMAIL = "remove"
`

test('policy from source and from a file, with a tenant', () => {
  const s = new scrubline.Scanner({ policy: POLICY })
  assert.equal(
    s.redact('Globex mailed bob@example.com and help@example.com'),
    '[CUSTOMER_NAME] mailed ***********.com and help@example.com',
  )
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scrubline-policy-'))
  const file = path.join(dir, 'policy.toml')
  fs.writeFileSync(file, POLICY)
  assert.equal(new scrubline.Scanner({ policy: file, tenant: 'acme' }).redact('bob@example.com!'), '!')
  assert.equal(new scrubline.Scanner({ policy: { path: file } }).redact('Initech'), '[CUSTOMER_NAME]')
  assert.equal(new scrubline.Scanner({ policy: POLICY, actions: { EMAIL: 'label' } }).redact('bob@example.com'), '[EMAIL]')
})

test('policy errors carry code, line and column', () => {
  assert.throws(
    () => new scrubline.Scanner({ policy: POLICY.replace('"mask:4"', '"blur"') }),
    (e) => e instanceof scrubline.PolicyError && e.code === 'SCRUBLINE_POLICY' && e.line === 5 && e.column === 9,
  )
  assert.throws(() => new scrubline.Scanner({ policy: 'id = "x"\nversion = "1"\npseudonym_key = "k"\n' }), scrubline.PolicyError)
  assert.throws(() => new scrubline.Scanner({ policy: POLICY, tenant: 'nobody' }), scrubline.PolicyError)
  assert.throws(() => new scrubline.Scanner({ tenant: 'acme' }), scrubline.PolicyError)
})

test('reports hold counts and fingerprints, never values', () => {
  const s = new scrubline.Scanner({ policy: POLICY })
  const text = 'Initech: ssn 078-05-1120, mail bob@example.com'
  const { redacted, report } = s.redactWithReport(text)
  assert.equal(redacted, '[CUSTOMER_NAME]: ssn [US_SSN], mail ***********.com')
  assert.equal(report.schema, 'scrubline.report/1')
  assert.equal(report.policy.id, 'node')
  assert.equal(report.total, 3)
  assert.deepEqual(report.by_category, { custom: 1, national_id: 1, pii: 1 })
  const json = JSON.stringify(report)
  for (const v of ['Initech', '078-05-1120', 'bob@example.com']) assert.ok(!json.includes(v), v)
  const f = report.findings[1]
  assert.equal(Buffer.from(text).subarray(f.start, f.end).toString(), '078-05-1120')
  assert.equal(s.report(text).total, 3)
})

test('classify', () => {
  assert.deepEqual(scrubline.classify('key AKIAQ3EGRDVHXPAE7N2M, ssn 078-05-1120'), {
    categories: ['national_id', 'secret'],
    types: ['AWS_ACCESS_KEY', 'US_SSN'],
    sensitivity: 'critical',
    findings: 2,
  })
  assert.equal(new scrubline.Scanner().classify('nothing').sensitivity, null)
})

test('redactJson takes JSON text or values', () => {
  const s = new scrubline.Scanner({ policy: POLICY })
  assert.equal(
    s.redactJson('{"user":{"email":"bob@example.com","password":"x"},"n":1}'),
    '{"user":{"email":"***********.com","password":""},"n":1}',
  )
  const out = s.redactJson({ b: 1, a: { card: 4111111111111111, note: 'ssn 078-05-1120' }, z: [null, true] })
  assert.deepEqual(out, { b: 1, a: { card: '[CREDIT_CARD]', note: 'ssn [US_SSN]' }, z: [null, true] })
  assert.deepEqual(Object.keys(out), ['b', 'a', 'z'])
  assert.equal(s.redactJson('not json bob@example.com'), 'not json ***********.com')
  assert.equal(s.redactJsonLines('{"a":"bob@example.com"}\nbob@example.com\n'), '{"a":"***********.com"}\n***********.com\n')
})

test('StreamRedactor output equals one-shot output for any chunk size', () => {
  const s = new scrubline.Scanner()
  const text = 'mail bob@example.com, ssn 078-05-1120, 日本 key AKIAQ3EGRDVHXPAE7N2M 👩‍👩‍👧\n'.repeat(50)
  for (const size of [1, 3, 17, 4096]) {
    const r = new scrubline.StreamRedactor(s)
    let out = ''
    const chars = Array.from(text)
    for (let i = 0; i < chars.length; i += size) out += r.push(chars.slice(i, i + size).join(''))
    out += r.finish()
    assert.equal(out, s.redact(text), `chunk size ${size}`)
    assert.equal(r.pending, 0)
  }
  assert.throws(() => new scrubline.StreamRedactor({}), TypeError)
})
