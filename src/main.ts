/**
 * Entry point: configuration, logger, signals. Exit codes: 0 after a clean stop, 1 when start-up
 * failed (bad configuration, ClickHouse or Kafka unreachable after their retries) or when a second
 * stop signal cut a stop short.
 */
import { ChatDataService } from './app.js'
import { ConfigError, loadConfig, redactedConfig } from './config.js'
import { loadDotEnv } from './dotenv.js'
import { createLogger, type Logger } from './logger.js'

/** Each of these starts the graceful stop; SIGHUP too, sent when a terminal or session closes. */
const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP']

/**
 * Resolves with the first stop signal. Any stop signal after it ends the process at once with
 * code 1: whoever sent it would rather not wait. What was not committed yet is re-delivered.
 */
function stopSignal(logger: Logger): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let first: NodeJS.Signals | undefined
    const onSignal = (signal: NodeJS.Signals) => {
      if (first === undefined) {
        first = signal
        resolve(signal)
        return
      }
      logger.error({ signal, first_signal: first }, 'stop signal received again, exiting now')
      process.exit(1)
    }
    for (const signal of STOP_SIGNALS) process.on(signal, onSignal)
  })
}

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
  const stopRequested = stopSignal(logger)
  const first = await Promise.race([
    service.start().then(
      () => ({ kind: 'started' as const }),
      (error: unknown) => ({ kind: 'failed' as const, error }),
    ),
    stopRequested.then((signal) => ({ kind: 'signal' as const, signal })),
  ])
  if (first.kind === 'failed') {
    logger.fatal({ err: first.error }, 'start-up failed')
    await service.stop().catch(() => undefined)
    return 1
  }

  const signal = first.kind === 'signal' ? first.signal : await stopRequested
  logger.info({ signal }, 'stopping')
  await service.stop()
  return 0
}

// Exit explicitly: the embedded engine's threads must not keep a stopped service alive.
process.exit(await main())
