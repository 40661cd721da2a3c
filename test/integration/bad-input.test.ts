import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { test } from 'node:test'
import { freshTopic, publish } from '../helpers/kafka.js'
import { serviceEnv, startService } from '../helpers/service.js'
import { waitFor } from '../helpers/wait.js'

test('malformed and foreign events are counted and skipped; valid ones around them are stored', async (t) => {
  const topic = await freshTopic(1) // one partition: the records keep their order
  const user = randomUUID()
  const secret = `secret-${randomUUID()}`
  const event = (n: number, extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      event_type: 'chat_completed',
      user_id: user,
      message: `message ${n}`,
      response: `response ${n}`,
      timestamp: `2025-11-07T09:00:0${n}Z`,
      ...extra,
    })

  await publish(topic, [
    { value: event(1) },
    { value: `{"event_type":"chat_completed","message":"${secret}` }, // cut-off JSON
    { value: event(2) },
    { value: event(3, { event_type: 'user_registered' }) },
    { value: event(4, { response: 42, message: secret }) }, // wrong type
    { value: event(5, { timestamp: 'yesterday' }) },
    { value: event(6) },
  ])

  const service = await startService(t, serviceEnv(topic))
  await service.ready()

  const path = `/api/chat/history/${user}?limit=10`
  await waitFor(async () => {
    const { body } = await service.get(path)
    return (body as unknown[]).length >= 3 || undefined
  }, 'the valid events to be stored')
  // The last record is valid, so once it is stored everything before it was handled too.
  const { body } = await service.get(path)
  assert.deepEqual(
    (body as { user_message: string }[]).map((e) => e.user_message),
    ['message 6', 'message 2', 'message 1'],
  )

  const metrics = await service.getText('/metrics')
  assert.match(metrics, /chat_events_total\{outcome="accepted"\} 3\b/)
  assert.match(metrics, /chat_events_total\{outcome="skipped"\} 1\b/)
  assert.match(metrics, /chat_events_total\{outcome="rejected"\} 3\b/)
  assert.match(metrics, /chat_events_rejected_total\{reason="not_json"\} 1\b/)
  assert.match(metrics, /chat_events_rejected_total\{reason="invalid_fields"\} 1\b/)
  assert.match(metrics, /chat_events_rejected_total\{reason="invalid_timestamp"\} 1\b/)

  const rejections = service.logs.filter((l) => l.msg === 'rejected event')
  assert.deepEqual(
    rejections.map((l) => [l['offset'], l['reason']]),
    [
      ['1', 'not_json'],
      ['4', 'invalid_fields'],
      ['5', 'invalid_timestamp'],
    ],
  )
  const everything = service.dump() + JSON.stringify(service.logs)
  assert.ok(!everything.includes(secret), 'no message body reaches the log')
  assert.ok(!everything.includes('message 1'), 'no message body reaches the log')
})
