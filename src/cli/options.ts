/**
 * Kafka coordinates for the command-line tools: a flag, else the service's own variable, else the
 * local broker that `scripts/kafka.sh` starts.
 */
export function cliBrokers(flag: string | undefined): string[] {
  const value =
    flag ?? process.env['KAFKA_BROKERS'] ?? `127.0.0.1:${process.env['LOCAL_KAFKA_PORT'] ?? '9092'}`
  return value
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '')
}

export function cliTopic(flag: string | undefined): string {
  return flag ?? process.env['KAFKA_TOPIC'] ?? 'chat_messages'
}

export function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new Error(`--${name} must be a whole number >= 1 (got ${JSON.stringify(value)})`)
  }
  return Number(value)
}
