import assert from 'node:assert/strict'
import { test } from 'node:test'
import { SAMPLE_EVENT } from '../../src/cli/sample-events.js'
import { freshTopic, publishEvents } from '../helpers/kafka.js'
import { serviceEnv, startService } from '../helpers/service.js'
import { waitFor } from '../helpers/wait.js'

test("the original contract's sample event comes back as its sample response", async (t) => {
  const topic = await freshTopic()
  const service = await startService(t, serviceEnv(topic))
  await service.ready()

  await publishEvents(topic, [SAMPLE_EVENT])

  const path = '/api/chat/history/b87b5011-65a6-4fb1-9aaf-08bdaac91358?limit=10'
  const response = await waitFor(async () => {
    const r = await service.get(path)
    return Array.isArray(r.body) && r.body.length > 0 ? r : undefined
  }, 'the sample event to be stored')

  assert.equal(response.status, 200)
  assert.match(response.contentType, /^application\/json/)
  assert.deepEqual(response.body, [
    {
      user_id: 'b87b5011-65a6-4fb1-9aaf-08bdaac91358',
      user_message: 'Merhaba!',
      ai_response: 'Merhaba, sana nasıl yardımcı olabilirim?',
      timestamp: '2025-11-07T09:00:00Z',
    },
  ])
  assert.deepEqual(service.otherOutput, [], 'every output line is a JSON log line')
})
