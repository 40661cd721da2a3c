import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { tempDir } from '../helpers/service.js'

const SCRIPTS = fileURLToPath(new URL('../../../scripts', import.meta.url))

/**
 * A copy of the scripts in a checkout of their own, with `.env` holding these lines: the scripts
 * read the `.env` of the checkout they live in.
 */
function checkoutWithDotEnv(lines: readonly string[]): string {
  const root = tempDir('cds-checkout-')
  mkdirSync(join(root, 'scripts'))
  for (const script of ['local.sh', 'kafka.sh', 'dotenv.sh']) {
    cpSync(join(SCRIPTS, script), join(root, 'scripts', script))
  }
  writeFileSync(join(root, '.env'), `${lines.join('\n')}\n`)
  return root
}

function run(
  root: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      args,
      { cwd: root, env: { PATH: process.env['PATH'] ?? '', ...env } },
      (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr })
      },
    )
  })
}

/** What `local.sh --settings` says it would use. */
async function localSettings(
  root: string,
  env: Record<string, string> = {},
): Promise<Record<string, string>> {
  const result = await run(root, ['scripts/local.sh', '--settings'], env)
  assert.equal(result.code, 0, result.stderr)
  return Object.fromEntries(
    result.stdout
      .trim()
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  )
}

test('local.sh takes LOCAL_KAFKA_* from .env, and KAFKA_BROKERS follows the port', async () => {
  const root = checkoutWithDotEnv(['LOCAL_KAFKA_PORT=19092', 'LOCAL_KAFKA_PARTITIONS=2'])
  assert.deepEqual(await localSettings(root), {
    LOCAL_KAFKA_PORT: '19092',
    LOCAL_KAFKA_PARTITIONS: '2',
    KAFKA_BROKERS: '127.0.0.1:19092',
    HOST: '127.0.0.1',
    PORT: '8083',
  })
})

test('local.sh listens on loopback unless HOST is given', async () => {
  const root = checkoutWithDotEnv(['HOST=0.0.0.0'])
  assert.equal((await localSettings(root))['HOST'], '0.0.0.0', 'from .env')
  assert.equal((await localSettings(root, { HOST: '::1' }))['HOST'], '::1', 'from the environment')
})

test('local.sh keeps a KAFKA_BROKERS given in .env', async () => {
  const root = checkoutWithDotEnv(['LOCAL_KAFKA_PORT=19092', 'KAFKA_BROKERS=kafka-1:9092'])
  assert.equal((await localSettings(root))['KAFKA_BROKERS'], 'kafka-1:9092')
})

test('local.sh: the environment wins over .env; an empty variable counts as unset', async () => {
  const root = checkoutWithDotEnv([
    'LOCAL_KAFKA_PORT=19092',
    'KAFKA_BROKERS=kafka-1:9092',
    'PORT=9000',
  ])
  const settings = await localSettings(root, {
    LOCAL_KAFKA_PORT: '29092',
    KAFKA_BROKERS: 'kafka-2:9092',
    PORT: '',
  })
  assert.equal(settings['LOCAL_KAFKA_PORT'], '29092')
  assert.equal(settings['KAFKA_BROKERS'], 'kafka-2:9092')
  assert.equal(settings['PORT'], '9000')
})

test('.env is read, never run: shell syntax in it stays text', async () => {
  const root = checkoutWithDotEnv([
    'LOCAL_KAFKA_PARTITIONS=$(touch ran-a-command)',
    'KAFKA_BROKERS=x; touch ran-a-command',
  ])
  const settings = await localSettings(root)
  assert.equal(settings['LOCAL_KAFKA_PARTITIONS'], '$(touch ran-a-command)')
  assert.equal(settings['KAFKA_BROKERS'], 'x; touch ran-a-command')
  assert.equal(existsSync(join(root, 'ran-a-command')), false)
})

for (const name of ['LOCAL_KAFKA_PORT', 'LOCAL_KAFKA_START_TIMEOUT']) {
  test(`kafka.sh refuses a ${name} that is not a number, without evaluating it`, async () => {
    const root = checkoutWithDotEnv([`${name}=a[$(touch ran-a-command)]`])
    const result = await run(root, ['scripts/kafka.sh', 'status'])
    assert.equal(result.code, 2)
    assert.match(result.stderr, new RegExp(`${name} must be a whole number`))
    assert.equal(existsSync(join(root, 'ran-a-command')), false)
  })
}
