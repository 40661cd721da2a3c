/**
 * A real embedded ClickHouse (chDB) in the test process, on a temporary data directory. One per
 * test file: the engine allows one data directory per process, and node --test runs each file in
 * its own process.
 */
import { join } from 'node:path'
import { createClickHouseClient, type ClickHouseClient } from '../../src/clickhouse/client.js'
import type { ClickHouseConfig } from '../../src/config.js'
import { createLogger } from '../../src/logger.js'
import { runMigrations } from '../../src/migrations/runner.js'
import { tempDir } from './service.js'

export const silentLogger = createLogger('silent')

export function embeddedConfig(database = 'chat_data'): ClickHouseConfig {
  return {
    target: { mode: 'embedded', dataDir: join(tempDir(), 'clickhouse') },
    database,
    username: 'default',
    password: '',
    connectRetries: 0,
    connectBackoffMs: 1,
    connectMaxBackoffMs: 1,
    requestTimeoutMs: 30_000,
  }
}

/** An embedded engine with the service's schema applied to `database`. */
export async function migratedClient(database = 'chat_data'): Promise<ClickHouseClient> {
  const client = await createClickHouseClient(embeddedConfig(database))
  await runMigrations(client, database, silentLogger)
  return client
}
