/**
 * Bounded retries with exponential backoff and jitter (each delay is scaled by a random factor
 * between 1 and 2), on top of p-retry.
 */
import pRetry, { type RetryContext } from 'p-retry'

export interface BackoffOptions {
  /** Retries after the first attempt; 0 means a single attempt. */
  readonly retries: number
  readonly minDelayMs: number
  readonly maxDelayMs: number
  readonly signal?: AbortSignal
  /** Called after each failed attempt that will be retried, before the wait. */
  readonly onRetry?: (context: RetryContext) => void
  /** Return false to stop retrying at once (the error is then thrown). */
  readonly shouldRetry?: (error: unknown) => boolean
}

export function withBackoff<T>(attempt: () => Promise<T>, options: BackoffOptions): Promise<T> {
  return pRetry(attempt, {
    retries: options.retries,
    factor: 2,
    minTimeout: options.minDelayMs,
    maxTimeout: options.maxDelayMs,
    randomize: true,
    ...(options.signal ? { signal: options.signal } : {}),
    onFailedAttempt: (context) => {
      if (context.retriesLeft > 0) options.onRetry?.(context)
    },
    shouldRetry: (context) => options.shouldRetry?.(context.error) ?? true,
  })
}
