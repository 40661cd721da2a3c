import assert from 'node:assert/strict'
import { test } from 'node:test'
import { closedPort } from '../helpers/net.js'
import { ServiceProcess, serviceEnv } from '../helpers/service.js'

test('server mode with nothing listening: retries with backoff, stays unready, then exits 1', async (t) => {
  const port = await closedPort()
  const service = await ServiceProcess.start(
    serviceEnv('unused-topic', {
      CLICKHOUSE_URL: `http://127.0.0.1:${port}`,
      CLICKHOUSE_CONNECT_RETRIES: '3',
      CLICKHOUSE_CONNECT_BACKOFF_MS: '400',
      CLICKHOUSE_CONNECT_MAX_BACKOFF_MS: '2000',
    }),
  )
  t.after(() => service.stop('SIGKILL'))

  await service.waitForLog((l) => l.msg === 'clickhouse not reachable, retrying', 'first retry')
  const ready = await service.get('/readyz')
  assert.equal(ready.status, 503)
  assert.deepEqual(ready.body, { status: 'not_ready', checks: { clickhouse: false, kafka: false } })
  assert.equal((await service.get('/livez')).status, 200, 'alive while retrying')

  const exit = await service.exited
  assert.equal(exit.code, 1, 'exits with code 1 once the retries are spent')
  assert.deepEqual(service.otherOutput, [], 'the client library logs through our JSON logger too')

  const retries = service.logs.filter((l) => l.msg === 'clickhouse not reachable, retrying')
  assert.deepEqual(
    retries.map((l) => [l.level, l['attempt'], l['retries_left']]),
    [
      ['warn', 1, 3],
      ['warn', 2, 2],
      ['warn', 3, 1],
    ],
  )
  const gaps = retries
    .slice(1)
    .map((l, i) => Date.parse(String(l['time'])) - Date.parse(String(retries[i]?.['time'])))
  assert.ok(
    gaps.every((gap) => gap >= 400),
    `waits between attempts grow from the base delay (${gaps.join(', ')} ms)`,
  )

  const fatal = service.logs.find((l) => l.level === 'fatal')
  assert.ok(fatal, 'a fatal line explains the exit')
  assert.equal(fatal.msg, 'start-up failed')
  assert.equal(
    (fatal['err'] as { message: string }).message,
    `ClickHouse did not answer after 4 attempt(s): connect ECONNREFUSED 127.0.0.1:${port}`,
    'says what failed, then why, once',
  )
})

test('CLICKHOUSE_HOST with the native port 9000 is used as HTTP port 8123, with a warning', async (t) => {
  const service = await ServiceProcess.start(
    serviceEnv('unused-topic', {
      CLICKHOUSE_HOST: '127.0.0.1:9000',
      CLICKHOUSE_CONNECT_RETRIES: '0',
    }),
  )
  t.after(() => service.stop('SIGKILL'))

  const warning = await service.waitForLog(
    (l) => l.level === 'warn' && /9000/.test(l.msg),
    'port warning',
  )
  assert.match(warning.msg, /8123/)
  const starting = await service.waitForLog((l) => l.msg === 'starting', 'start line')
  assert.deepEqual((starting['config'] as { clickhouse: { target: unknown } }).clickhouse.target, {
    mode: 'server',
    url: 'http://127.0.0.1:8123',
  })
})
