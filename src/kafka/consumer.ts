/**
 * The Kafka side: reads `chat_completed` events from the topic as part of a consumer group,
 * batches them, stores each batch, and commits offsets only after the batch is stored.
 *
 * Delivery is at-least-once: a crash between insert and commit re-delivers the batch, and the
 * history read folds the copies (see ChatRepository). What becomes of each record:
 *   - a valid chat_completed event  -> a row in the next batch
 *   - another event_type            -> counted as skipped, offset committed with the batch
 *   - unparsable or invalid         -> logged (coordinates and reason, never the body), counted
 *                                      as rejected, offset committed with the batch
 *   - valid, but refused by ClickHouse as data (a parse error) -> isolated by splitting the
 *                                      batch, dropped like an invalid event; the rest is stored.
 *                                      After MAX_REFUSED_IN_A_ROW refused rows with no row stored
 *                                      in between, refusals are taken for a storage problem (a
 *                                      changed column, say) and retried like passing failures
 * Passing insert failures (ClickHouse down, overloaded) are retried without end; meanwhile the
 * batcher's bound holds the reading back.
 *
 * When fetching fails (broker gone, a record batch the client cannot decode), the consumer leaves
 * and rejoins the group; failures that repeat make rejoining back off and `running` false, so
 * readiness reports them (see StreamHealth). A failed heartbeat is handled the same way: the
 * client (1.35) stops heartbeating after one, and would go on fetching as a member the group
 * has already dropped.
 */
import { setTimeout as delay } from 'node:timers/promises'
import { Consumer, type Message, type MessagesStream } from '@platformatic/kafka'
import type { BatchConfig, KafkaConfig } from '../config.js'
import { describeError, isDataError } from '../clickhouse/errors.js'
import { errorChain, errorMessage } from '../errors.js'
import type { ChatMessage } from '../domain/chat-message.js'
import { parseEvent, RejectReason } from '../domain/event.js'
import type { Logger } from '../logger.js'
import type { Metrics } from '../metrics.js'
import { withBackoff } from '../retry.js'
import type { ChatService } from '../service/chat-service.js'
import { Batcher, type Batch, type PartitionOffset } from './batcher.js'
import { installCodecs } from './codecs.js'
import { StreamHealth } from './stream-health.js'

type RawConsumer = Consumer
type RawStream = MessagesStream<Buffer, Buffer, Buffer, Buffer>
type RawMessage = Message

export interface ChatEventConsumerOptions {
  readonly kafka: KafkaConfig
  readonly batch: BatchConfig
  readonly service: ChatService
  readonly metrics: Metrics
  readonly logger: Logger
}

/** Longest wait between attempts once running (reconnects, insert retries). */
const MAX_BACKOFF_MS = 30_000

/**
 * Refused rows in a row (none stored in between) after which a refusal stops being dropped and is
 * retried instead: every row failing is a storage problem, not bad data.
 */
export const MAX_REFUSED_IN_A_ROW = 10

/** A stream that stayed up this long without failing is healthy again, even if idle. */
const STABLE_STREAM_MS = 10_000

export class ChatEventConsumer {
  private readonly kafka: KafkaConfig
  private readonly log: Logger
  private readonly batcher: Batcher
  private consumer: RawConsumer | undefined
  private stream: RawStream | undefined
  private loop: Promise<void> | undefined
  private stopping = false
  /** Aborted when shutdown's grace period runs out: pending insert retries give up. */
  private readonly abort = new AbortController()
  /** Aborted as soon as shutdown starts: joining the group gives up. */
  private readonly connectAbort = new AbortController()
  private readonly health: StreamHealth
  /** Set when the current consumer's heartbeat failed: the stream is closed to rejoin. */
  private heartbeatFailure: unknown
  /** Rows refused by ClickHouse since the last row it stored. */
  private refusedInARow = 0

  constructor(private readonly options: ChatEventConsumerOptions) {
    installCodecs()
    this.health = new StreamHealth({
      minPauseMs: options.kafka.connectBackoffMs,
      maxPauseMs: MAX_BACKOFF_MS,
      stableMs: STABLE_STREAM_MS,
    })
    this.kafka = options.kafka
    this.log = options.logger.child({ component: 'kafka-consumer', topic: options.kafka.topic })
    this.batcher = new Batcher({
      maxRows: options.batch.maxRows,
      maxBytes: options.batch.maxBytes,
      maxWaitMs: options.batch.maxWaitMs,
      flush: (batch) => this.storeAndCommit(batch),
      onError: (error, batch) => {
        this.log.warn(
          { err: describeError(error), batch_records: batch.records },
          'batch not stored; its records stay uncommitted and will be re-delivered',
        )
      },
    })
  }

  /** True while records are being fetched from the group's partitions and fetching works. */
  get running(): boolean {
    return this.stream !== undefined && !this.stopping && !this.health.failing(Date.now())
  }

