// Compiled with --strict by test/types.test.js (never run): the declarations must accept the
// documented uses and give the documented result types.
import {
  Scanner,
  redact,
  scan,
  redactAsync,
  scanAsync,
  ScrublineError,
  PatternError,
  PackError,
  PolicyError,
  InputError,
  VaultError,
  Vault,
  Restorer,
  restoreStream,
  restoreTransform,
  version,
  type Finding,
  type ScannerOptions,
  type ErrorCode,
} from '../../index'
import scrublinePino = require('../../pino')
import { scrubline as scrublineWinston } from '../../winston'

const options: ScannerOptions = {
  packs: ['extra.toml', { name: 'inline.toml', toml: '[pack]' }, { path: 'x.toml' }],
  rules: ['EMAIL', 'secret'],
  disable: ['ipv4'],
  actions: { EMAIL: 'mask:4', secret: 'pseudonym' },
  defaultAction: 'label',
  key: Buffer.from('k'),
  scope: 'tenant',
  threshold: 0.6,
  defaultPacks: true,
}
const s = new Scanner(options)
const a: string = s.redact('text')
const b: Buffer = s.redact(Buffer.from('text'))
const c: Buffer = s.redact(new Uint8Array(4))
const f: Finding[] = s.scan('text')
const first: Finding | undefined = f[0]
if (first) {
  const n: number = first.start + first.end + first.confidence
  const names: string = first.rule + first.type + first.category + first.sensitivity
  void n
  void names
}
const both: { redacted: string; findings: Finding[] } = s.redactWithFindings('a')
const bothBytes: Buffer = s.redactWithFindings(Buffer.from('a')).redacted
const batch: string[] = s.redactBatch(['a', 'b'])
const mixed: Array<string | Buffer> = s.redactBatch(['a', Buffer.from('b')])
const fb: Finding[][] = s.scanBatch(['a', new Uint8Array(1)])
async function run(): Promise<void> {
  const x: string = await s.redactAsync('a')
  const y: Buffer = await s.redactAsync(Buffer.from('a'))
  const z: Finding[] = await s.scanAsync('a')
  const w: string[] = await s.redactBatchAsync(['a'])
  const v: Finding[][] = await s.scanBatchAsync(['a'])
  const t: string = await redactAsync('a')
  const u: Finding[] = await scanAsync(Buffer.from('a'))
  const q: Buffer = (await s.redactWithFindingsAsync(Buffer.from('a'))).redacted
  void [x, y, z, w, v, t, u, q]
}
const top: string = redact('a', { rules: ['EMAIL'] })
const found: Finding[] = scan('a')
try {
  new Scanner({ rules: ['X'] })
} catch (e) {
  if (e instanceof ScrublineError) {
    const code: ErrorCode = e.code
    const where: string | null = e.sourceName
    const line: number | null = e.line
    void [code, where, line, e.rule, e.column]
  }
  const all = [PatternError, PackError, PolicyError, InputError, VaultError]
  void all
}
const rules = s.rules().map((r) => r.id + r.type + r.pack)
const packs = s.packs().map((p) => p.id + p.version + p.source)
const v: string = version

const pinoOpts = scrublinePino({ level: 'info' }, { scanner: s, numbers: false })
const lvl: string = pinoOpts.level
const fmt = scrublineWinston({ scanner: s })
void [a, b, c, both, bothBytes, batch, mixed, fb, run, top, found, rules, packs, v, lvl, fmt]

const vault = new Vault()
const tokenized: string = s.tokenize('a', vault)
const checked: string = s.redactOutput('a', vault)
const blob: Buffer = vault.export(Buffer.alloc(32))
const loaded: Vault = Vault.load(blob, new Uint8Array(32))
const restored: string = loaded.restore(tokenized)
const size: number = vault.size
const restorer = new Restorer(vault)
const part: string = restorer.push('<EMA') + restorer.finish()
const held: number = restorer.heldBack
async function llm(deltas: AsyncIterable<string>): Promise<string> {
  let out = ''
  for await (const t of restoreStream(deltas, vault)) out += t
  for await (const t of restoreStream(['a', 'b'], vault)) out += t
  const ts: TransformStream<string, string> = restoreTransform(vault)
  void ts
  return out
}
void [checked, restored, size, part, held, llm]

// @ts-expect-error: numbers are not input
s.redact(42)
// @ts-expect-error: a vault is a Vault
s.tokenize('a', {})
// @ts-expect-error: unknown option names are refused
new Scanner({ action: {} })
