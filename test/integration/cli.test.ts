import assert from 'node:assert/strict'
import { test } from 'node:test'
import { runCli } from '../helpers/cli.js'
import { closedPort } from '../helpers/net.js'
import { tempDir } from '../helpers/service.js'

test('npm run produce against an unreachable broker names it, says why, and exits 1', async () => {
  const port = await closedPort()
  const result = await runCli('produce', ['--brokers', `127.0.0.1:${port}`], { cwd: tempDir() })
  assert.equal(result.code, 1)
  assert.match(
    result.stderr.trim(),
    new RegExp(
      `^produce: Kafka at 127\\.0\\.0\\.1:${port}: \\w+ failed \\d+ times ` +
        `\\(last error: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\)$`,
    ),
  )
})

test('npm run create-topic against an unreachable broker names it, says why, and exits 1', async () => {
  const port = await closedPort()
  const result = await runCli('create-topic', ['--brokers', `127.0.0.1:${port}`], {
    cwd: tempDir(),
  })
  assert.equal(result.code, 1)
  assert.match(
    result.stderr.trim(),
    new RegExp(
      `^create-topic: Kafka at 127\\.0\\.0\\.1:${port}: \\w+ failed \\d+ times ` +
        `\\(last error: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\)$`,
    ),
  )
})
