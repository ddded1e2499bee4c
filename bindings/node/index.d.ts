// Type definitions for scrubline (Node.js binding). Checked against the build by
// test/types.test.js: every runtime export and Scanner method is declared here and nothing else.

/// <reference types="node" />

/** Text input: a string, or UTF-8 bytes (`Buffer`, `Uint8Array`, any `ArrayBufferView`, `ArrayBuffer`). */
export type Input = string | Uint8Array | ArrayBufferView | ArrayBuffer

/** Category of a rule. */
export type Category = 'pii' | 'financial' | 'network' | 'national_id' | 'secret' | 'credential' | 'custom'

/** How much harm a leak of the value would do. */
export type Sensitivity = 'low' | 'medium' | 'high' | 'critical'

/** What to do with a finding: `label` (`[EMAIL]`, the default), `mask` / `mask:N` (keep the last
 * 4 / N characters), `pseudonym` (`<EMAIL_9f3a…>`, needs `key`), `tokenize` (`<EMAIL_1>` from a
 * vault in `scanner.tokenize`; a label without one), `remove`, `report` (detect only). */
export type Action = 'label' | 'mask' | `mask:${number}` | 'pseudonym' | 'tokenize' | 'remove' | 'report'

/**
 * One detected sensitive value. It never holds the value itself.
 *
 * Offsets: for string input, UTF-16 code units (`text.slice(start, end)` is the value); for byte
 * input, byte offsets (`buf.subarray(start, end)`). `end` is exclusive.
 */
export interface Finding {
  /** Rule id, e.g. `aws-access-key-id`. */
  rule: string
  /** Entity type, e.g. `AWS_ACCESS_KEY`, `EMAIL`, `US_SSN`. */
  type: string
  category: Category
  sensitivity: Sensitivity
  start: number
  end: number
  /** Confidence in 0..1. */
  confidence: number
}

/** A pattern pack: a TOML file path, or TOML source with a name used in errors. */
export type PackSpec = string | URL | { name?: string; toml: string } | { path: string }

export interface ScannerOptions {
  /** Extra packs, loaded after the default ones; a rule with an existing id replaces it. */
  packs?: PackSpec[]
  /** Keep only these rule ids, types or categories (e.g. `['EMAIL', 'secret']`). */
  rules?: string[]
  /** Disable these rule ids, types or categories. */
  disable?: string[]
  /** Action per rule id, type or category; the most specific target wins (id, then type, then
   * category), and among equals the last one. An array of pairs keeps an explicit order. */
  actions?: Record<string, Action | string> | Array<[string, Action | string]>
  /** Action for findings no `actions` entry targets (default `label`). */
  defaultAction?: Action | string
  /** HMAC key for `pseudonym` (a string is taken as UTF-8). */
  key?: string | Uint8Array
  /** Pseudonym scope, e.g. a tenant or conversation id. */
  scope?: string
  /** Minimum confidence of a finding, 0..1 (default 0.5). */
  threshold?: number
  /** Load the embedded default packs (default true). */
  defaultPacks?: boolean
  /** A policy (docs/policy.md): a TOML file path, TOML source (a string with a newline),
   * `{ toml }` or `{ path }`. The other options override it. */
  policy?: string | URL | { toml: string } | { path: string }
  /** Apply this tenant's overlay of the policy (`[tenant.NAME]`). */
  tenant?: string
}

/** A rule of a scanner. */
export interface RuleInfo {
  id: string
  name: string
  type: string
  category: Category
  sensitivity: Sensitivity
  /** Id of the pack the rule comes from. */
  pack: string
}

/** A pack a scanner was built from. */
export interface PackInfo {
  id: string
  version: string
  /** File name, or the name given with the TOML source. */
  source: string
}

/**
 * Finds and redacts sensitive values. Building one compiles its packs (milliseconds): build it
 * once and share it; it is immutable and safe under concurrent async calls.
 *
 * Redacting returns a string for a string (the very same string when nothing matched) and a
 * `Buffer` for bytes (a `Buffer` over the same memory when nothing matched). Invalid UTF-8 in
 * bytes is passed through unchanged; the valid runs around it are scanned.
 *
 * The async methods run on the libuv thread pool; the event loop only hands the input over (a
 * string is converted to UTF-8 on the main thread, bytes are not) and takes the result back. Do
 * not write to or transfer a buffer while a call on it is pending.
 */
