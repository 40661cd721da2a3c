/**
 * Applies pending migrations and exits: `npm run migrate`. Uses the service's settings.
 */
import { createClickHouseClient, waitForClickHouse } from '../clickhouse/client.js'
import { ConfigError, loadConfig } from '../config.js'
import { loadDotEnv } from '../dotenv.js'
import { createLogger } from '../logger.js'
import { runMigrations } from '../migrations/runner.js'

loadDotEnv()
const logger = createLogger(process.env['LOG_LEVEL'] ?? 'info')
try {
  const config = loadConfig()
  const client = await createClickHouseClient(config.clickhouse, logger)
  try {
    await waitForClickHouse(client, config.clickhouse, logger)
    const applied = await runMigrations(client, config.clickhouse.database, logger)
    logger.info({ applied }, 'done')
  } finally {
    await client.close()
  }
  process.exit(0)
} catch (error) {
  if (error instanceof ConfigError)
    logger.fatal({ problems: error.problems }, 'invalid configuration')
  else logger.fatal({ err: error }, 'migration failed')
  process.exit(1)
}
