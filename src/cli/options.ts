/**
 * What the command-line tools share: their Kafka coordinates, number flags and error text.
 *
 * Kafka coordinates: a flag, else the service's own variable, else the local broker that
 * `scripts/kafka.sh` starts.
 */
import { errorMessage } from '../errors.js'

export function cliBrokers(flag: string | undefined): string[] {
  const value =
    flag ?? setting('KAFKA_BROKERS') ?? `127.0.0.1:${setting('LOCAL_KAFKA_PORT') ?? '9092'}`
  return value
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '')
}

export function cliTopic(flag: string | undefined): string {
  return flag ?? setting('KAFKA_TOPIC') ?? 'chat_messages'
}

/** A variable of the environment (or `.env`); empty counts as unset, as in the service. */
function setting(name: string): string | undefined {
  const value = process.env[name]?.trim()
  return value === '' ? undefined : value
}

export function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new Error(`--${name} must be a whole number >= 1 (got ${JSON.stringify(value)})`)
  }
  return Number(value)
}

/**
 * Why a request to Kafka failed, naming the brokers tried. The client's own errors say only
 * "metadata failed 4 times."; the innermost error of the ones it collected says why.
 */
export function kafkaFailure(brokers: readonly string[], error: unknown): string {
  const message = errorMessage(error).replace(/\.$/, '')
  const cause = errorMessage(innermostError(error))
  const why = cause !== errorMessage(error) ? ` (last error: ${cause})` : ''
  return `Kafka at ${brokers.join(',')}: ${message}${why}`
}

/** Follows the last of an aggregate's errors, and causes, down to the first error. */
function innermostError(error: unknown): unknown {
  let current = error
  for (let depth = 0; depth < 10 && typeof current === 'object' && current !== null; depth++) {
    const { errors, cause } = current as { errors?: unknown; cause?: unknown }
    const next: unknown = Array.isArray(errors) ? errors.at(-1) : cause
    if (next === undefined) break
    current = next
  }
  return current
}
