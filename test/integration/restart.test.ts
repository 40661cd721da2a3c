import assert from 'node:assert/strict'
import { test } from 'node:test'
import { generatedEvents } from '../../src/cli/sample-events.js'
import { freshTopic, publishEvents } from '../helpers/kafka.js'
import { serviceEnv, startService } from '../helpers/service.js'
import { waitFor } from '../helpers/wait.js'

test('history survives a restart, and committed events are not consumed again', async (t) => {
  const topic = await freshTopic()
  const env = serviceEnv(topic)
  const events = generatedEvents(20, 1)
  const user = events[0]?.user_id ?? ''
  const path = `/api/chat/history/${user}?limit=100`

  const first = await startService(t, env)
  await first.ready()
  await publishEvents(topic, events)
  const before = await waitFor(async () => {
    const { body } = await first.get(path)
    return (body as unknown[]).length === 20 ? body : undefined
  }, 'the first 20 events to be stored')

  const exit = await first.stop('SIGTERM')
  assert.deepEqual(exit, { code: 0, signal: null }, 'a clean stop exits with code 0')
  assert.ok(first.logs.some((l) => l.msg === 'stopped'))

  // Same data directory, same consumer group.
  const second = await startService(t, env)
  await second.ready()
  assert.deepEqual((await second.get(path)).body, before, 'stored history is still there')

  const [later] = generatedEvents(1, 1, Date.UTC(2026, 0, 1))
  assert.ok(later)
  await publishEvents(topic, [{ ...later, user_id: user }])
  await waitFor(async () => {
    const { body } = await second.get(path)
    return (body as unknown[]).length === 21 || undefined
  }, 'the event published after the restart to be stored')

  const metrics = await second.getText('/metrics')
  assert.match(
    metrics,
    /chat_events_total\{outcome="accepted"\} 1\b/,
    'the restarted service read only the new event: earlier offsets were committed',
  )
})
