/**
 * Entry point: configuration, logger, signals. Exit codes: 0 after a clean stop, 1 when start-up
 * failed (bad configuration, ClickHouse or Kafka unreachable after their retries).
 */
import { ChatDataService } from './app.js'
import { ConfigError, loadConfig, redactedConfig } from './config.js'
import { loadDotEnv } from './dotenv.js'
import { createLogger } from './logger.js'

async function main(): Promise<number> {
  loadDotEnv()

  let config
  try {
    config = loadConfig()
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    createLogger('info').fatal({ problems: error.problems }, 'invalid configuration')
    return 1
  }

  const logger = createLogger(config.logLevel)
  for (const warning of config.warnings) logger.warn(warning)
  logger.info({ config: redactedConfig(config) }, 'starting')

  const service = new ChatDataService(config, logger)
  const stopRequested = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', resolve)
    process.once('SIGINT', resolve)
  })
  const started = service.start().then(
    () => 'started' as const,
    (error: unknown) => error,
  )

  const first = await Promise.race([started, stopRequested])
  if (first !== 'started' && first !== 'SIGTERM' && first !== 'SIGINT') {
    logger.fatal({ err: first }, 'start-up failed')
    await service.stop().catch(() => undefined)
    return 1
  }

  const signal = first === 'started' ? await stopRequested : first
  logger.info({ signal }, 'stopping')
  await service.stop()
  return 0
}

// Exit explicitly: the embedded engine's threads must not keep a stopped service alive.
process.exit(await main())
