import assert from 'node:assert/strict'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { ConfigError, loadConfig, redactedConfig } from '../../src/config.js'
import { tempFile } from '../helpers/files.js'

type Env = Record<string, string>

/** The problems of the ConfigError that `env` must cause. */
function problemsOf(env: Env): readonly string[] {
  try {
    loadConfig(env)
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`)
    return error.problems
  }
  assert.fail(`expected a ConfigError for ${JSON.stringify(env)}`)
}

/** Asserts that exactly one problem is reported and that it contains every fragment. */
function assertOneProblemNaming(env: Env, ...fragments: string[]): void {
  const problems = problemsOf(env)
  assert.equal(problems.length, 1, `expected one problem, got ${JSON.stringify(problems)}`)
  for (const fragment of fragments) {
    assert.ok(
      problems[0]?.includes(fragment),
      `expected ${JSON.stringify(problems[0])} to name ${fragment}`,
    )
  }
}

describe('loadConfig defaults', () => {
  test('an empty environment loads without problems or warnings', () => {
    const config = loadConfig({})
    assert.deepEqual(config.warnings, [])
  })

  test('the HTTP port defaults to 8083', () => {
    assert.equal(loadConfig({}).http.port, 8083)
  })

  test('ClickHouse defaults to database chat_data, user default and an empty password', () => {
    const { clickhouse } = loadConfig({})
    assert.equal(clickhouse.database, 'chat_data')
    assert.equal(clickhouse.username, 'default')
    assert.equal(clickhouse.password, '')
  })

  test('Kafka defaults to broker kafka:9092 and topic chat_messages', () => {
    const { kafka } = loadConfig({})
    assert.deepEqual(kafka.brokers, ['kafka:9092'])
    assert.equal(kafka.topic, 'chat_messages')
  })

  test('ClickHouse runs embedded in data/clickhouse when no server is named', () => {
    assert.deepEqual(loadConfig({}).clickhouse.target, {
      mode: 'embedded',
      dataDir: 'data/clickhouse',
    })
  })
})

describe('loadConfig ClickHouse server mode', () => {
  test('CLICKHOUSE_URL selects server mode with that URL', () => {
    const config = loadConfig({ CLICKHOUSE_URL: 'http://clickhouse:8123' })
    assert.deepEqual(config.clickhouse.target, { mode: 'server', url: 'http://clickhouse:8123' })
    assert.deepEqual(config.warnings, [])
  })

  test('CLICKHOUSE_URL keeps https and drops a trailing slash', () => {
    const config = loadConfig({ CLICKHOUSE_URL: 'https://ch.example.com:8443/' })
    assert.deepEqual(config.clickhouse.target, {
      mode: 'server',
      url: 'https://ch.example.com:8443',
    })
  })

  test('CLICKHOUSE_HOST with an HTTP port is used as is, without a warning', () => {
    const config = loadConfig({ CLICKHOUSE_HOST: 'clickhouse:8123' })
    assert.deepEqual(config.clickhouse.target, { mode: 'server', url: 'http://clickhouse:8123' })
    assert.deepEqual(config.warnings, [])
  })

  test('CLICKHOUSE_HOST without a port gets port 8123', () => {
    const config = loadConfig({ CLICKHOUSE_HOST: 'clickhouse' })
    assert.deepEqual(config.clickhouse.target, { mode: 'server', url: 'http://clickhouse:8123' })
    assert.deepEqual(config.warnings, [])
  })

  test('CLICKHOUSE_HOST with native port 9000 becomes http port 8123', () => {
    const config = loadConfig({ CLICKHOUSE_HOST: 'clickhouse:9000' })
    assert.deepEqual(config.clickhouse.target, { mode: 'server', url: 'http://clickhouse:8123' })
  })

  test('rewriting native port 9000 warns and names port 8123', () => {
    const { warnings } = loadConfig({ CLICKHOUSE_HOST: 'clickhouse:9000' })
    assert.equal(warnings.length, 1)
    assert.match(warnings[0] ?? '', /9000/)
    assert.match(warnings[0] ?? '', /8123/)
  })

  test('CLICKHOUSE_HOST with native TLS port 9440 becomes https port 8443 with a warning', () => {
    const config = loadConfig({ CLICKHOUSE_HOST: 'clickhouse:9440' })
    assert.deepEqual(config.clickhouse.target, { mode: 'server', url: 'https://clickhouse:8443' })
    assert.equal(config.warnings.length, 1)
    assert.match(config.warnings[0] ?? '', /8443/)
  })
})

describe('loadConfig rejects bad values and names them', () => {
  test('PORT=abc is not a whole number', () => {
    assertOneProblemNaming({ PORT: 'abc' }, 'PORT', 'abc')
  })

  test('PORT=70000 is out of range', () => {
    assertOneProblemNaming({ PORT: '70000' }, 'PORT', '70000')
  })

  test('KAFKA_BROKERS with an entry lacking a port', () => {
    assertOneProblemNaming({ KAFKA_BROKERS: 'a,b:1' }, 'KAFKA_BROKERS')
  })

  test('LOG_LEVEL=loud is not a log level', () => {
    assertOneProblemNaming({ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', 'loud')
  })

  test('CLICKHOUSE_DB must be a plain identifier', () => {
    assertOneProblemNaming({ CLICKHOUSE_DB: 'bad-name;' }, 'CLICKHOUSE_DB', 'bad-name;')
  })

  test('BATCH_MAX_ROWS=0 is out of range', () => {
    assertOneProblemNaming({ BATCH_MAX_ROWS: '0' }, 'BATCH_MAX_ROWS')
  })

  test('HISTORY_DEFAULT_LIMIT above HISTORY_MAX_LIMIT', () => {
    assertOneProblemNaming(
      { HISTORY_DEFAULT_LIMIT: '200', HISTORY_MAX_LIMIT: '100' },
      'HISTORY_DEFAULT_LIMIT',
      'HISTORY_MAX_LIMIT',
    )
  })

  test('CLICKHOUSE_URL and CLICKHOUSE_HOST together', () => {
    assertOneProblemNaming(
      { CLICKHOUSE_URL: 'http://clickhouse:8123', CLICKHOUSE_HOST: 'clickhouse' },
      'CLICKHOUSE_URL',
      'CLICKHOUSE_HOST',
    )
  })

  test('CLICKHOUSE_URL carrying credentials', () => {
    assertOneProblemNaming(
      { CLICKHOUSE_URL: 'http://admin:pw@clickhouse:8123' },
      'CLICKHOUSE_URL',
      'credentials',
    )
  })

  test('CLICKHOUSE_URL that is neither http nor https', () => {
    assertOneProblemNaming({ CLICKHOUSE_URL: 'ftp://clickhouse:21' }, 'CLICKHOUSE_URL', 'ftp:')
  })

  test('an unparsable CLICKHOUSE_URL is reported without the password it carries', () => {
    const problems = problemsOf({ CLICKHOUSE_URL: 'http://admin:Sw0rdf1sh-77@clickhouse:99999' })
    assert.ok(
      problems.some((p) => p.includes('CLICKHOUSE_URL')),
      JSON.stringify(problems),
    )
    assert.ok(!problems.join('\n').includes('Sw0rdf1sh-77'), JSON.stringify(problems))
  })

  test('CLICKHOUSE_HOST with a port above 65535', () => {
    assertOneProblemNaming({ CLICKHOUSE_HOST: 'clickhouse:99999' }, 'CLICKHOUSE_HOST')
  })

  test('KAFKA_BROKERS with a port above 65535', () => {
    assertOneProblemNaming({ KAFKA_BROKERS: 'kafka:99999' }, 'KAFKA_BROKERS')
  })

  test('several bad values are all reported in one error', () => {
    const problems = problemsOf({ PORT: 'abc', LOG_LEVEL: 'loud', CLICKHOUSE_DB: 'bad-name;' })
    assert.equal(problems.length, 3)
    for (const name of ['PORT', 'LOG_LEVEL', 'CLICKHOUSE_DB']) {
      assert.ok(
        problems.some((p) => p.startsWith(`${name}=`)),
        `${name} missing from ${JSON.stringify(problems)}`,
      )
    }
  })

  test("the error's message lists every problem", () => {
    const env = { PORT: 'abc', BATCH_MAX_ROWS: '0' }
    assert.throws(
      () => loadConfig(env),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message.includes('PORT=') &&
        error.message.includes('BATCH_MAX_ROWS='),
    )
  })
})

describe('loadConfig ClickHouse password', () => {
  test('CLICKHOUSE_PASSWORD_FILE is read, without its trailing newline', (t) => {
    const file = tempFile(t, 'secret', 'from-a-file\n')
    assert.equal(loadConfig({ CLICKHOUSE_PASSWORD_FILE: file }).clickhouse.password, 'from-a-file')
  })

  test('setting both CLICKHOUSE_PASSWORD and CLICKHOUSE_PASSWORD_FILE is an error', (t) => {
    const file = tempFile(t, 'secret', 'from-a-file\n')
    assertOneProblemNaming(
      { CLICKHOUSE_PASSWORD: 'inline', CLICKHOUSE_PASSWORD_FILE: file },
      'CLICKHOUSE_PASSWORD',
      'CLICKHOUSE_PASSWORD_FILE',
    )
  })

  test('an unreadable CLICKHOUSE_PASSWORD_FILE is an error naming the file once', () => {
    const missing = join(tmpdir(), 'chat-data-config-no-such-dir', 'secret')
    assert.deepEqual(problemsOf({ CLICKHOUSE_PASSWORD_FILE: missing }), [
      `CLICKHOUSE_PASSWORD_FILE=${missing} cannot be read (ENOENT)`,
    ])
  })
})

describe('redactedConfig', () => {
  test('never contains the password', () => {
    const secret = 'Sw0rdf1sh-redact-me'
    const config = loadConfig({ CLICKHOUSE_HOST: 'clickhouse', CLICKHOUSE_PASSWORD: secret })
    const redacted = JSON.stringify(redactedConfig(config))
    assert.ok(!redacted.includes(secret), redacted)
  })

  test('marks a set password as redacted', () => {
    const config = loadConfig({ CLICKHOUSE_PASSWORD: 'secret' })
    const { clickhouse } = redactedConfig(config) as { clickhouse: { password: string } }
    assert.equal(clickhouse.password, '[redacted]')
  })

  test('leaves the configuration itself untouched', () => {
    const config = loadConfig({ CLICKHOUSE_PASSWORD: 'secret' })
    redactedConfig(config)
    assert.equal(config.clickhouse.password, 'secret')
  })
})
