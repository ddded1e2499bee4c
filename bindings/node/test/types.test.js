'use strict'
// The type declarations against the build:
// - native.d.ts (committed) equals the one `npm run build` just generated into build/;
// - index.d.ts declares exactly the runtime exports of index.js, and Scanner exactly its methods;
// - the native module has exactly the methods native.d.ts declares;
// - test/types/usage.ts compiles with --strict against index.d.ts, pino.d.ts and winston.d.ts.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const ts = require('typescript')
const scrubline = require('..')

const ROOT = path.resolve(__dirname, '..')

function program(files) {
  return ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    types: ['node'],
    typeRoots: [path.join(ROOT, 'node_modules', '@types')],
  })
}

/** Exported value names of a declaration file, and the members of its exported classes. */
function declared(file) {
  const p = program([file])
  const checker = p.getTypeChecker()
  const sym = checker.getSymbolAtLocation(p.getSourceFile(file))
  const values = []
  const classes = {}
  for (const e of checker.getExportsOfModule(sym)) {
    if (!(e.flags & ts.SymbolFlags.Value)) continue
    values.push(e.name)
    if (e.flags & ts.SymbolFlags.Class) {
      const t = checker.getDeclaredTypeOfSymbol(e)
      classes[e.name] = checker
        .getPropertiesOfType(t)
        .filter((m) => m.flags & ts.SymbolFlags.Method)
        .map((m) => m.name)
        .sort()
    }
  }
  return { values: values.sort(), classes }
}

function methods(cls) {
  return Object.getOwnPropertyNames(cls.prototype)
    .filter((n) => n !== 'constructor' && typeof cls.prototype[n] === 'function')
    .sort()
}

test('native.d.ts is what the build generates', () => {
  const built = path.join(ROOT, 'build', 'native.d.ts')
  assert.ok(fs.existsSync(built), 'build/native.d.ts exists (run npm run build)')
  assert.equal(
    fs.readFileSync(path.join(ROOT, 'native.d.ts'), 'utf8'),
    fs.readFileSync(built, 'utf8'),
    'native.d.ts is stale: cp build/native.d.ts native.d.ts after a build',
  )
})

test('the native module has exactly the declared methods', () => {
  const native = require('../build/native.js')
  const d = declared(path.join(ROOT, 'native.d.ts'))
  assert.deepEqual(Object.keys(native).filter((k) => k !== '__napiBindingTarget').sort(), d.values.filter((k) => k !== '__napiBindingTarget'))
  assert.deepEqual(methods(native.NativeScanner), d.classes.NativeScanner)
})

test('index.d.ts declares exactly the runtime exports and Scanner methods', () => {
  const d = declared(path.join(ROOT, 'index.d.ts'))
  assert.deepEqual(Object.keys(scrubline).sort(), d.values)
  assert.deepEqual(methods(scrubline.Scanner), d.classes.Scanner)
  assert.deepEqual(methods(scrubline.Vault), d.classes.Vault)
  assert.deepEqual(methods(scrubline.Restorer), d.classes.Restorer)
  for (const name of ['ScrublineError', 'PatternError', 'PackError', 'PolicyError', 'InputError', 'VaultError']) {
    assert.equal(typeof scrubline[name], 'function')
  }
})

test('package.json exports resolve to files with declarations', () => {
  const pkg = require('../package.json')
  for (const [sub, target] of Object.entries(pkg.exports)) {
    if (typeof target === 'string') continue
    assert.ok(fs.existsSync(path.join(ROOT, target.default)), `${sub} -> ${target.default}`)
    assert.ok(fs.existsSync(path.join(ROOT, target.types)), `${sub} -> ${target.types}`)
  }
  assert.equal(typeof require('scrubline/pino'), 'function')
  assert.equal(typeof require('scrubline/winston').scrubline, 'function')
})

test('the declarations type-check a usage file with --strict', () => {
  const p = program([path.join(__dirname, 'types', 'usage.ts')])
  const diags = ts.getPreEmitDiagnostics(p)
  const text = diags.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('\n')
  assert.equal(diags.length, 0, text)
})
