import assert from 'node:assert/strict'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { loadDotEnv } from '../../src/dotenv.js'
import { tempFile } from '../helpers/files.js'

function dotEnvFile(t: TestContext, content: string): string {
  return tempFile(t, '.env', content)
}

test('.env fills in variables the environment does not set', (t) => {
  const env: NodeJS.ProcessEnv = {}
  loadDotEnv(dotEnvFile(t, 'PORT=9000\n# a comment\nexport KAFKA_TOPIC="chats"\n'), env)
  assert.deepEqual(env, { PORT: '9000', KAFKA_TOPIC: 'chats' })
})

test('a variable set in the environment wins over .env', (t) => {
  const env: NodeJS.ProcessEnv = { PORT: '8000' }
  loadDotEnv(dotEnvFile(t, 'PORT=9000\n'), env)
  assert.equal(env['PORT'], '8000')
})

test('an empty variable counts as unset, so .env fills it in', (t) => {
  const env: NodeJS.ProcessEnv = { PORT: '' }
  loadDotEnv(dotEnvFile(t, 'PORT=9000\n'), env)
  assert.equal(env['PORT'], '9000')
})

test('a missing .env changes nothing', () => {
  const env: NodeJS.ProcessEnv = { PORT: '8000' }
  loadDotEnv(join(tmpdir(), 'chat-data-no-such-dir', '.env'), env)
  assert.deepEqual(env, { PORT: '8000' })
})
