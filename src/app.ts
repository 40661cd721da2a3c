/**
 * Wires the parts together and owns the start and stop order.
 *
 * Start: HTTP listens first (liveness up, readiness down) -> ClickHouse connects, with bounded
 * retries -> migrations -> the Kafka consumer joins its group -> readiness up.
 * Stop: HTTP stops accepting -> the consumer stops fetching, stores and commits what it holds ->
 * it leaves the group -> the ClickHouse client closes. One grace period covers the flush.
 */
import type { FastifyInstance } from 'fastify'
import {
  createClickHouseClient,
  pingClickHouse,
  waitForClickHouse,
  type ClickHouseClient,
} from './clickhouse/client.js'
import type { Config } from './config.js'
import { buildHttpApp } from './http/server.js'
import { ChatEventConsumer } from './kafka/consumer.js'
import type { Logger } from './logger.js'
import { createMetrics, type Metrics } from './metrics.js'
import { runMigrations } from './migrations/runner.js'
import { ChatRepository } from './repository/chat-repository.js'
import { ChatService } from './service/chat-service.js'

export class ChatDataService {
  readonly metrics: Metrics
  private http: FastifyInstance | undefined
  private clickhouse: ClickHouseClient | undefined
  private consumer: ChatEventConsumer | undefined
  private readonly abort = new AbortController()
  private stopped: Promise<void> | undefined

  constructor(
    private readonly config: Config,
    private readonly logger: Logger,
  ) {
    this.metrics = createMetrics()
  }

  /** The port HTTP listens on (useful when PORT=0). */
  get port(): number {
    const address = this.http?.server.address()
    return typeof address === 'object' && address !== null ? address.port : 0
  }

  /** Starts everything; rejects if ClickHouse or Kafka stay unreachable past their retries. */
  async start(): Promise<void> {
    const { config, logger } = this
    const ch = config.clickhouse
    this.clickhouse = await createClickHouseClient(ch, logger)
    const repository = new ChatRepository(this.clickhouse, ch.database)
    const service = new ChatService(
      repository,
      { defaultLimit: config.http.historyDefaultLimit, maxLimit: config.http.historyMaxLimit },
      this.metrics,
    )
    const consumer = new ChatEventConsumer({
      kafka: config.kafka,
      batch: config.batch,
      service,
      metrics: this.metrics,
      logger,
    })
    this.consumer = consumer

    let clickhouseUp = false
    const clickhouse = this.clickhouse
    this.http = buildHttpApp({
      logger,
      metrics: this.metrics,
      service,
      defaultLimit: config.http.historyDefaultLimit,
      maxLimit: config.http.historyMaxLimit,
      readiness: async () => ({
        clickhouse: clickhouseUp && (await pingClickHouse(clickhouse)),
        kafka: consumer.running,
      }),
    })
    await this.http.listen({ host: config.http.host, port: config.http.port })
    logger.info({ port: this.port, clickhouse_mode: ch.target.mode }, 'http listening')

    await waitForClickHouse(this.clickhouse, ch, logger, this.abort.signal)
    await runMigrations(this.clickhouse, ch.database, logger)
    clickhouseUp = true
    logger.info('clickhouse ready')

    await consumer.start()
    logger.info('service ready')
  }

  /** Stops in the documented order. Safe to call more than once and during start. */
  stop(): Promise<void> {
    this.stopped ??= this.shutdown()
    return this.stopped
  }

  private async shutdown(): Promise<void> {
    this.abort.abort(new Error('service stopping'))
    await this.http?.close()
    await this.consumer?.stop(this.config.shutdownGraceMs)
    await this.clickhouse?.close()
    this.logger.info('stopped')
  }
}
