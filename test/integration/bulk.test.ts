import assert from 'node:assert/strict'
import { test } from 'node:test'
import { generatedEvents } from '../../src/cli/sample-events.js'
import { freshTopic, publishEvents, recordCount } from '../helpers/kafka.js'
import { serviceEnv, startService } from '../helpers/service.js'
import { waitFor } from '../helpers/wait.js'

interface Entry {
  user_id: string
  user_message: string
  ai_response: string
  timestamp: string
}

test('1,000 events over 10 users and 4 partitions: every history complete, newest first', async (t) => {
  const topic = await freshTopic(4)
  const events = generatedEvents(1000, 10)
  // Published before the service starts: a new consumer group reads from the beginning.
  const partitions = await publishEvents(topic, events)
  assert.ok(
    partitions.size > 1,
    `events spread over several partitions (got ${[...partitions].join(',')})`,
  )
  assert.equal(await recordCount(topic), 1000, 'the producer wrote each event once')

  const service = await startService(t, serviceEnv(topic, { BATCH_MAX_ROWS: '100' }))
  await service.ready()

  const users = [...new Set(events.map((e) => e.user_id))]
  assert.equal(users.length, 10)

  const histories = await waitFor(
    async () => {
      const all = new Map<string, Entry[]>()
      for (const user of users) {
        const { body } = await service.get(`/api/chat/history/${user}?limit=1000`)
        const entries = body as Entry[]
        if (entries.length < 100) return undefined
        all.set(user, entries)
      }
      return all
    },
    'all 1,000 events to be stored',
    90_000,
  )

  for (const user of users) {
    const history = histories.get(user) ?? []
    const expected = events.filter((e) => e.user_id === user).reverse()
    assert.deepEqual(
      history,
      expected.map((e) => ({
        user_id: e.user_id,
        user_message: e.message,
        ai_response: e.response,
        timestamp: e.timestamp.replace('.000Z', 'Z'),
      })),
      `history of ${user} is complete and newest first`,
    )

    const limited = await service.get(`/api/chat/history/${user}?limit=7`)
    assert.deepEqual(limited.body, history.slice(0, 7), 'limit=7 returns the 7 newest')
  }

  const first = users[0] ?? ''
  const byDefault = await service.get(`/api/chat/history/${first}`)
  assert.equal((byDefault.body as Entry[]).length, 50, 'the default limit is 50')

  // At least once: a rebalance may re-deliver records (the read folds them), so >= 1000.
  const metrics = await service.getText('/metrics')
  const accepted = Number(/chat_events_total\{outcome="accepted"\} (\d+)/.exec(metrics)?.[1])
  assert.ok(accepted >= 1000, `all 1,000 events were accepted (${accepted})\n${service.dump()}`)
  assert.doesNotMatch(metrics, /chat_events_rejected_total\{/, 'nothing was rejected')
})
