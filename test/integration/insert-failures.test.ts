/**
 * The consumer against ClickHouse failures, in the test process: real broker, real embedded
 * engine, and two named fault-injecting wrappers around the real repository.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, test } from 'node:test'
import type { ClickHouseClient } from '../../src/clickhouse/client.js'
import { toClickHouseDateTime, type ChatMessage } from '../../src/domain/chat-message.js'
import { MAX_REFUSED_IN_A_ROW } from '../../src/kafka/consumer.js'
import { createMetrics, type Metrics } from '../../src/metrics.js'
import { ChatRepository } from '../../src/repository/chat-repository.js'
import { migratedClient } from '../helpers/clickhouse.js'
import { testConsumer } from '../helpers/consumer.js'
import { freshTopic, publish } from '../helpers/kafka.js'
import { waitFor } from '../helpers/wait.js'

const client = await migratedClient()
after(() => client.close())

const POISON = 'poison row'

/**
 * Fault injection: a batch holding a message whose text is POISON is sent to ClickHouse with that
 * row's timestamp replaced by text the engine cannot parse, so the real engine refuses the
 * insert, as it does for data it cannot store. Other batches go through unchanged.
 */
class PoisonRowRepository extends ChatRepository {
  constructor(private readonly raw: ClickHouseClient) {
    super(raw, 'chat_data')
  }

  override async insert(messages: readonly ChatMessage[]): Promise<void> {
    if (!messages.some((m) => m.userMessage === POISON)) return super.insert(messages)
    await this.raw.insert({
      table: 'chat_data.chat_messages',
      format: 'JSONEachRow',
      values: messages.map((m) => ({
        user_id: m.userId,
        user_message: m.userMessage,
        ai_response: m.aiResponse,
        timestamp: m.userMessage === POISON ? 'not a time' : toClickHouseDateTime(m.timestampMs),
        event_id: m.eventId,
      })),
    })
  }
}

/**
 * Fault injection: every row is sent with a timestamp the engine cannot parse, as if the table's
 * column had been changed under the service, so the real engine refuses every insert.
 */
class RefuseEverythingRepository extends ChatRepository {
  constructor(private readonly raw: ClickHouseClient) {
    super(raw, 'chat_data')
  }

  override async insert(messages: readonly ChatMessage[]): Promise<void> {
    await this.raw.insert({
      table: 'chat_data.chat_messages',
      format: 'JSONEachRow',
      values: messages.map((m) => ({ user_id: m.userId, timestamp: 'not a time' })),
    })
  }
}

/** Fault injection: the first `failures` inserts fail as a refused connection would. */
class FlakyRepository extends ChatRepository {
  attempts = 0

  constructor(
    raw: ClickHouseClient,
    private failures: number,
  ) {
    super(raw, 'chat_data')
  }

  override async insert(messages: readonly ChatMessage[]): Promise<void> {
    this.attempts += 1
    if (this.failures > 0) {
      this.failures -= 1
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), {
        code: 'ECONNREFUSED',
      })
    }
    return super.insert(messages)
  }
}

function event(user: string, n: number, message = `message ${n}`): string {
  return JSON.stringify({
    event_type: 'chat_completed',
    user_id: user,
    message,
    response: `response ${n}`,
    timestamp: `2025-11-07T09:00:0${n}Z`,
  })
}

async function counter(metrics: Metrics, name: string, labels: Record<string, string> = {}) {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name)
  const value = metric?.values.find((v) =>
    Object.entries(labels).every(([k, l]) => v.labels[k] === l),
  )
  return value?.value ?? 0
}

