/**
 * Groups consumed records into batches bounded by rows, bytes and time, and hands each batch to
 * one flush function at a time.
 *
 * Every record counts toward the offsets a batch will commit, including records that produce no
 * row (skipped or rejected events): their offsets are committed with the batch they arrived in,
 * so a partition never stalls behind them and never re-reads them.
 *
 * Memory stays bounded: while one batch is being flushed, the next one fills; once that one is
 * full too, `add` waits until the running flush ends, which holds the consume loop back.
 */
import type { ChatMessage } from '../domain/chat-message.js'

export interface PartitionOffset {
  readonly topic: string
  readonly partition: number
  /** The next offset to read: last record's offset + 1, as Kafka commits expect. */
  readonly offset: bigint
}

export interface Batch {
  readonly messages: readonly ChatMessage[]
  readonly offsets: readonly PartitionOffset[]
  /** Records of every kind in the batch (rows plus skipped and rejected records). */
  readonly records: number
}

export interface BatchRecord {
  readonly topic: string
  readonly partition: number
  readonly offset: bigint
  /** Size of the record's value, for the byte bound. */
  readonly bytes: number
  /** The row to store, or undefined for a record that produces none. */
  readonly message?: ChatMessage
}

export interface BatcherOptions {
  readonly maxRows: number
  readonly maxBytes: number
  readonly maxWaitMs: number
  /**
   * Stores and commits one batch. Expected to retry on its own until it succeeds or the
   * consumer is shutting down. A rejection is passed to `onError` and the batch is dropped
   * uncommitted; so is every later batch (see EarlierBatchFailedError), so that no later commit
   * skips past the failed records.
   */
  readonly flush: (batch: Batch) => Promise<void>
  readonly onError: (error: unknown, batch: Batch) => void
}

/**
 * Passed to `onError` for batches that follow a failed one. Their offsets lie past the failed
 * records, so committing them would skip those records for good; they are dropped uncommitted
 * instead, and everything from the failed batch on is re-delivered after a restart or rebalance.
 */
export class EarlierBatchFailedError extends Error {
  constructor(options?: ErrorOptions) {
    super('not flushed: an earlier batch failed, so later offsets must not be committed', options)
    this.name = 'EarlierBatchFailedError'
  }
}

export class Batcher {
  private messages: ChatMessage[] = []
  private offsets = new Map<string, PartitionOffset>()
  private records = 0
  private bytes = 0
  private timer: NodeJS.Timeout | undefined
  private inFlight: Promise<void> | undefined
  /** Set once a flush failed; from then on nothing more is flushed. */
  private failed = false
  private failure: unknown

  constructor(private readonly options: BatcherOptions) {}

  /** Records waiting for the next flush. */
  get pending(): number {
    return this.records
  }

  /** Adds a record; resolves once there is room for the next one. */
  async add(record: BatchRecord): Promise<void> {
    if (record.message !== undefined) this.messages.push(record.message)
    this.offsets.set(`${record.topic}\u0000${record.partition}`, {
      topic: record.topic,
      partition: record.partition,
      offset: record.offset + 1n,
    })
    this.records += 1
    this.bytes += record.bytes

    if (this.isFull()) {
      // Room for the next batch opens when the running flush ends; then this one starts.
      while (this.inFlight !== undefined) await this.inFlight
      void this.startFlush()
    } else {
      this.timer ??= setTimeout(() => void this.flush(), this.options.maxWaitMs)
    }
  }

  /** Flushes what is pending (after any flush already running) and waits for it. */
  async flush(): Promise<void> {
    while (this.inFlight !== undefined) await this.inFlight
    await this.startFlush()
  }

  /**
   * Hands the pending records to the flush function and returns the running flush. Only called
   * when no flush is running.
   */
  private startFlush(): Promise<void> {
    clearTimeout(this.timer)
    this.timer = undefined
    if (this.records === 0) return Promise.resolve()

    const batch: Batch = {
      messages: this.messages,
      offsets: [...this.offsets.values()],
      records: this.records,
    }
    this.messages = []
    this.offsets = new Map()
    this.records = 0
    this.bytes = 0

    if (this.failed) {
      this.reportError(new EarlierBatchFailedError({ cause: this.failure }), batch)
      return Promise.resolve()
    }
    const running = this.options
      .flush(batch)
      .catch((error: unknown) => {
        this.failed = true
        this.failure = error
        this.reportError(error, batch)
      })
      .finally(() => {
        this.inFlight = undefined
      })
    this.inFlight = running
    return running
  }

  /** onError must not turn into an unhandled rejection (the timer's flush has no caller). */
  private reportError(error: unknown, batch: Batch): void {
    try {
      this.options.onError(error, batch)
    } catch {
      // Nothing better to do: the batch is uncommitted either way.
    }
  }

  /** Drops pending records without flushing them (they are uncommitted and will be re-read). */
  discard(): number {
    clearTimeout(this.timer)
    this.timer = undefined
    const dropped = this.records
    this.messages = []
    this.offsets = new Map()
    this.records = 0
    this.bytes = 0
    return dropped
  }

  private isFull(): boolean {
    return this.messages.length >= this.options.maxRows || this.bytes >= this.options.maxBytes
  }
}
