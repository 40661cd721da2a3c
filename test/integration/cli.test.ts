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

test('npm run produce refuses flags that would be ignored, before connecting', async () => {
  const port = await closedPort()
  const cases: [string[], RegExp][] = [
    [['--raw', 'x', '--count', '5'], /--raw .* does not go with --count or --users/],
    [['--raw', 'x', '--users', '2'], /--raw .* does not go with --count or --users/],
    [['--count', '5', '--key', 'k'], /--key goes with --raw/],
  ]
  for (const [args, message] of cases) {
    const result = await runCli('produce', ['--brokers', `127.0.0.1:${port}`, ...args], {
      cwd: tempDir(),
    })
    assert.equal(result.code, 1, args.join(' '))
    assert.match(result.stderr, message, args.join(' '))
    assert.doesNotMatch(result.stderr, /ECONNREFUSED/, 'refused before connecting')
  }
})
