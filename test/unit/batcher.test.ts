import assert from 'node:assert/strict'
import { describe, test, type TestContext } from 'node:test'
import type { ChatMessage } from '../../src/domain/chat-message.js'
import {
  Batcher,
  EarlierBatchFailedError,
  type Batch,
  type BatcherOptions,
  type BatchRecord,
  type PartitionOffset,
} from '../../src/kafka/batcher.js'

const TOPIC = 'chat_messages'

interface RecordSpec {
  readonly partition?: number
  readonly bytes?: number
  /** False for a record that produces no row (a skipped or rejected event). */
  readonly withMessage?: boolean
}

/** A record at `offset` whose message, if any, has eventId `p<partition>-<offset>`. */
function record(offset: number, spec: RecordSpec = {}): BatchRecord {
  const partition = spec.partition ?? 0
  const source = { topic: TOPIC, partition, offset: BigInt(offset) }
  const message: ChatMessage = {
    userId: 'user-1',
    userMessage: 'hello',
    aiResponse: 'hi',
    timestampMs: Date.UTC(2025, 10, 7, 9),
    eventId: `p${partition}-${offset}`,
    source,
  }
  return {
    ...source,
    bytes: spec.bytes ?? 10,
    ...(spec.withMessage === false ? {} : { message }),
  }
}

function eventIds(batch: Batch): string[] {
  return batch.messages.map((m) => m.eventId)
}

function byPartition(offsets: readonly PartitionOffset[]): PartitionOffset[] {
  return [...offsets].sort((a, b) => a.partition - b.partition)
}

interface Deferred {
  readonly promise: Promise<void>
  readonly resolve: () => void
}

function deferred(): Deferred {
  let resolve = (): void => undefined
  const promise = new Promise<void>((r) => {
    resolve = r
  })
  return { promise, resolve }
}

/**
 * True if `promise` is still pending once everything already queued has run. This checks that
 * something has NOT happened yet; it never stands in for waiting until something has.
 */
async function stillPending(promise: Promise<unknown>): Promise<boolean> {
  let settled = false
  promise.then(
    () => (settled = true),
    () => (settled = true),
  )
  await new Promise((resolve) => setImmediate(resolve))
  return !settled
}

/** A flush function that records every batch it is given and what onError receives. */
class FlushRecorder {
  readonly batches: Batch[] = []
  readonly errors: { error: unknown; batch: Batch }[] = []
  maxConcurrent = 0
  private running = 0
  private readonly waiters: { count: number; resolve: () => void }[] = []

  /** `behaviour` decides how the nth flush (0-based) ends; by default it succeeds at once. */
  constructor(
    private readonly behaviour: (index: number) => Promise<void> = () => Promise.resolve(),
  ) {}

  readonly flush = async (batch: Batch): Promise<void> => {
    this.batches.push(batch)
    this.running += 1
    this.maxConcurrent = Math.max(this.maxConcurrent, this.running)
    for (const waiter of this.waiters.filter((w) => w.count <= this.batches.length)) {
      waiter.resolve()
    }
    try {
      await this.behaviour(this.batches.length - 1)
    } finally {
      this.running -= 1
    }
  }

  readonly onError = (error: unknown, batch: Batch): void => {
    this.errors.push({ error, batch })
  }

  /** The nth batch flushed (0-based); fails the test if there is none. */
  batch(index: number): Batch {
    const batch = this.batches[index]
    assert.ok(batch, `expected at least ${index + 1} flushed batches, got ${this.batches.length}`)
    return batch
  }

  /** Resolves once flush has been called `count` times. */
  called(count: number): Promise<void> {
    if (this.batches.length >= count) return Promise.resolve()
    return new Promise((resolve) => this.waiters.push({ count, resolve }))
  }
}

function makeBatcher(
  t: TestContext,
  recorder: FlushRecorder,
  limits: Partial<Pick<BatcherOptions, 'maxRows' | 'maxBytes' | 'maxWaitMs'>> = {},
): Batcher {
  const batcher = new Batcher({
    maxRows: 1000,
    maxBytes: 1024 * 1024,
    maxWaitMs: 60_000,
    ...limits,
    flush: recorder.flush,
    onError: recorder.onError,
  })
  t.after(() => batcher.discard())
  return batcher
}