  /**
   * Joins the consumer group, retrying with backoff up to KAFKA_CONNECT_RETRIES times, then
   * consumes in the background. Rejects if the group could not be joined.
   */
  async start(): Promise<void> {
    await this.connect(this.kafka.connectRetries)
    this.loop = this.consumeLoop()
  }

  /**
   * Stops fetching, stores and commits what is pending (for at most `graceMs`), and leaves the
   * group. Records not stored by then stay uncommitted and are re-delivered.
   */
  async stop(graceMs: number): Promise<void> {
    if (this.stopping) return this.loop
    this.stopping = true
    this.connectAbort.abort(new Error('consumer stopping'))
    const timer = setTimeout(() => {
      this.abort.abort(new Error('shutdown grace period over'))
    }, graceMs)
    try {
      await this.stream?.close()
      await this.loop
    } finally {
      clearTimeout(timer)
    }
  }

  /** A method, not a field read: the flag changes across awaits, where narrowing would lie. */
  private isStopping(): boolean {
    return this.stopping
  }

  private async connect(retries: number): Promise<void> {
    await withBackoff(() => this.subscribe(), {
      retries,
      minDelayMs: this.kafka.connectBackoffMs,
      maxDelayMs: MAX_BACKOFF_MS,
      signal: this.connectAbort.signal,
      shouldRetry: () => !this.stopping,
      onRetry: ({ error, attemptNumber, retriesLeft }) => {
        this.log.warn(
          { attempt: attemptNumber, retries_left: retriesLeft, err: error.message },
          'joining the consumer group failed, retrying',
        )
      },
    })
  }

  /** One attempt to join the group. A consumer whose subscription failed is not reused. */
  private async subscribe(): Promise<void> {
    const { sessionTimeoutMs } = this.kafka
    const consumer: RawConsumer = new Consumer({
      clientId: this.kafka.clientId,
      groupId: this.kafka.groupId,
      bootstrapBrokers: [...this.kafka.brokers],
      sessionTimeout: sessionTimeoutMs,
      heartbeatInterval: Math.min(3000, Math.floor(sessionTimeoutMs / 3)),
      rebalanceTimeout: Math.max(sessionTimeoutMs, 30_000),
    })
    try {
      this.stream = await consumer.consume({
        topics: [this.kafka.topic],
        mode: 'committed',
        fallbackMode: 'earliest',
        autocommit: false,
        maxWaitTime: 1000,
      })
      this.consumer = consumer
      this.heartbeatFailure = undefined
      consumer.on('consumer:heartbeat:error', (payload: { error?: unknown } | undefined) => {
        this.heartbeatFailed(consumer, payload?.error)
      })
      this.health.started(Date.now())
      this.log.info({ group_id: this.kafka.groupId }, 'consuming')
    } catch (error) {
      await closeForcefully(consumer).catch(() => undefined)
      throw error
    }
  }

  private async consumeLoop(): Promise<void> {
    for (;;) {
      const stream = this.stream
      if (stream === undefined) return
      let pauseMs = 0
      let failure: unknown
      try {
        for await (const record of stream as AsyncIterable<RawMessage>) {
          this.health.delivered()
          await this.handle(record)
        }
      } catch (error) {
        failure = error
      }
      failure ??= this.heartbeatFailure
      if (failure !== undefined && !this.isStopping()) pauseMs = this.streamFailed(failure)

      await this.batcher.flush()
      await this.closeConsumer()
      if (this.stopping) return

      // The stream broke while running: rejoin for as long as it takes, after a pause that grows
      // while the failures repeat (a batch that cannot be decoded fails every fetch).
      try {
        if (pauseMs > 0) await delay(pauseMs, undefined, { signal: this.connectAbort.signal })
        await this.connect(Number.POSITIVE_INFINITY)
      } catch (error) {
        // Only shutdown ends the rejoin attempts; anything else is worth saying.
        if (!this.isStopping()) {
          this.log.error({ err: errorMessage(error) }, 'kafka reconnect abandoned')
        }
        return
      }
    }
  }

  /** Closes the stream of a consumer whose heartbeat failed, so the loop rejoins the group. */
  private heartbeatFailed(consumer: RawConsumer, error: unknown): void {
    if (consumer !== this.consumer || this.stopping || this.heartbeatFailure !== undefined) return
    const reason = errorChain(error)
    this.heartbeatFailure = new Error(`heartbeat failed: ${reason}`)
    this.log.warn({ err: reason }, 'heartbeat failed; rejoining the group')
    this.stream?.close().catch((closeError: unknown) => {
      this.log.warn({ err: errorMessage(closeError) }, 'closing the kafka stream failed')
    })
  }

