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
 * 4 / N characters), `pseudonym` (`<EMAIL_9f3a…>`, needs `key`), `remove`, `report` (detect only). */
export type Action = 'label' | 'mask' | `mask:${number}` | 'pseudonym' | 'remove' | 'report'

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
  /** The active rules. */
  rules(): RuleInfo[]
  /** The packs this scanner was built from. */
  packs(): PackInfo[]
}

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
