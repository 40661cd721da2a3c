import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ServiceProcess, serviceEnv, type LogLine } from '../helpers/service.js'

async function failedStart(env: Record<string, string>): Promise<LogLine> {
  const service = ServiceProcess.spawn(env)
  const exit = await service.exited
  assert.deepEqual(exit, { code: 1, signal: null }, service.dump())
  const fatal = service.logs.find((l) => l.level === 'fatal')
  assert.ok(fatal, `a fatal line explains the exit\n${service.dump()}`)
  return fatal
}

test(
  'malformed settings: one fatal line names every bad variable, exit code 1',
  { timeout: 60_000 },
  async () => {
    const fatal = await failedStart(
      serviceEnv('unused-topic', { PORT: 'abc', KAFKA_BROKERS: 'nonsense', LOG_LEVEL: 'loud' }),
    )
    assert.equal(fatal.msg, 'invalid configuration')
    const problems = (fatal['problems'] as string[]).join('\n')
    assert.match(problems, /PORT/)
    assert.match(problems, /KAFKA_BROKERS/)
    assert.match(problems, /LOG_LEVEL/)
  },
)

test(
  'a data directory that cannot be created: fatal line and exit code 1, no hang',
  { timeout: 60_000 },
  async () => {
    const fatal = await failedStart(
      serviceEnv('unused-topic', { CLICKHOUSE_DATA_DIR: '/proc/chat-data-service/data' }),
    )
    assert.equal(fatal.msg, 'start-up failed')
    assert.equal(
      (fatal['err'] as { message: string }).message,
      'cannot create CLICKHOUSE_DATA_DIR /proc/chat-data-service/data: ' +
        "ENOENT: no such file or directory, mkdir '/proc/chat-data-service'",
      'says what failed, then why, once',
    )
  },
)