  /** Counts and logs a failure; returns how long to wait before rejoining. */
  private streamFailed(error: unknown): number {
    const pauseMs = this.health.failed(Date.now())
    this.options.metrics.streamFailures.inc()
    this.log.error(
      {
        err: errorChain(error),
        consecutive_failures: this.health.consecutiveFailures,
        rejoin_in_ms: pauseMs,
      },
      'consumer stream failed',
    )
    return pauseMs
  }

  private async handle(record: RawMessage): Promise<void> {
    const { topic, partition, offset } = record
    const result = parseEvent(record.value, { topic, partition, offset })
    const { metrics } = this.options

    let message
    switch (result.kind) {
      case 'message':
        message = result.message
        metrics.events.inc({ outcome: 'accepted' })
        break
      case 'skipped':
        metrics.events.inc({ outcome: 'skipped' })
        this.log.debug({ partition, offset: String(offset) }, 'skipped event of another type')
        break
      case 'rejected':
        metrics.events.inc({ outcome: 'rejected' })
        metrics.rejected.inc({ reason: result.reason })
        this.log.warn(
          { partition, offset: String(offset), reason: result.reason, detail: result.detail },
          'rejected event',
        )
        break
    }

    // Typed as a Buffer, but a record with a null value (a tombstone) arrives without one.
    const value = record.value as Buffer | undefined
    await this.batcher.add({
      topic,
      partition,
      offset,
      bytes: value?.length ?? 0,
      ...(message ? { message } : {}),
    })
  }

  /** Inserts the batch (retrying until it succeeds or shutdown gives up), then commits. */
  private async storeAndCommit(batch: Batch): Promise<void> {
    if (batch.messages.length > 0) {
      await withBackoff(() => this.storeIsolatingBadRows(batch.messages), {
        retries: Number.POSITIVE_INFINITY,
        minDelayMs: 100,
        maxDelayMs: MAX_BACKOFF_MS,
        signal: this.abort.signal,
        onRetry: ({ error, attemptNumber }) => {
          this.log.warn(
            {
              attempt: attemptNumber,
              batch_rows: batch.messages.length,
              err: describeError(error),
            },
            'insert failed, retrying',
          )
        },
      })
    }
    this.log.debug(
      { batch_rows: batch.messages.length, batch_records: batch.records },
      'batch stored',
    )
    await this.commit(batch.offsets)
  }

  /**
   * Inserts rows; when ClickHouse refuses the data itself (not a passing failure), splits the
   * rows in halves until the refused ones are alone, and drops those with a log line and a count.
   * One bad row in a batch of n costs about 2·log2(n) extra inserts; the rows already inserted
   * while splitting are folded by the read if a later passing failure repeats the whole batch.
   */
  private async storeIsolatingBadRows(messages: readonly ChatMessage[]): Promise<void> {
    try {
      await this.options.service.store(messages)
      if (messages.length > 0) this.refusedInARow = 0
    } catch (error) {
      if (!isDataError(error)) throw error
      const [only] = messages
      if (messages.length === 1 && only !== undefined) {
        this.refuse(only, error)
        return
      }
      const half = Math.ceil(messages.length / 2)
      await this.storeIsolatingBadRows(messages.slice(0, half))
      await this.storeIsolatingBadRows(messages.slice(half))
    }
  }

  private refuse(message: ChatMessage, error: unknown): void {
    if (this.refusedInARow >= MAX_REFUSED_IN_A_ROW) {
      throw new Error(
        `ClickHouse refused ${this.refusedInARow} rows in a row and stored none; ` +
          `taken for a storage problem (${describeError(error)}), retrying`,
      )
    }
    this.refusedInARow++
    const { partition, offset } = message.source
    this.options.metrics.rejected.inc({ reason: RejectReason.INSERT_REFUSED })
    this.log.warn(
      {
        partition,
        offset: String(offset),
        reason: RejectReason.INSERT_REFUSED,
        detail: describeError(error),
      },
      'rejected event',
    )
  }

  private async commit(offsets: readonly PartitionOffset[]): Promise<void> {
    const consumer = this.consumer
    if (consumer === undefined) return
    try {
      await consumer.commit({ offsets: offsets.map((o) => ({ ...o, leaderEpoch: -1 })) })
    } catch (error) {
      // Not fatal: the records are stored, so a re-delivery is folded by the history read.
      this.options.metrics.commitFailures.inc()
      this.log.warn({ err: describeError(error) }, 'offset commit failed')
    }
  }

  private async closeConsumer(): Promise<void> {
    const consumer = this.consumer
    this.stream = undefined
    this.consumer = undefined
    if (consumer === undefined) return
    await closeForcefully(consumer).catch((error: unknown) => {
      this.log.warn({ err: errorMessage(error) }, 'closing the kafka consumer failed')
    })
  }
}

/** Leaves the group and closes connections without waiting for open streams. */
function closeForcefully(consumer: RawConsumer): Promise<void> {
  return new Promise((resolve, reject) => {
    consumer.close(true, (error) => {
      if (error) reject(error)
      else resolve()
    })
  })
}
