/**
 * The consumer after a failed heartbeat, in the test process: real broker, real embedded engine.
 * Fault injection: the client's own 'consumer:heartbeat:error' event is emitted on the running
 * client, as the client emits it when a heartbeat request fails (after which it sends no more
 * heartbeats, so the broker drops the member while it goes on fetching).
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { EventEmitter } from 'node:events'
import { after, test } from 'node:test'
import { generatedEvents } from '../../src/cli/sample-events.js'
import { createMetrics } from '../../src/metrics.js'
import { ChatRepository } from '../../src/repository/chat-repository.js'
import { migratedClient } from '../helpers/clickhouse.js'
import { testConsumer } from '../helpers/consumer.js'
import { freshTopic, publishEvents } from '../helpers/kafka.js'
import { waitFor } from '../helpers/wait.js'

const client = await migratedClient()
after(() => client.close())

test('a failed heartbeat makes the consumer rejoin the group, and consumption goes on', async (t) => {
  const topic = await freshTopic(1)
  const metrics = createMetrics({ defaultMetrics: false })
  const repository = new ChatRepository(client, 'chat_data')
  const consumer = testConsumer(topic, `g-${randomUUID()}`, repository, metrics, {
    sessionTimeoutMs: 6000,
  })
  await consumer.start()
  t.after(() => consumer.stop(1000))

  const events = generatedEvents(10, 1)
  const user = events[0]?.user_id ?? ''
  await publishEvents(topic, events.slice(0, 5))
  await waitFor(
    async () => (await repository.history(user, 100)).length === 5 || undefined,
    'the first events to be stored',
  )

  const raw = (consumer as unknown as { consumer: EventEmitter }).consumer
  raw.emit('consumer:heartbeat:error', { error: new Error('Connection closed') })
  await waitFor(async () => {
    const metric = (await metrics.registry.getMetricsAsJSON()).find(
      (m) => m.name === 'chat_consumer_stream_failures_total',
    )
    return metric?.values[0]?.value === 1 || undefined
  }, 'the failed heartbeat to count as a stream failure')
  const rejoined = await waitFor(() => {
    const current = (consumer as unknown as { consumer?: EventEmitter }).consumer
    return current !== undefined && current !== raw && consumer.running ? current : undefined
  }, 'a new client to join the group')
  assert.notEqual(rejoined, raw)

  await publishEvents(topic, events.slice(5))
  await waitFor(
    async () => (await repository.history(user, 100)).length === 10 || undefined,
    'the events after the rejoin to be stored',
  )
})
