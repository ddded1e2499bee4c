'use strict'
// The examples in examples/node run to completion and print no planted value. They need
// `npm install` in examples/node (scripts/test-node.sh does it); skipped, saying so, otherwise.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { execFileSync } = require('node:child_process')

const DIR = path.resolve(__dirname, '..', '..', '..', 'examples', 'node')
const installed = fs.existsSync(path.join(DIR, 'node_modules', 'scrubline'))
const PLANTED = [
  'jane.roe@example.org',
  '4111 1111 1111 1111',
  '536-22-8726',
  'AKIAQ3EGRDVHXPAE7N2M',
  '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',
  '203.0.113.7',
]

for (const [file, expect] of [
  ['http-prompt-gateway.js', /model saw: Draft a reply to \[EMAIL\]/],
  ['pino-logger.js', /"email":"\[EMAIL\]"/],
  ['scrub-folder.js', /4 files, 3 redacted/],
]) {
  test(`example ${file}`, { skip: !installed && 'run npm install in examples/node first' }, () => {
    const out = execFileSync(process.execPath, [file], { cwd: DIR, timeout: 60_000, encoding: 'utf8' })
    assert.match(out, expect)
    for (const v of PLANTED) assert.ok(!out.includes(v), `${file} printed a planted value`)
  })
}

// The chat loop shows the user their own values back (that is its point): they must never be
// in what the model saw, and every one must be in the restored answers.
test('example chat-loop.js', { skip: !installed && 'run npm install in examples/node first' }, () => {
  const out = execFileSync(process.execPath, ['chat-loop.js'], { cwd: DIR, timeout: 60_000, encoding: 'utf8' })
  const lines = (prefix) => out.split('\n').filter((l) => l.startsWith(prefix)).join('\n')
  const saw = lines('model saw:')
  const said = lines('model said:')
  const answers = lines('assistant:')
  assert.match(saw, /<EMAIL_1>/)
  assert.match(said, /\|/, 'the answer was streamed in chunks')
  for (const v of ['jane.roe@example.org', '536-22-8726', '4111 1111 1111 1111', 'AKIAQ3EGRDVHXPAE7N2M', '203.0.113.7']) {
    assert.ok(!saw.includes(v) && !said.includes(v), `the model saw ${v}`)
    assert.ok(answers.includes(v), `${v} was not restored`)
  }
  assert.match(out, /output check: Rotate AKIAQ3EGRDVHXPAE7N2M and use <AWS_ACCESS_KEY_2> instead\./)
})
