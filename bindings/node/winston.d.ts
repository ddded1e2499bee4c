// Type definitions for scrubline/winston.
import type { Scanner } from './index'

export interface ScrublineWinstonOptions {
  /** Scanner to use (default: one over the embedded default packs, shared). */
  scanner?: Scanner
  /** Scan numbers and bigints as text too (default true). */
  numbers?: boolean
}

/** A winston format that redacts every entry by value; put it before the serializing format:
 * `winston.format.combine(scrubline(), winston.format.json())`. */
export declare function scrubline(options?: ScrublineWinstonOptions): import('logform').Format
export { scrubline as format }
