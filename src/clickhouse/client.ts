/**
 * The ClickHouse connection: one `@clickhouse/client` for both modes.
 *
 * - embedded: chDB runs ClickHouse inside this process, persisted under a data directory. The
 *   `chdb` package is loaded only here (it is an optional dependency of ~540 MB), so a server-mode
 *   deployment can be installed without it.
 * - server: plain HTTP(S) to a ClickHouse server.
 *
 * chDB ignores the client's `database` setting, so every statement names its database itself
 * (see `ChatRepository` and the migrations); the client is created without a default database.
 */
import { mkdirSync } from 'node:fs'
import { join, resolve, sep } from 'node:path'
import {
  createClient,
  type ClickHouseClient,
  type ErrorLogParams,
  type Logger as ClientLogger,
  type LogParams,
  type WarnLogParams,
} from '@clickhouse/client'
import type { ClickHouseConfig } from '../config.js'
import type { Logger } from '../logger.js'
import { withBackoff } from '../retry.js'
import { describeError } from './errors.js'

export type { ClickHouseClient }

type ClientConnection = NonNullable<Parameters<typeof createClient>[0]>['connection']

/**
 * The message says what failed at this level; the cause says why. The logger joins them
 * ("…: connect ECONNREFUSED …"), so the message does not repeat the cause's.
 */
export class ClickHouseUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'ClickHouseUnavailableError'
  }
}

/**
 * Routes the client's own log lines into ours as JSON. Their `args` are left out (they can carry
 * query text), and their level is lowered by one step: the service logs the consequences itself.
 */
function clientLoggerClass(logger: Logger): new () => ClientLogger {
  const log = logger.child({ component: 'clickhouse-client' })
  return class implements ClientLogger {
    trace(): void {
      // Too chatty to be useful here.
    }
    debug({ module, message }: LogParams): void {
      log.trace({ module }, message)
    }
    info({ module, message }: LogParams): void {
      log.debug({ module }, message)
    }
    warn({ module, message, err }: WarnLogParams): void {
      log.debug({ module, ...(err ? { err: describeError(err) } : {}) }, message)
    }
    error({ module, message, err }: ErrorLogParams): void {
      log.warn({ module, err: describeError(err) }, message)
    }
  }
}

/** Builds the client; in embedded mode this creates the data directory and opens the engine. */
export async function createClickHouseClient(
  config: ClickHouseConfig,
  logger?: Logger,
): Promise<ClickHouseClient> {
  const { target } = config
  if (target.mode === 'server') {
    return createClient({
      url: target.url,
      username: config.username,
      password: config.password,
      request_timeout: config.requestTimeoutMs,
      application: 'chat-data-service',
      ...(logger ? { log: { LoggerClass: clientLoggerClass(logger) } } : {}),
    })
  }

  const dataDir = resolve(target.dataDir)
  ensureDirectory(dataDir)
  let chdb: typeof import('chdb/connection')
  try {
    chdb = await import('chdb/connection')
  } catch (error) {
    throw new ClickHouseUnavailableError(
      'embedded ClickHouse needs the optional package "chdb" (npm install chdb), ' +
        'or set CLICKHOUSE_URL / CLICKHOUSE_HOST to use a ClickHouse server',
      { cause: error },
    )
  }
  // chdb types its connection against @clickhouse/client-common's copy of the same interface.
  const connection = chdb.createChdbConnection({ path: dataDir }) as unknown as ClientConnection
  return createClient({ connection })
}

/**
 * Creates a directory and its parents one level at a time. Node's recursive mkdir never returns
 * for some impossible paths (under /proc, for one), which would hang the start.
 */
function ensureDirectory(dir: string): void {
  let current: string = sep
  for (const part of dir.split(sep).filter((p) => p !== '')) {
    current = join(current, part)
    try {
      mkdirSync(current)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue
      throw new ClickHouseUnavailableError(`cannot create CLICKHOUSE_DATA_DIR ${dir}`, {
        cause: error,
      })
    }
  }
}

/**
 * Pings until ClickHouse answers, with bounded exponential backoff. Throws
 * ClickHouseUnavailableError once the retries are spent.
 */
export async function waitForClickHouse(
  client: ClickHouseClient,
  config: ClickHouseConfig,
  logger: Logger,
  signal?: AbortSignal,
): Promise<void> {
  const attempts = config.connectRetries + 1
  try {
    await withBackoff(
      async () => {
        const result = await client.ping()
        if (!result.success) throw result.error
      },
      {
        retries: config.connectRetries,
        minDelayMs: config.connectBackoffMs,
        maxDelayMs: config.connectMaxBackoffMs,
        ...(signal ? { signal } : {}),
        onRetry: ({ error, attemptNumber, retriesLeft }) => {
          logger.warn(
            { attempt: attemptNumber, retries_left: retriesLeft, err: error.message },
            'clickhouse not reachable, retrying',
          )
        },
      },
    )
  } catch (error) {
    throw new ClickHouseUnavailableError(`ClickHouse did not answer after ${attempts} attempt(s)`, {
      cause: error,
    })
  }
}

/** A short-lived ping for readiness probes. */
export async function pingClickHouse(client: ClickHouseClient): Promise<boolean> {
  try {
    const result = await client.ping()
    return result.success
  } catch {
    return false
  }
}
