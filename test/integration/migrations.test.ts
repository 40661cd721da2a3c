import assert from 'node:assert/strict'
import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { createClickHouseClient } from '../../src/clickhouse/client.js'
import {
  DEFAULT_MIGRATIONS_DIR,
  MigrationError,
  runMigrations,
  splitStatements,
} from '../../src/migrations/runner.js'
import { embeddedConfig, silentLogger } from '../helpers/clickhouse.js'
import { tempDir } from '../helpers/service.js'

const client = await createClickHouseClient(embeddedConfig())
after(() => client.close())

async function ledger(database: string): Promise<{ version: number; name: string }[]> {
  const result = await client.query({
    query: `SELECT version, name FROM ${database}.schema_migrations FINAL ORDER BY version`,
    format: 'JSONEachRow',
  })
  return result.json()
}

test('the first run creates the database, the table and the ledger; the second changes nothing', async () => {
  assert.deepEqual(await runMigrations(client, 'first_db', silentLogger), [1])
  assert.deepEqual(await runMigrations(client, 'first_db', silentLogger), [])
  assert.deepEqual(await ledger('first_db'), [{ version: 1, name: '001_create_chat_messages' }])

  const columns = await client.query({
    query: `SELECT name, type FROM system.columns
            WHERE database = 'first_db' AND table = 'chat_messages' ORDER BY position`,
    format: 'JSONEachRow',
  })
  const byName = new Map(
    (await columns.json<{ name: string; type: string }>()).map((c) => [c.name, c.type]),
  )
  assert.equal(byName.get('user_id'), 'String')
  assert.equal(byName.get('user_message'), 'String')
  assert.equal(byName.get('ai_response'), 'String')
  assert.equal(byName.get('timestamp'), "DateTime64(3, 'UTC')")
})

test('two runs at once leave one ledger row per version', async () => {
  const results = await Promise.all([
    runMigrations(client, 'racing_db', silentLogger),
    runMigrations(client, 'racing_db', silentLogger),
  ])
  assert.ok(results.flat().every((v) => v === 1))
  assert.deepEqual(await ledger('racing_db'), [{ version: 1, name: '001_create_chat_messages' }])
})

test('a migration edited after it was applied stops the run', async () => {
  const dir = tempDir('cds-migrations-')
  cpSync(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true })
  await runMigrations(client, 'edited_db', silentLogger, dir)

  const file = join(dir, '001_create_chat_messages.sql')
  writeFileSync(file, `${readFileSync(file, 'utf8')}\n-- an edit\n`)
  await assert.rejects(runMigrations(client, 'edited_db', silentLogger, dir), MigrationError)
})

test('a new migration file is applied after the ones already recorded', async () => {
  const dir = tempDir('cds-migrations-')
  cpSync(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true })
  await runMigrations(client, 'growing_db', silentLogger, dir)

  writeFileSync(
    join(dir, '002_add_note.sql'),
    'ALTER TABLE {{database}}.chat_messages ADD COLUMN IF NOT EXISTS note String;\n',
  )
  assert.deepEqual(await runMigrations(client, 'growing_db', silentLogger, dir), [2])
  assert.deepEqual(
    (await ledger('growing_db')).map((r) => r.version),
    [1, 2],
  )
})

test('a migration that fails halfway keeps its earlier statements, is not recorded, and runs again', async () => {
  const dir = tempDir('cds-migrations-')
  cpSync(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true })
  const file = join(dir, '002_two_steps.sql')
  writeFileSync(
    file,
    'CREATE TABLE IF NOT EXISTS {{database}}.first_step (x String) ENGINE = Memory;\n' +
      'SELECT no_such_function();\n',
  )
  await assert.rejects(runMigrations(client, 'halfway_db', silentLogger, dir))
  const tables = await client.query({
    query: "SELECT name FROM system.tables WHERE database = 'halfway_db' AND name = 'first_step'",
    format: 'JSONEachRow',
  })
  assert.equal((await tables.json()).length, 1, 'the first statement stays applied')
  assert.deepEqual(
    (await ledger('halfway_db')).map((r) => r.version),
    [1],
  )

  writeFileSync(file, readFileSync(file, 'utf8').replace('no_such_function()', '1'))
  assert.deepEqual(await runMigrations(client, 'halfway_db', silentLogger, dir), [2])
})

test('badly named migration files are refused', async () => {
  const dir = tempDir('cds-migrations-')
  writeFileSync(join(dir, 'create.sql'), 'SELECT 1;')
  await assert.rejects(runMigrations(client, 'named_db', silentLogger, dir), /NNN_description/)
})

test('statements split at line-ending semicolons; comment lines are dropped', () => {
  assert.deepEqual(splitStatements("-- note\nCREATE TABLE a (x String);\n\nSELECT ';' ;\n"), [
    'CREATE TABLE a (x String)',
    "SELECT ';'",
  ])
})