export declare class Scanner {
  /** @throws {PatternError | PackError | PolicyError} for a bad pack, rule or option. */
  constructor(options?: ScannerOptions)
  redact(input: string): string
  redact(input: Uint8Array | ArrayBufferView | ArrayBuffer): Buffer
  redact(input: Input): string | Buffer
  scan(input: Input): Finding[]
  /** What `redact` and `scan` give, from one scan. */
  redactWithFindings(input: string): { redacted: string; findings: Finding[] }
  redactWithFindings(input: Uint8Array | ArrayBufferView | ArrayBuffer): { redacted: Buffer; findings: Finding[] }
  redactWithFindings(input: Input): { redacted: string | Buffer; findings: Finding[] }
  redactWithFindingsAsync(input: string): Promise<{ redacted: string; findings: Finding[] }>
  redactWithFindingsAsync(
    input: Uint8Array | ArrayBufferView | ArrayBuffer,
  ): Promise<{ redacted: Buffer; findings: Finding[] }>
  redactWithFindingsAsync(input: Input): Promise<{ redacted: string | Buffer; findings: Finding[] }>
  /** `redact` over many inputs on all cores; order is kept, each output has its input's kind. */
  redactBatch(inputs: Iterable<string>): string[]
  redactBatch(inputs: Iterable<Input>): Array<string | Buffer>
  scanBatch(inputs: Iterable<Input>): Finding[][]
  redactAsync(input: string): Promise<string>
  redactAsync(input: Uint8Array | ArrayBufferView | ArrayBuffer): Promise<Buffer>
  redactAsync(input: Input): Promise<string | Buffer>
  scanAsync(input: Input): Promise<Finding[]>
  redactBatchAsync(inputs: Iterable<string>): Promise<string[]>
  redactBatchAsync(inputs: Iterable<Input>): Promise<Array<string | Buffer>>
  scanBatchAsync(inputs: Iterable<Input>): Promise<Finding[][]>
  /**
   * `text` with every finding replaced by its placeholder in `vault` (`<EMAIL_1>`): the same
   * value (normalized: email case, number separators) always gets the same placeholder in a
   * vault. Findings under `pseudonym` keep their keyed pseudonym, recorded in the vault so it
   * restores too; `report` findings stay. The same string when nothing changed.
   */
  tokenize(text: string, vault: Vault): string
  /**
   * A model's answer, scanned and restored in one call. Detection runs first: every sensitive
   * value in `text` is tokenized into `vault`; then the placeholders the vault held before the
   * call are restored. Values the conversation knew appear in clear; new ones (a secret the
   * model invented) stay replaced by new placeholders, recorded in the vault.
   */
  redactOutput(text: string, vault: Vault): string
  /** The active rules. */
  rules(): RuleInfo[]
  /** The packs this scanner was built from. */
  packs(): PackInfo[]
  /** The audit report of scanning `text`: never a value (see docs/report-schema.md). */
  report(text: string): Report
  /** The redaction and its report, from one scan. */
  redactWithReport(text: string): { redacted: string; report: Report }
  /** Categories present in `text` and its highest sensitivity. */
  classify(text: string): Classification
  /** A JSON document redacted structurally: JSON text in, JSON text out; a value in, a value out. */
  redactJson(doc: string): string
  redactJson<T>(doc: T): T
  /** JSON lines, each redacted as a JSON document (a line that is not JSON: as text). */
  redactJsonLines(text: string): string
}

/** Categories present in a text and its highest sensitivity. */
export interface Classification {
  categories: Category[]
  types: string[]
  sensitivity: Sensitivity | null
  findings: number
}

/** One finding of a report: ids, span and a keyed fingerprint, never the value. */
export interface ReportFinding {
  input: number
  rule: string
  type: string
  category: Category
  sensitivity: Sensitivity
  action: string
  /** UTF-8 byte offsets in the input (in the string value, for JSON). */
  start: number
  end: number
  line?: number
  path?: string
  confidence: number
  /** 16 hex digits of HMAC-SHA256 over the normalized value. */
  fingerprint: string
}

/** An audit report (schema `scrubline.report/1`, docs/report-schema.md). */
export interface Report {
  schema: string
  policy: {
    id: string
    version: string
    hash: string
    tenant: string | null
    dictionaries: Array<{ id: string; terms: number; file_hash: string | null }>
  } | null
  packs: Array<{ id: string; version: string }>
  fingerprints: { algorithm: string; version: string; bits: number; key: 'configured' | 'ephemeral' }
  inputs: Array<{ index: number; name?: string; bytes: number; findings: number }>
  total: number
  by_rule: Record<string, number>
  by_type: Record<string, number>
  by_category: Record<string, number>
  by_action: Record<string, number>
  highest_sensitivity: Sensitivity | null
  findings: ReportFinding[]
}

/**
 * Redacts a stream chunk by chunk: `push` returns the redacted text that became final, `finish`
 * the rest; together they equal `scanner.redact` of the whole input, even when a value is split
 * across chunks. Memory stays bounded.
 */
export declare class StreamRedactor {
  constructor(scanner: Scanner)
  push(chunk: string): string
  finish(): string
  /** UTF-8 bytes held back so far. */
  readonly pending: number
}

/** Categories present in `text` and its highest sensitivity (default packs, or `options`). */
export declare function classify(text: string, options?: ScannerOptions): Classification

