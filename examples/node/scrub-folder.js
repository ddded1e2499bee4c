'use strict'
// Scrub a folder of documents before indexing them (RAG ingestion, sharing a data set): every
// file is read as bytes, redacted with redactBatchAsync on all cores, and written to an output
// folder; a summary says what was removed per file (counts per type, never values). Bytes in,
// bytes out: invalid UTF-8 in a file passes through unchanged.
//
//   node scrub-folder.js IN_DIR OUT_DIR
//   node scrub-folder.js                  # scrubs a sample folder made in a temp dir (then removed)

const fs = require('node:fs/promises')
const os = require('node:os')
const path = require('node:path')
const { Scanner } = require('scrubline')

const BATCH = 256 // files per native call: bounds memory, keeps all cores busy

async function listFiles(dir) {
  const out = []
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) out.push(...(await listFiles(p)))
    else if (e.isFile()) out.push(p)
  }
  return out.sort()
}

async function sampleFolder() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'scrubline-docs-'))
  const docs = {
    'tickets/1001.txt': 'Customer jane.roe@example.org called about a double charge on 4111 1111 1111 1111.\n',
    'tickets/1002.txt': 'Refund issued. No personal data in this note.\n',
    'hr/onboarding.md': '# New hire\n\nName: John Q. Public\nSSN: 536-22-8726\nStart date: 2024-07-01\n',
    'ops/deploy.log': '2024-06-11T12:34:56Z deploy started key=AKIAQ3EGRDVHXPAE7N2M host=203.0.113.7\n',
  }
  for (const [name, text] of Object.entries(docs)) {
    await fs.mkdir(path.dirname(path.join(dir, name)), { recursive: true })
    await fs.writeFile(path.join(dir, name), text)
  }
  return dir
}

async function main() {
  const [inArg, outArg] = process.argv.slice(2)
  const inDir = inArg || (await sampleFolder())
  const outDir = outArg || `${inDir}-scrubbed`
  const scanner = new Scanner()
  const files = await listFiles(inDir)
  let changed = 0
  for (let i = 0; i < files.length; i += BATCH) {
    const names = files.slice(i, i + BATCH)
    const docs = await Promise.all(names.map((f) => fs.readFile(f)))
    const [redacted, findings] = await Promise.all([scanner.redactBatchAsync(docs), scanner.scanBatchAsync(docs)])
    for (let j = 0; j < names.length; j++) {
      const rel = path.relative(inDir, names[j])
      const target = path.join(outDir, rel)
      await fs.mkdir(path.dirname(target), { recursive: true })
      await fs.writeFile(target, redacted[j])
      const counts = {}
      for (const f of findings[j]) counts[f.type] = (counts[f.type] || 0) + 1
      if (findings[j].length) changed++
      console.log(`${rel}: ${findings[j].length ? JSON.stringify(counts) : 'clean'}`)
    }
  }
  console.log(`${files.length} files, ${changed} redacted -> ${outDir}`)
  if (!inArg) {
    const sample = path.join(outDir, 'hr', 'onboarding.md')
    console.log(`\nhr/onboarding.md after scrubbing:\n${await fs.readFile(sample, 'utf8')}`)
    // The sample folders were made for this run only.
    await fs.rm(inDir, { recursive: true, force: true })
    await fs.rm(outDir, { recursive: true, force: true })
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
