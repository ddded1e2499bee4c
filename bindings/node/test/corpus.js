'use strict'
// Loads the shared case corpus (testdata/cases*.toml, in name order), as every front end does.
// Offsets there are Unicode code points; these helpers convert.

const fs = require('node:fs')
const path = require('node:path')
const { parse } = require('smol-toml')

const DIR = path.resolve(__dirname, '..', '..', '..', 'testdata')

/** Every case of every corpus file, with its file name; [] when there is no corpus. */
function loadCases() {
  let names
  try {
    names = fs.readdirSync(DIR)
  } catch {
    return []
  }
  const files = names.filter((n) => n.startsWith('cases') && n.endsWith('.toml')).sort()
  const cases = []
  for (const f of files) {
    const doc = parse(fs.readFileSync(path.join(DIR, f), 'utf8'))
    for (const c of doc.case || []) cases.push({ ...c, expect: c.expect || [], file: f })
  }
  return cases
}

/** Code-point offset of UTF-16 offset `i` in `text`. */
function cpOfUtf16(text, i) {
  let cp = 0
  for (let j = 0; j < i; j++) {
    const c = text.charCodeAt(j)
    // A high surrogate followed by a low one is one code point.
    if (c >= 0xd800 && c <= 0xdbff && j + 1 < i) {
      const d = text.charCodeAt(j + 1)
      if (d >= 0xdc00 && d <= 0xdfff) j++
    }
    cp++
  }
  return cp
}

/** Code-point offset of byte offset `b` in the UTF-8 encoding of `text`. */
function cpOfByte(buf, b) {
  return Array.from(buf.subarray(0, b).toString('utf8')).length
}

/** The value an expectation points at (code-point offsets). */
function valueAt(text, start, end) {
  return Array.from(text).slice(start, end).join('')
}

module.exports = { DIR, loadCases, cpOfUtf16, cpOfByte, valueAt }