/** Bytes input for keys and exported vaults. */
export type Bytes = Uint8Array | ArrayBufferView | ArrayBuffer

/**
 * Placeholder <-> value store of one conversation, filled by `scanner.tokenize`. Safe under
 * concurrent calls; entries are only added; inspecting it shows the count, never contents.
 */
export declare class Vault {
  constructor()
  /** A vault from `export`'s output with the same 32-byte key.
   * @throws {VaultError} for a wrong key, changed data or something that is not a vault. */
  static load(blob: Bytes, key: Bytes): Vault
  /** Number of placeholders held. */
  readonly size: number
  /**
   * `text` with this vault's placeholders replaced by their values. Tolerates model mangling:
   * any case (`<email_1>`), missing brackets (`EMAIL_1`), up to three spaces inside both
   * brackets (`< EMAIL_1 >`); look-alikes (`<EMAIL_12>` when only `EMAIL_1` exists,
   * `XEMAIL_1Y`) stay. The same string when there was nothing to restore.
   */
  restore(text: string): string
  /** The vault encrypted (XChaCha20-Poly1305, random nonce) with `key`, 32 bytes
   * (e.g. `crypto.randomBytes(32)`). @throws {VaultError} for a key of another length. */
  export(key: Bytes): Buffer
}

/**
 * Restores a model's streamed answer delta by delta. `push` returns the restored text ready to
 * emit, holding back only a suffix that could still become a placeholder (at most 7 bytes more
 * than the vault's longest `TYPE_ID`); `finish` flushes it and readies the restorer for a new
 * stream. Joined, the output equals `vault.restore` of the whole answer, however it was split.
 */
export declare class Restorer {
  constructor(vault: Vault)
  push(delta: string): string
  finish(): string
  /** UTF-8 bytes held back now. */
  readonly heldBack: number
}

/** Restored text of a stream of string deltas, as early as possible (never an empty string). */
export declare function restoreStream(
  deltas: AsyncIterable<string> | Iterable<string>,
  vault: Vault,
): AsyncGenerator<string, void, undefined>
/** A web `TransformStream` of strings that restores placeholders (put a `TextDecoderStream`
 * before it for bytes). */
export declare function restoreTransform(vault: Vault): TransformStream<string, string>

/** Redacts with the embedded default packs, or with a scanner built from `options` (kept in a
 * small cache; build a `Scanner` yourself for anything repeated). */
export declare function redact(input: string, options?: ScannerOptions): string
export declare function redact(input: Uint8Array | ArrayBufferView | ArrayBuffer, options?: ScannerOptions): Buffer
export declare function redact(input: Input, options?: ScannerOptions): string | Buffer
/** Scans with the embedded default packs (or a cached scanner built from `options`). */
export declare function scan(input: Input, options?: ScannerOptions): Finding[]
export declare function redactAsync(input: string, options?: ScannerOptions): Promise<string>
export declare function redactAsync(input: Uint8Array | ArrayBufferView | ArrayBuffer, options?: ScannerOptions): Promise<Buffer>
export declare function redactAsync(input: Input, options?: ScannerOptions): Promise<string | Buffer>
export declare function scanAsync(input: Input, options?: ScannerOptions): Promise<Finding[]>

/** Stable error codes. `SCRUBLINE_INTERNAL` marks a bug caught at the native boundary. */
export type ErrorCode =
  | 'SCRUBLINE_PATTERN'
  | 'SCRUBLINE_PACK'
  | 'SCRUBLINE_POLICY'
  | 'SCRUBLINE_INPUT'
  | 'SCRUBLINE_VAULT'
  | 'SCRUBLINE_INTERNAL'
  | 'SCRUBLINE_ERROR'

/** Base class of every error scrubline throws. Messages never include scanned input.
 * (Wrong argument types throw a plain `TypeError`.) */
export declare class ScrublineError extends Error {
  readonly code: ErrorCode
  /** Pack or policy file (or the name given to inline TOML), if known. */
  readonly sourceName: string | null
  /** Rule id, if the error is about one. */
  readonly rule: string | null
  /** 1-based line in the pack file, if known. */
  readonly line: number | null
  /** 1-based column in the pack file, if known. */
  readonly column: number | null
}
/** `SCRUBLINE_PATTERN`: a rule's regex does not compile, is too large or matches empty text. */
export declare class PatternError extends ScrublineError {}
/** `SCRUBLINE_PACK`: a pack is malformed or cannot be read. */
export declare class PackError extends ScrublineError {}
/** `SCRUBLINE_POLICY`: an option names something unknown or is out of range. */
export declare class PolicyError extends ScrublineError {}
/** `SCRUBLINE_INPUT`: input was refused. */
export declare class InputError extends ScrublineError {}
/** `SCRUBLINE_VAULT`: a vault could not be read, written or decrypted. */
export declare class VaultError extends ScrublineError {}

/** The package version (same as the Rust crates). */
export declare const version: string
