'use strict'
// A chat endpoint that redacts the user's prompt before it reaches the model and logs only
// metadata (counts per type, never values). The "model" is a local stand-in that echoes what it
// receives, so you can see what would have left your network.
//
//   node http-prompt-gateway.js           # starts on 127.0.0.1, sends itself two requests, exits
//   node http-prompt-gateway.js --serve   # keeps serving; then:
//   curl -s localhost:8787/chat -d '{"prompt":"my SSN is 536-22-8726"}'

const http = require('node:http')
const { Scanner } = require('scrubline')

// Build once at startup (compiling the packs takes milliseconds), share across requests.
const scanner = new Scanner()
const MAX_BODY = 1 << 20
const ASYNC_ABOVE = 64 << 10 // large prompts are redacted on the thread pool

/** Stand-in for a model API call (no network). */
async function fakeModel(prompt) {
  return `model saw: ${prompt}`
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = []
    let size = 0
    req.on('data', (c) => {
      size += c.length
      if (size > MAX_BODY) {
        reject(Object.assign(new Error('body too large'), { status: 413 }))
        req.destroy()
      } else chunks.push(c)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

async function chat(req, res) {
  const body = JSON.parse((await readBody(req)).toString('utf8'))
  if (typeof body.prompt !== 'string') throw Object.assign(new Error('prompt must be a string'), { status: 400 })
  const prompt = body.prompt
  // One scan gives both the redacted prompt and what was found in it.
  const { redacted: safePrompt, findings } =
    prompt.length > ASYNC_ABOVE ? await scanner.redactWithFindingsAsync(prompt) : scanner.redactWithFindings(prompt)
  // Metadata only: which kinds of values were removed, never the values.
  const counts = {}
  for (const f of findings) counts[f.type] = (counts[f.type] || 0) + 1
  console.log(JSON.stringify({ event: 'prompt', chars: prompt.length, redacted: counts }))
  const answer = await fakeModel(safePrompt)
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end(JSON.stringify({ answer, redacted: counts }))
}

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/chat') {
    res.writeHead(404).end()
    return
  }
  chat(req, res).catch((e) => {
    res.writeHead(e.status || 500, { 'content-type': 'application/json' })
    // Errors are reported by kind; a prompt never goes into a log or an error response.
    res.end(JSON.stringify({ error: e.status ? e.message : 'internal error' }))
  })
})

async function demo(port) {
  const prompts = [
    'Draft a reply to jane.roe@example.org: her card 4111 1111 1111 1111 was charged twice, SSN: 536-22-8726.',
    'Why does my deploy fail? AWS_ACCESS_KEY_ID=AKIAQ3EGRDVHXPAE7N2M is set in the environment.',
  ]
  for (const prompt of prompts) {
    const r = await fetch(`http://127.0.0.1:${port}/chat`, { method: 'POST', body: JSON.stringify({ prompt }) })
    const { answer } = await r.json()
    console.log(`-> ${answer}`)
  }
}

const serve = process.argv.includes('--serve')
server.listen(serve ? Number(process.env.PORT || 8787) : 0, '127.0.0.1', async () => {
  const { port } = server.address()
  if (serve) {
    console.log(`listening on http://127.0.0.1:${port}/chat`)
    return
  }
  try {
    await demo(port)
  } finally {
    server.close()
  }
})