describe('Batcher flush triggers', () => {
  test('flushes once maxRows messages are added', async (t) => {
    const recorder = new FlushRecorder()
    const batcher = makeBatcher(t, recorder, { maxRows: 3 })
    await batcher.add(record(0))
    await batcher.add(record(1))
    assert.equal(recorder.batches.length, 0)

    await batcher.add(record(2))
    assert.equal(recorder.batches.length, 1)
    assert.deepEqual(eventIds(recorder.batch(0)), ['p0-0', 'p0-1', 'p0-2'])
  })

  test('flushes once record bytes add up to maxBytes', async (t) => {
    const recorder = new FlushRecorder()
    const batcher = makeBatcher(t, recorder, { maxBytes: 100 })
    await batcher.add(record(0, { bytes: 60 }))
    assert.equal(recorder.batches.length, 0)

    await batcher.add(record(1, { bytes: 40 }))
    assert.equal(recorder.batches.length, 1)
    assert.equal(recorder.batch(0).records, 2)
  })

  test('flushes once the oldest record has waited maxWaitMs', { timeout: 5000 }, async (t) => {
    const recorder = new FlushRecorder()
    const batcher = makeBatcher(t, recorder, { maxWaitMs: 20 })
    await batcher.add(record(0))
    assert.equal(recorder.batches.length, 0, 'not flushed before maxWaitMs')

    await recorder.called(1)
    assert.deepEqual(eventIds(recorder.batch(0)), ['p0-0'])
  })

  test('flush() on an empty batcher resolves without calling the flush function', async (t) => {
    const recorder = new FlushRecorder()
    const batcher = makeBatcher(t, recorder)
    await batcher.flush()
    assert.equal(recorder.batches.length, 0)
  })
})

describe('Batcher offsets', () => {
  test('commits the last offset + 1 of each topic partition', async (t) => {
    const recorder = new FlushRecorder()
    const batcher = makeBatcher(t, recorder)
    await batcher.add(record(5, { partition: 0 }))
    await batcher.add(record(3, { partition: 1 }))
    await batcher.add(record(6, { partition: 0 }))
    await batcher.flush()

    assert.deepEqual(byPartition(recorder.batch(0).offsets), [
      { topic: TOPIC, partition: 0, offset: 7n },
      { topic: TOPIC, partition: 1, offset: 4n },
    ])
  })

  test('records without a message still advance their partition offset', async (t) => {
    const recorder = new FlushRecorder()
    const batcher = makeBatcher(t, recorder)
    await batcher.add(record(5))
    await batcher.add(record(6, { withMessage: false }))
    await batcher.flush()

    const batch = recorder.batch(0)
    assert.deepEqual(eventIds(batch), ['p0-5'])
    assert.equal(batch.records, 2)
    assert.deepEqual(batch.offsets, [{ topic: TOPIC, partition: 0, offset: 7n }])
  })

  test('records without messages alone still produce a batch', async (t) => {
    const recorder = new FlushRecorder()
    const batcher = makeBatcher(t, recorder)
    await batcher.add(record(8, { withMessage: false }))
    await batcher.add(record(9, { withMessage: false }))
    await batcher.flush()

    assert.equal(recorder.batches.length, 1)
    assert.deepEqual(recorder.batch(0), {
      messages: [],
      offsets: [{ topic: TOPIC, partition: 0, offset: 10n }],
      records: 2,
    })
  })
})

