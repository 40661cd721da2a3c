import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { runCli } from '../helpers/cli.js'
import { freshTopic, recordCount, testBrokers } from '../helpers/kafka.js'
import { ServiceProcess, serviceEnv, tempDir } from '../helpers/service.js'

/** A fresh working directory holding a `.env` with these lines. */
function dirWithDotEnv(lines: readonly string[]): string {
  const dir = tempDir('cds-dotenv-')
  writeFileSync(join(dir, '.env'), `${lines.join('\n')}\n`)
  return dir
}

test('the service fills in settings from .env; the environment wins', async (t) => {
  const cwd = dirWithDotEnv(['KAFKA_CLIENT_ID=from-dotenv', 'KAFKA_GROUP_ID=from-dotenv'])
  const env = serviceEnv('unused-topic', { KAFKA_CLIENT_ID: '', KAFKA_GROUP_ID: 'from-env' })
  const service = ServiceProcess.spawn(env, cwd)
  t.after(() => service.stop('SIGKILL'))

  const starting = await service.waitForLog((l) => l.msg === 'starting', 'the start line')
  const { kafka } = starting['config'] as { kafka: { clientId: string; groupId: string } }
  assert.equal(kafka.clientId, 'from-dotenv', 'an empty variable is filled in from .env')
  assert.equal(kafka.groupId, 'from-env')
})

test('npm run migrate reads .env; the environment wins', async () => {
  const dataDir = join(tempDir(), 'clickhouse')
  const cwd = dirWithDotEnv([`CLICKHOUSE_DATA_DIR=${dataDir}`, 'CLICKHOUSE_DB=not a name'])
  const result = await runCli('migrate', [], { cwd, env: { CLICKHOUSE_DB: 'from_env' } })
  assert.equal(result.code, 0, result.stdout + result.stderr)
  assert.ok(existsSync(dataDir), 'the data directory named in .env was used')
  assert.match(result.stdout, /"applied":\[1\]/)
})

test('npm run create-topic reads .env; the environment wins', async () => {
  const fromEnv = `test-${randomUUID()}`
  const cwd = dirWithDotEnv([`KAFKA_BROKERS=${testBrokers().join(',')}`, 'KAFKA_TOPIC=from-dotenv'])
  const result = await runCli('create-topic', ['--partitions', '1'], {
    cwd,
    env: { KAFKA_TOPIC: fromEnv },
  })
  assert.equal(result.code, 0, result.stderr)
  assert.equal(result.stdout.trim(), `created topic ${fromEnv} (1 partitions)`)
})

test('npm run produce reads .env', async () => {
  const topic = await freshTopic(1)
  const cwd = dirWithDotEnv([`KAFKA_BROKERS=${testBrokers().join(',')}`, `KAFKA_TOPIC=${topic}`])
  const result = await runCli('produce', [], { cwd })
  assert.equal(result.code, 0, result.stderr)
  assert.equal(result.stdout.trim(), `published 1 event(s) to ${topic}`)
  assert.equal(await recordCount(topic), 1)
})
