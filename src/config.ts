/**
 * Configuration: every setting the service reads, its default, and how it is checked.
 *
 * The environment is read once at start. Every malformed value is reported together in one
 * ConfigError that names the variable, so a bad deployment fails before it touches Kafka or
 * ClickHouse.
 */
import { readFileSync } from 'node:fs'

/** Where ClickHouse lives: in this process (chDB) or behind an HTTP server. */
export type ClickHouseTarget =
  | { readonly mode: 'embedded'; readonly dataDir: string }
  | { readonly mode: 'server'; readonly url: string }

export interface ClickHouseConfig {
  readonly target: ClickHouseTarget
  readonly database: string
  readonly username: string
  readonly password: string
  /** Connection attempts at start before giving up (the process then exits with code 1). */
  readonly connectRetries: number
  /** First backoff delay; each later one doubles, with full jitter, up to connectMaxBackoffMs. */
  readonly connectBackoffMs: number
  readonly connectMaxBackoffMs: number
  readonly requestTimeoutMs: number
}

export interface KafkaConfig {
  readonly brokers: readonly string[]
  readonly topic: string
  readonly groupId: string
  readonly clientId: string
  /** Attempts to join the group at start before giving up (the process then exits with code 1). */
  readonly connectRetries: number
  readonly connectBackoffMs: number
  /**
   * How long the group waits for a silent member before handing its partitions to others; also
   * how long a restarted instance may wait to rejoin after a crash.
   */
  readonly sessionTimeoutMs: number
}

export interface BatchConfig {
  /** A batch is written once it holds this many rows ... */
  readonly maxRows: number
  /** ... or once its record values add up to this many bytes ... */
  readonly maxBytes: number
  /** ... or once its oldest record has waited this long, whichever comes first. */
  readonly maxWaitMs: number
}

export interface HttpConfig {
  readonly host: string
  readonly port: number
  readonly historyDefaultLimit: number
  readonly historyMaxLimit: number
}