describe('Batcher concurrency and memory', () => {
  test('a second flush does not start until the first one ends', { timeout: 5000 }, async (t) => {
    const gate = deferred()
    const recorder = new FlushRecorder(() => gate.promise)
    const batcher = makeBatcher(t, recorder)
    await batcher.add(record(0))
    const first = batcher.flush()
    await batcher.add(record(1))
    const second = batcher.flush()

    assert.ok(await stillPending(second), 'second flush waits for the first')
    assert.equal(recorder.batches.length, 1)

    gate.resolve()
    await Promise.all([first, second])
    assert.deepEqual(eventIds(recorder.batch(1)), ['p0-1'])
    assert.equal(recorder.maxConcurrent, 1)
  })

  test('add fills the next batch while a flush is in flight', { timeout: 5000 }, async (t) => {
    const gate = deferred()
    const recorder = new FlushRecorder(() => gate.promise)
    const batcher = makeBatcher(t, recorder, { maxRows: 2 })
    await batcher.add(record(0))
    await batcher.add(record(1))
    assert.equal(recorder.batches.length, 1, 'first batch in flight')

    const third = batcher.add(record(2))
    assert.equal(await stillPending(third), false, 'add returns while there is room')
    assert.equal(batcher.pending, 1)
    gate.resolve()
  })

  test(
    'add blocks while the next batch is full and a flush is in flight',
    { timeout: 5000 },
    async (t) => {
      const gate = deferred()
      const recorder = new FlushRecorder(() => gate.promise)
      const batcher = makeBatcher(t, recorder, { maxRows: 2 })
      await batcher.add(record(0))
      await batcher.add(record(1))
      await batcher.add(record(2))
      const fourth = batcher.add(record(3))

      assert.ok(await stillPending(fourth), 'add waits for room')
      assert.equal(recorder.batches.length, 1)

      gate.resolve()
      await fourth
      assert.deepEqual(eventIds(recorder.batch(1)), ['p0-2', 'p0-3'])
      assert.equal(recorder.maxConcurrent, 1)
    },
  )
})

describe('Batcher failures and discard', () => {
  test('a rejected flush is passed to onError with its batch', async (t) => {
    const failure = new Error('insert failed')
    const recorder = new FlushRecorder(() => Promise.reject(failure))
    const batcher = makeBatcher(t, recorder)
    await batcher.add(record(0))
    await batcher.flush()

    assert.equal(recorder.errors.length, 1)
    const [reported] = recorder.errors
    assert.ok(reported)
    assert.equal(reported.error, failure)
    assert.equal(reported.batch, recorder.batch(0))
  })

  test('after a rejected flush, later batches are refused so no commit skips the failed records', async (t) => {
    const failure = new Error('insert failed')
    const recorder = new FlushRecorder((index) =>
      index === 0 ? Promise.reject(failure) : Promise.resolve(),
    )
    const batcher = makeBatcher(t, recorder)
    await batcher.add(record(0))
    await batcher.flush()
    await batcher.add(record(1, { withMessage: false }))
    await batcher.flush()

    assert.equal(recorder.batches.length, 1, 'the flush function is not called again')
    assert.equal(recorder.errors.length, 2)
    const [, refused] = recorder.errors
    assert.ok(refused?.error instanceof EarlierBatchFailedError)
    assert.equal(refused.error.cause, failure)
    assert.equal(refused.batch.records, 1)
    assert.equal(batcher.pending, 0)
  })

  test('an onError that throws does not escape a timed flush', async (t) => {
    let markReported = (): void => undefined
    const reported = new Promise<void>((resolve) => (markReported = resolve))
    const batcher = new Batcher({
      maxRows: 10,
      maxBytes: 1_000_000,
      maxWaitMs: 5,
      flush: () => Promise.reject(new Error('insert failed')),
      onError: () => {
        markReported()
        throw new Error('onError failed')
      },
    })
    t.after(() => batcher.discard())
    await batcher.add(record(0))
    await reported
    await batcher.flush() // resolves: the throw was contained
    assert.equal(batcher.pending, 0)
  })

  test('discard returns the number of dropped records, rows or not', async (t) => {
    const recorder = new FlushRecorder()
    const batcher = makeBatcher(t, recorder)
    await batcher.add(record(0))
    await batcher.add(record(1, { withMessage: false }))
    await batcher.add(record(2))

    assert.equal(batcher.discard(), 3)
    assert.equal(batcher.pending, 0)
  })

  test('discarded records are never flushed', async (t) => {
    const recorder = new FlushRecorder()
    const batcher = makeBatcher(t, recorder)
    await batcher.add(record(0))
    batcher.discard()
    await batcher.add(record(1))
    await batcher.flush()

    assert.equal(recorder.batches.length, 1)
    assert.deepEqual(eventIds(recorder.batch(0)), ['p0-1'])
    assert.deepEqual(recorder.batch(0).offsets, [{ topic: TOPIC, partition: 0, offset: 2n }])
  })
})
