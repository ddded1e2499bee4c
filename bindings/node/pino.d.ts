// Type definitions for scrubline/pino.
import type { Scanner } from './index'

/**
 * pino options that redact every log line by value: the message, all fields at any depth,
 * child bindings, serializer output and numbers. Your own `serializers`, `formatters.log`,
 * `formatters.bindings` and `onChild` are kept and run first.
 *
 * ```js
 * const logger = pino(scrublinePino({ level: 'info' }))
 * ```
 */
declare function pinoOptions<T extends object = {}>(
  options?: T,
  config?: pinoOptions.ScrublinePinoConfig,
): T & {
  serializers: Record<string, (value: any) => any>
  formatters: Record<string, (value: any) => any>
  onChild: (child: any) => void
}

declare namespace pinoOptions {
  export interface ScrublinePinoConfig {
    /** Scanner to use (default: one over the embedded default packs, shared). */
    scanner?: Scanner
    /** Scan numbers and bigints as text too (default true). */
    numbers?: boolean
  }
  export { pinoOptions, pinoOptions as default }
}

export = pinoOptions
