/**
 * Tells a consumer stream that fails now and then (a broker restart: rejoin at once) from one
 * that fails every time (a record batch the client cannot decode: back off, and say so).
 *
 * A stream is healthy again once it delivered a record or stayed up for `stableMs`. Until then,
 * each failure counts towards a run of failures; from the second one on, rejoining waits
 * `minPauseMs · 2^(failures - 2)`, at most `maxPauseMs`, and the stream counts as failing.
 */
export interface StreamHealthOptions {
  readonly minPauseMs: number
  readonly maxPauseMs: number
  readonly stableMs: number
}

export class StreamHealth {
  private failures = 0
  private startedAt = Number.NEGATIVE_INFINITY
  private records = 0

  constructor(private readonly options: StreamHealthOptions) {}

  /** A stream (re)started at `now`. */
  started(now: number): void {
    this.startedAt = now
    this.records = 0
  }

  /** The stream delivered a record. */
  delivered(): void {
    this.records++
  }

  /** The stream failed at `now`. Returns how long to wait before rejoining. */
  failed(now: number): number {
    this.failures = this.recovered(now) ? 1 : this.failures + 1
    if (this.failures < 2) return 0
    const exponent = Math.min(this.failures - 2, 30)
    return Math.min(this.options.minPauseMs * 2 ** exponent, this.options.maxPauseMs)
  }

  /** Failures in the current run (0 before the first). */
  get consecutiveFailures(): number {
    return this.failures
  }

  /** True while the current stream follows a run of failures and has not proven itself yet. */
  failing(now: number): boolean {
    return this.failures >= 2 && !this.recovered(now)
  }

  private recovered(now: number): boolean {
    return this.records > 0 || now - this.startedAt >= this.options.stableMs
  }
}
