/**
 * Kafka coordinates for the command-line tools: a flag, else the service's own variable, else the
 * local broker that `scripts/kafka.sh` starts.
 */
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
