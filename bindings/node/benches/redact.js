'use strict'
// Per-call cost of redact/scan on a ~2 KB prompt from Node (the bar: median redact <= 15 us).
// Not a test: run `node benches/redact.js` after `npm run build`. It checks its answers first.
//
// Method: after a warm-up, time rounds of 200 calls with process.hrtime.bigint() and report the
// median and p90 per call over the rounds (the median of rounds is robust to GC pauses and to
// other processes on a shared machine).

const assert = require('node:assert')
const { Scanner } = require('..')

const ROUNDS = Number(process.env.ROUNDS || 300)
const PER_ROUND = 200

function prompt(withPii) {
  const para =
    'You are a support assistant. Summarize the conversation below for the ticket, keep the ' +
    'customer tone, list the actions taken and the open questions, and never invent facts. '
  let s = ''
  while (s.length < 1700) s += para
  if (withPii) {
    s +=
      'Customer: Jane Roe, email jane.roe@example.org, phone (415) 555-0132, SSN: 536-22-8726, ' +
      'card 4111 1111 1111 1111 exp 09/29, she asked us to call back from 10.20.30.40 tomorrow. '
  } else {
    s +=
      'Customer: Jane Roe asked about her last invoice and the delivery window for the order; ' +
      'the agent promised a callback tomorrow morning before noon, local time, by phone. '
  }
  while (s.length < 2048) s += ' '
  return s.slice(0, 2048)
}

function measure(fn) {
  for (let i = 0; i < 2000; i++) fn()
  const per = []
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < PER_ROUND; i++) fn()
    per.push(Number(process.hrtime.bigint() - t0) / PER_ROUND / 1000)
  }
  per.sort((a, b) => a - b)
  return { median: per[Math.floor(per.length / 2)], p90: per[Math.floor(per.length * 0.9)], min: per[0] }
}

function fmt(name, bytes, m) {
  const mbs = bytes / m.median // bytes per us = MB/s
  console.log(
    `${name.padEnd(34)} median ${m.median.toFixed(2).padStart(7)} us   p90 ${m.p90.toFixed(2).padStart(7)} us` +
      `   min ${m.min.toFixed(2).padStart(7)} us   ${mbs.toFixed(0).padStart(5)} MB/s`,
  )
  return m
}

const scanner = new Scanner()
const dirty = prompt(true)
const clean = prompt(false)
const dirtyBuf = Buffer.from(dirty)
// Planted values by entity type; only types some active rule detects are checked (the default
// packs grow over time).
const planted = { EMAIL: 'jane.roe@example.org', US_SSN: '536-22-8726', CREDIT_CARD: '4111 1111 1111 1111' }
const types = new Set(scanner.rules().map((r) => r.type))

// Check the answers before timing them.
const out = scanner.redact(dirty)
for (const [t, v] of Object.entries(planted)) {
  if (types.has(t)) assert.ok(!out.includes(v), `planted ${t} survived`)
}
assert.strictEqual(scanner.redact(clean), clean, 'a clean prompt must come back as the same string')
assert.ok(scanner.scan(dirty).length >= 2)
assert.strictEqual(scanner.redact(dirtyBuf).toString(), out)

console.log(`node ${process.version}, ${dirty.length}-byte prompt, ${scanner.rules().length} rules, ` +
  `${scanner.scan(dirty).length} findings in the dirty prompt`)
const results = {
  redactDirty: fmt('redact(string), 2 KB with PII', dirty.length, measure(() => scanner.redact(dirty))),
  redactClean: fmt('redact(string), 2 KB clean', clean.length, measure(() => scanner.redact(clean))),
  redactBuffer: fmt('redact(Buffer), 2 KB with PII', dirtyBuf.length, measure(() => scanner.redact(dirtyBuf))),
  scanDirty: fmt('scan(string), 2 KB with PII', dirty.length, measure(() => scanner.scan(dirty))),
  scanClean: fmt('scan(string), 2 KB clean', clean.length, measure(() => scanner.scan(clean))),
}
const bar = 15
const ok = results.redactDirty.median <= bar
console.log(`bar: median redact on a 2 KB prompt <= ${bar} us: ${ok ? 'met' : 'NOT met'} ` +
  `(${results.redactDirty.median.toFixed(2)} us)`)
if (process.env.BENCH_JSON) console.log(JSON.stringify(results))
