import assert from 'node:assert/strict'
import { test } from 'node:test'
import { freshTopic, publishWithJavaClient } from '../helpers/kafka.js'
import { serviceEnv, startService } from '../helpers/service.js'
import { waitFor } from '../helpers/wait.js'

const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const
const PER_CODEC = 25

test('record batches from the reference Java client are read with every codec', async (t) => {
  const topic = await freshTopic(2)
  const output = await publishWithJavaClient(topic, PER_CODEC, CODECS)
  for (const codec of CODECS) assert.match(output, new RegExp(`published ${PER_CODEC} ${codec}`))

  const service = await startService(t, serviceEnv(topic))
  await service.ready()

  for (const codec of CODECS) {
    const path = `/api/chat/history/codec-${codec}?limit=100`
    const history = await waitFor(async () => {
      const { body } = await service.get(path)
      return Array.isArray(body) && body.length >= PER_CODEC ? body : undefined
    }, `the ${codec} events to be stored`)

    const expected = Array.from({ length: PER_CODEC }, (_, i) => ({
      user_id: `codec-${codec}`,
      user_message: `message ${i}`,
      ai_response: `response ${i}`,
      timestamp: new Date(Date.UTC(2025, 10, 7, 9, 0, i)).toISOString().replace('.000Z', 'Z'),
    })).reverse()
    assert.deepEqual(history, expected, `${codec}: every event, newest first`)
  }

  const metrics = await service.getText('/metrics')
  assert.match(metrics, /chat_consumer_stream_failures_total 0\b/, 'fetching never failed')
  assert.doesNotMatch(metrics, /chat_events_rejected_total\{/, 'nothing was rejected')
  assert.equal(
    service.logs.filter((line) => line.msg === 'consumer stream failed').length,
    0,
    'no stream failure was logged',
  )
})
