import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { test } from 'node:test'
import { ServiceProcess, serviceEnv } from '../helpers/service.js'

test('a topic that does not exist: join retries are logged, then the process exits 1', async (t) => {
  const service = await ServiceProcess.start(
    serviceEnv(`missing-${randomUUID()}`, {
      KAFKA_CONNECT_RETRIES: '1',
      KAFKA_CONNECT_BACKOFF_MS: '100',
    }),
  )
  t.after(() => service.stop('SIGKILL'))

  await service.waitForLog(
    (l) => l.msg === 'joining the consumer group failed, retrying',
    'a join retry',
    60_000,
  )
  const ready = await service.get('/readyz')
  assert.equal(ready.status, 503)
  assert.deepEqual(ready.body, { status: 'not_ready', checks: { clickhouse: true, kafka: false } })

  const exit = await service.exited
  assert.equal(exit.code, 1)
  const fatal = service.logs.find((l) => l.level === 'fatal')
  assert.ok(fatal)
  assert.equal(fatal.msg, 'start-up failed')
  assert.match(JSON.stringify(fatal['err']), /Unknown topic/)
})