export interface Config {
  readonly logLevel: string
  readonly http: HttpConfig
  readonly clickhouse: ClickHouseConfig
  readonly kafka: KafkaConfig
  readonly batch: BatchConfig
  readonly shutdownGraceMs: number
  /** Things worth a warning at start (for example a native-protocol port that was rewritten). */
  readonly warnings: readonly string[]
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`)
    this.name = 'ConfigError'
  }
}

type Env = Readonly<Record<string, string | undefined>>

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

/** ClickHouse's native TCP ports, which an HTTP client cannot speak, and their HTTP twins. */
const NATIVE_TO_HTTP_PORT: Readonly<Record<string, { port: string; protocol: string }>> = {
  '9000': { port: '8123', protocol: 'http' },
  '9440': { port: '8443', protocol: 'https' },
}

/** Collects problems while reading, so all of them are reported at once. */
class Reader {
  readonly problems: string[] = []
  readonly warnings: string[] = []

  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const value = this.env[name]
    return value === undefined || value.trim() === '' ? undefined : value.trim()
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name)
    if (value === undefined) return fallback

    if (!/^\d+$/.test(value)) {
      this.problems.push(`${name}=${JSON.stringify(value)} is not a whole number`)
      return fallback
    }
    const parsed = Number(value)
    if (parsed < min || parsed > max) {
      this.problems.push(`${name}=${value} is out of range (${min}..${max})`)
      return fallback
    }
    return parsed
  }

  oneOf(name: string, fallback: string, allowed: readonly string[]): string {
    const value = this.raw(name)?.toLowerCase()
    if (value === undefined) return fallback
    if (!allowed.includes(value)) {
      this.problems.push(`${name}=${JSON.stringify(value)} must be one of ${allowed.join(', ')}`)
      return fallback
    }
    return value
  }

  /** A secret from NAME, or from the file named by NAME_FILE (Docker and Kubernetes secrets). */
  secret(name: string): string {
    const file = this.raw(`${name}_FILE`)
    if (file === undefined) return this.env[name] ?? ''
    if (this.raw(name) !== undefined) {
      this.problems.push(`set either ${name} or ${name}_FILE, not both`)
      return ''
    }
    try {
      return readFileSync(file, 'utf8').replace(/\r?\n$/, '')
    } catch (error) {
      // The code alone: Node's message would name the file a second time.
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message
      this.problems.push(`${name}_FILE=${file} cannot be read (${code})`)
      return ''
    }
  }
}

/** Reads and checks the whole configuration. Throws ConfigError naming every bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const r = new Reader(env)

  const http: HttpConfig = {
    host: r.string('HOST', '0.0.0.0'),
    port: r.int('PORT', 8083, 0, 65535),
    historyDefaultLimit: r.int('HISTORY_DEFAULT_LIMIT', 50, 1, 10_000),
    historyMaxLimit: r.int('HISTORY_MAX_LIMIT', 1000, 1, 10_000),
  }
  if (http.historyDefaultLimit > http.historyMaxLimit) {
    r.problems.push(
      `HISTORY_DEFAULT_LIMIT=${http.historyDefaultLimit} exceeds HISTORY_MAX_LIMIT=${http.historyMaxLimit}`,
    )
  }

  const clickhouse: ClickHouseConfig = {
    target: clickHouseTarget(r),
    database: identifier(r, 'CLICKHOUSE_DB', 'chat_data'),
    username: r.string('CLICKHOUSE_USER', 'default'),
    password: r.secret('CLICKHOUSE_PASSWORD'),
    connectRetries: r.int('CLICKHOUSE_CONNECT_RETRIES', 10, 0, 1000),
    connectBackoffMs: r.int('CLICKHOUSE_CONNECT_BACKOFF_MS', 500, 1, 600_000),
    connectMaxBackoffMs: r.int('CLICKHOUSE_CONNECT_MAX_BACKOFF_MS', 15_000, 1, 3_600_000),
    requestTimeoutMs: r.int('CLICKHOUSE_REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000),
  }

  const kafka: KafkaConfig = {
    brokers: brokerList(r),
    topic: r.string('KAFKA_TOPIC', 'chat_messages'),
    groupId: r.string('KAFKA_GROUP_ID', 'chat-data-service'),
    clientId: r.string('KAFKA_CLIENT_ID', 'chat-data-service'),
    connectRetries: r.int('KAFKA_CONNECT_RETRIES', 10, 0, 1000),
    connectBackoffMs: r.int('KAFKA_CONNECT_BACKOFF_MS', 500, 1, 600_000),
    // Within the broker's default group.min/max.session.timeout.ms (6 s .. 30 min).
    sessionTimeoutMs: r.int('KAFKA_SESSION_TIMEOUT_MS', 10_000, 6_000, 1_800_000),
  }
  if (!/^[a-zA-Z0-9._-]{1,249}$/.test(kafka.topic)) {
    r.problems.push(`KAFKA_TOPIC=${JSON.stringify(kafka.topic)} is not a valid Kafka topic name`)
  }

  const batch: BatchConfig = {
    maxRows: r.int('BATCH_MAX_ROWS', 5000, 1, 1_000_000),
    maxBytes: r.int('BATCH_MAX_BYTES', 16 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    maxWaitMs: r.int('BATCH_MAX_WAIT_MS', 500, 1, 600_000),
  }

  const config: Config = {
    logLevel: r.oneOf('LOG_LEVEL', 'info', LOG_LEVELS),
    http,
    clickhouse,
    kafka,
    batch,
    shutdownGraceMs: r.int('SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    warnings: r.warnings,
  }
  if (r.problems.length > 0) throw new ConfigError(r.problems)
  return config
}

/**
 * Server mode when CLICKHOUSE_URL or CLICKHOUSE_HOST is set, embedded otherwise.
 *
 * The original contract's CLICKHOUSE_HOST is `host:port` for the native protocol (default
 * clickhouse:9000). The client speaks HTTP, so the native ports 9000/9440 are rewritten to the
 * HTTP ports 8123/8443 with a warning, and a host without a port gets 8123.
 */
function clickHouseTarget(r: Reader): ClickHouseTarget {
  const url = r.raw('CLICKHOUSE_URL')
  const host = r.raw('CLICKHOUSE_HOST')
  if (url !== undefined && host !== undefined) {
    r.problems.push('set either CLICKHOUSE_URL or CLICKHOUSE_HOST, not both')
  }

  if (url !== undefined) {
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      // The value is not repeated: a URL may carry a password.
      r.problems.push('CLICKHOUSE_URL is not a valid URL (expected http(s)://host:port)')
      return { mode: 'server', url }
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      r.problems.push(`CLICKHOUSE_URL must start with http:// or https:// (got ${parsed.protocol})`)
    }
    if (parsed.username !== '' || parsed.password !== '') {
      r.problems.push('CLICKHOUSE_URL must not carry credentials; use CLICKHOUSE_USER/PASSWORD')
    }
    return { mode: 'server', url: parsed.origin }
  }

  if (host !== undefined) {
    const match = /^([^:/@\s]+)(?::(\d{1,5}))?$/.exec(host)
    if (match === null || (match[2] !== undefined && !isPort(match[2]))) {
      // The value is not repeated: a malformed one may hold credentials.
      r.problems.push('CLICKHOUSE_HOST must be host or host:port with a port in 1..65535')
      return { mode: 'server', url: '' }
    }
    const name = match[1] ?? ''
    let port = match[2] ?? '8123'
    let protocol = 'http'
    const http = NATIVE_TO_HTTP_PORT[port]
    if (http !== undefined) {
      r.warnings.push(
        `CLICKHOUSE_HOST=${host} names ClickHouse's native TCP port ${port}; this service speaks ` +
          `HTTP, so it connects to port ${http.port} instead. Set CLICKHOUSE_HOST=${name}:${http.port} ` +
          'or CLICKHOUSE_URL to silence this warning.',
      )
      port = http.port
      protocol = http.protocol
    }
    return { mode: 'server', url: `${protocol}://${name}:${port}` }
  }

  return { mode: 'embedded', dataDir: r.string('CLICKHOUSE_DATA_DIR', 'data/clickhouse') }
}

function identifier(r: Reader, name: string, fallback: string): string {
  const value = r.string(name, fallback)
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(value)) {
    r.problems.push(
      `${name}=${JSON.stringify(value)} must be a plain identifier ([A-Za-z_][A-Za-z0-9_]*)`,
    )
  }
  return value
}

function brokerList(r: Reader): string[] {
  const raw = r.string('KAFKA_BROKERS', 'kafka:9092')
  const brokers = raw
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '')
  const bad = brokers.filter((b) => {
    const match = /^[^:\s]+:(\d{1,5})$/.exec(b)
    return match?.[1] === undefined || !isPort(match[1])
  })
  if (brokers.length === 0 || bad.length > 0) {
    r.problems.push(
      `KAFKA_BROKERS=${JSON.stringify(raw)} must be a comma-separated list of host:port`,
    )
  }
  return brokers
}

function isPort(text: string): boolean {
  const port = Number(text)
  return port >= 1 && port <= 65535
}

/** The configuration with secrets replaced, for the start-up log line. */
export function redactedConfig(config: Config): Record<string, unknown> {
  return {
    ...config,
    clickhouse: { ...config.clickhouse, password: config.clickhouse.password ? '[redacted]' : '' },
    warnings: undefined,
  }
}
