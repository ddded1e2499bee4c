'use strict'
// A chat loop that never shows the model a real value, yet shows the user real answers.
//
//   node chat-loop.js
//
// Each user message is tokenized into the conversation's vault (`<EMAIL_1>`, `<US_SSN_1>`, ...);
// the model answers with those placeholders, streamed in random chunks and mangled the way models
// do (`<email_1>`, `EMAIL_1`, `< EMAIL_1 >`); the answer is restored as the deltas arrive, with
// `restoreStream` (async iterables) on odd turns and `restoreTransform` (web streams) on even
// ones. Between turns the vault is exported (encrypted) and loaded again, as a web service would
// between requests. The "model" is a local fake: nothing leaves the machine.

const crypto = require('node:crypto')
const { Scanner, Vault, restoreStream, restoreTransform, scan } = require('scrubline')

const scanner = new Scanner()
// In production: a 32-byte key from your secret store, the same in every process.
const VAULT_KEY = crypto.randomBytes(32)

const USER_MESSAGES = [
  "Hi, I'm jane.roe@example.org. My SSN 536-22-8726 shows up on a form, can you check it?",
  'Also my card 4111 1111 1111 1111 was charged twice, and please mail jane.roe@example.org.',
  'Our CI leaked AKIAQ3EGRDVHXPAE7N2M, from host 203.0.113.7. What now?',
]

// A seeded generator, so every run shows the same chunking.
let seed = 2026
const rand = (n) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n

/** What models do to placeholders they echo. */
function mangle(p) {
  const inner = p.slice(1, -1)
  const title = inner.charAt(0) + inner.slice(1).toLowerCase()
  return [p, `<${inner.toLowerCase()}>`, inner, `< ${inner} >`, `<${title}>`][rand(5)]
}

/** Echoes every placeholder of the prompt back, mangled, in random chunks of 1 to 6 chars. */
function fakeModelAnswer(prompt) {
  const names = (prompt.match(/<[A-Z][A-Z0-9_]*_[0-9]+>/g) || []).map(mangle)
  const answer = `Sure. I noted ${names.join(', ')}. Anything else?`
  const deltas = []
  for (let i = 0; i < answer.length; ) {
    const n = 1 + rand(6)
    deltas.push(answer.slice(i, i + n))
    i += n
  }
  return deltas
}

async function* fakeModel(deltas) {
  for (const d of deltas) {
    await new Promise((resolve) => setImmediate(resolve))
    yield d
  }
}

/** One request: load the conversation, tokenize, stream the answer back restored. */
async function turn(blob, message, useWebStreams) {
  const vault = Vault.load(blob, VAULT_KEY)
  const prompt = scanner.tokenize(message, vault)
  const said = fakeModelAnswer(prompt)
  let answer = ''
  if (useWebStreams) {
    const body = new ReadableStream({
      start(controller) {
        for (const d of said) controller.enqueue(d)
        controller.close()
      },
    })
    for await (const text of body.pipeThrough(restoreTransform(vault))) answer += text
  } else {
    for await (const text of restoreStream(fakeModel(said), vault)) answer += text
  }
  return { blob: vault.export(VAULT_KEY), prompt, said, answer }
}

async function main() {
  let blob = new Vault().export(VAULT_KEY)
  for (const [i, message] of USER_MESSAGES.entries()) {
    const t = await turn(blob, message, i % 2 === 1)
    blob = t.blob
    console.log(`user:       ${message}`)
    console.log(`model saw:  ${t.prompt}`)
    console.log(`model said: ${t.said.join('|')}`)
    console.log(`assistant:  ${t.answer}\n`)
    // The model never saw a value; the user gets every value back.
    if (scan(t.prompt).length > 0) throw new Error('a sensitive value reached the model')
    for (const f of scan(message)) {
      if (!t.answer.includes(message.slice(f.start, f.end))) throw new Error(`a ${f.type} placeholder was not restored`)
    }
  }

  // The model's own output can leak too: scan it, keep known values, redact new ones.
  const vault = Vault.load(blob, VAULT_KEY)
  const checked = scanner.redactOutput('Rotate AWS_ACCESS_KEY_1 and use AKIAZ7XKQ3MNPB4RT2VW instead.', vault)
  console.log(`output check: ${checked}`)
  if (checked.includes('AKIAZ7XKQ3MNPB4RT2VW') || !checked.includes('AKIAQ3EGRDVHXPAE7N2M')) {
    throw new Error('output scanning went wrong')
  }
  console.log(`vault: ${vault.size} placeholders, ${blob.length} encrypted bytes between requests`)
}

main().catch((e) => {
  console.error(e)
  process.exitCode = 1
})
