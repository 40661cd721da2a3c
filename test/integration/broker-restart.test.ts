import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { test } from 'node:test'
import { Admin } from '@platformatic/kafka'
import { generatedEvents } from '../../src/cli/sample-events.js'
import { ensureTopic } from '../../src/kafka/topics.js'
import { publishEvents } from '../helpers/kafka.js'
import { PrivateBroker } from '../helpers/private-broker.js'
import { serviceEnv, startService } from '../helpers/service.js'
import { waitFor } from '../helpers/wait.js'

async function groupMembers(brokers: string[], groupId: string): Promise<number> {
  const admin = new Admin({ clientId: 'test-admin', bootstrapBrokers: brokers })
  try {
    const groups = await admin.describeGroups({ groups: [groupId] })
    return groups.get(groupId)?.members.size ?? 0
  } finally {
    await admin.close()
  }
}

test('after the broker restarts, the consumer is a group member again and goes on storing', async (t) => {
  const broker = new PrivateBroker()
  await broker.start()
  t.after(() => broker.stop())
  const topic = `restart-${randomUUID()}`
  await ensureTopic(broker.brokers, topic, 2)

  const groupId = `test-group-${randomUUID()}`
  const service = await startService(
    t,
    serviceEnv(topic, {
      KAFKA_BROKERS: broker.brokers.join(','),
      KAFKA_GROUP_ID: groupId,
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      KAFKA_CONNECT_BACKOFF_MS: '200',
    }),
  )
  await service.ready()

  const before = generatedEvents(20, 1)
  await publishEvents(topic, before, broker.brokers)
  const user = before[0]?.user_id ?? ''
  const stored = (n: number) => async () => {
    const { body } = await service.get(`/api/chat/history/${user}?limit=100`)
    return Array.isArray(body) && body.length === n ? body : undefined
  }
  await waitFor(stored(20), 'the first events to be stored')

  await broker.stop()
  await service.waitForLog(
    (line) =>
      line.msg === 'heartbeat failed; rejoining the group' || line.msg === 'consumer stream failed',
    'the consumer to notice the broker is gone',
  )
  await waitFor(
    async () => (await service.get('/readyz')).status === 503 || undefined,
    'readiness to report kafka down',
  )

  await broker.start()
  await service.ready(90_000)
  const after = generatedEvents(20, 1, Date.UTC(2025, 10, 8)).map((e) => ({ ...e, user_id: user }))
  await publishEvents(topic, after, broker.brokers)
  await waitFor(stored(40), 'the events published after the restart to be stored', 90_000)

  // The client alone stops heartbeating after a failed heartbeat and stays out of the group.
  assert.equal(await groupMembers(broker.brokers, groupId), 1, 'the service is a group member')
  await waitFor(
    async () => (await groupMembers(broker.brokers, groupId)) === 1 || undefined,
    'membership to hold',
  )
})