test('a row ClickHouse refuses is isolated and dropped; the rest of its batch is stored', async (t) => {
  const topic = await freshTopic(1)
  const groupId = `g-${randomUUID()}`
  const user = randomUUID()
  await publish(topic, [
    { value: event(user, 1) },
    { value: event(user, 2) },
    { value: event(user, 3, POISON) },
    { value: event(user, 4) },
  ])

  const metrics = createMetrics({ defaultMetrics: false })
  const consumer = testConsumer(topic, groupId, new PoisonRowRepository(client), metrics)
  await consumer.start()
  t.after(() => consumer.stop(1000))
  const repository = new ChatRepository(client, 'chat_data')
  await waitFor(
    async () => (await repository.history(user, 10)).length === 3 || undefined,
    'the three good rows to be stored',
  )
  await waitFor(
    async () =>
      (await counter(metrics, 'chat_events_rejected_total', { reason: 'insert_refused' })) === 1 ||
      undefined,
    'the refused row to be counted',
  )
  await consumer.stop(5000)

  const history = await repository.history(user, 10)
  assert.deepEqual(
    history.map((h) => h.user_message),
    ['message 4', 'message 2', 'message 1'],
  )

  // The batch's offsets were committed: a new consumer in the group reads nothing again.
  const again = createMetrics({ defaultMetrics: false })
  const second = testConsumer(topic, groupId, new ChatRepository(client, 'chat_data'), again)
  await second.start()
  t.after(() => second.stop(1000))
  await publish(topic, [{ value: event(user, 5) }])
  await waitFor(
    async () => (await repository.history(user, 10)).length === 4 || undefined,
    'the next event to be stored',
  )
  await second.stop(5000)
  assert.equal(await counter(again, 'chat_events_total', { outcome: 'accepted' }), 1)
})

test('passing insert failures are retried until the batch is stored, then committed', async (t) => {
  const topic = await freshTopic(1)
  const user = randomUUID()
  await publish(topic, [{ value: event(user, 1) }, { value: event(user, 2) }])

  const metrics = createMetrics({ defaultMetrics: false })
  const flaky = new FlakyRepository(client, 3)
  const consumer = testConsumer(topic, `g-${randomUUID()}`, flaky, metrics)
  await consumer.start()
  t.after(() => consumer.stop(1000))
  const repository = new ChatRepository(client, 'chat_data')
  await waitFor(
    async () => (await repository.history(user, 10)).length === 2 || undefined,
    'the batch to be stored after the failures',
  )
  await consumer.stop(5000)

  assert.ok(flaky.attempts >= 4, `three failed attempts, then a good one (${flaky.attempts})`)
  assert.equal(await counter(metrics, 'chat_insert_failures_total'), 3)
  assert.equal(await counter(metrics, 'chat_events_rejected_total'), 0, 'nothing was dropped')
})

test('when ClickHouse refuses every row, refusals stop being dropped and the batch is retried', async (t) => {
  const topic = await freshTopic(1)
  const groupId = `g-${randomUUID()}`
  const user = randomUUID()
  const count = MAX_REFUSED_IN_A_ROW + 5
  await publish(
    topic,
    Array.from({ length: count }, (_, i) => ({ value: event(user, i % 10, `message ${i}`) })),
  )

  const metrics = createMetrics({ defaultMetrics: false })
  const consumer = testConsumer(topic, groupId, new RefuseEverythingRepository(client), metrics)
  await consumer.start()
  t.after(() => consumer.stop(1000))
  const refusedCount = () =>
    counter(metrics, 'chat_events_rejected_total', { reason: 'insert_refused' })
  await waitFor(
    async () => (await refusedCount()) === MAX_REFUSED_IN_A_ROW || undefined,
    'the first refusals to be dropped',
  )
  const failuresThen = await counter(metrics, 'chat_insert_failures_total')
  await waitFor(
    async () =>
      (await counter(metrics, 'chat_insert_failures_total')) >= failuresThen + 3 || undefined,
    'the batch to be retried',
  )
  assert.equal(await refusedCount(), MAX_REFUSED_IN_A_ROW, 'no further row was dropped')
  await consumer.stop(1000)

  // Nothing was committed: once the table takes rows again, every event is stored.
  const second = testConsumer(topic, groupId, new ChatRepository(client, 'chat_data'), metrics)
  await second.start()
  t.after(() => second.stop(1000))
  const repository = new ChatRepository(client, 'chat_data')
  await waitFor(
    async () => (await repository.history(user, 100)).length === count || undefined,
    'every event to be stored once the table takes rows',
  )
  await second.stop(5000)
})
