/**
 * Versioned SQL migrations with a ledger table.
 *
 * Files live in `migrations/` at the package root, named `NNN_description.sql`, and are applied in
 * version order. `{{database}}` in a file stands for the configured database. Each applied version
 * is recorded in `{{database}}.schema_migrations` with a checksum of its text.
 *
 * Safe to run on every start and from several instances at once: the DDL is `IF NOT EXISTS`, and
 * the ledger is a ReplacingMergeTree keyed by version, so two instances applying the same version
 * together leave one ledger row. A file whose text changed after it was applied stops the run:
 * applied migrations are history, and a new change needs a new version.
 *
 * Not transactional: a file's statements run one by one, and its version is recorded only after
 * the last one succeeded. A file that fails halfway keeps what its earlier statements did and runs
 * again from the top next time, so every statement must be safe to repeat.
 */
import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { ClickHouseClient } from '../clickhouse/client.js'
import type { Logger } from '../logger.js'

/** `migrations/` at the package root (this file runs compiled, from `dist/src/migrations/`). */
export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations', import.meta.url))

export interface Migration {
  readonly version: number
  readonly name: string
  readonly checksum: string
  readonly statements: readonly string[]
}

export class MigrationError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'MigrationError'
  }
}

const FILE_NAME = /^(\d{3,})_([a-z0-9_]+)\.sql$/

/** Reads the migration files of a directory, in version order. */
export async function loadMigrations(dir: string, database: string): Promise<Migration[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.sql')).sort()
  const migrations: Migration[] = []
  for (const name of names) {
    const match = FILE_NAME.exec(name)
    if (match === null) {
      throw new MigrationError(`migration file ${name} is not named NNN_description.sql`)
    }
    const text = await readFile(`${dir}/${name}`, 'utf8')
    const version = Number(match[1])
    if (migrations.some((m) => m.version === version)) {
      throw new MigrationError(`two migration files share version ${version}`)
    }
    migrations.push({
      version,
      name: name.replace(/\.sql$/, ''),
      checksum: createHash('sha256').update(text).digest('hex'),
      statements: splitStatements(text.replaceAll('{{database}}', database)),
    })
  }
  return migrations
}

/** Splits a file into statements at semicolons that end a line, dropping `--` comment lines. */
export function splitStatements(sql: string): string[] {
  const lines = sql.split('\n').filter((line) => !line.trimStart().startsWith('--'))
  return lines
    .join('\n')
    .split(/;\s*$/m)
    .map((statement) => statement.trim())
    .filter((statement) => statement !== '')
}

interface LedgerRow {
  version: number
  checksum: string
}

/** Applies every migration not yet in the ledger. Returns the versions it applied. */
export async function runMigrations(
  client: ClickHouseClient,
  database: string,
  logger: Logger,
  dir: string = DEFAULT_MIGRATIONS_DIR,
): Promise<number[]> {
  const migrations = await loadMigrations(dir, database)
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` })
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS ${database}.schema_migrations (
        version UInt32, name String, checksum String,
        applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
      ) ENGINE = ReplacingMergeTree(applied_at) ORDER BY version`,
  })

  const applied = await readLedger(client, database)
  const done: number[] = []
  for (const migration of migrations) {
    const recorded = applied.get(migration.version)
    if (recorded !== undefined) {
      if (recorded !== migration.checksum) {
        throw new MigrationError(
          `migration ${migration.name} changed after it was applied (checksum differs); ` +
            'add a new migration instead of editing an applied one',
        )
      }
      continue
    }

    logger.info({ migration: migration.name }, 'applying migration')
    for (const statement of migration.statements) {
      await client.command({ query: statement })
    }
    await client.insert({
      table: `${database}.schema_migrations`,
      values: [{ version: migration.version, name: migration.name, checksum: migration.checksum }],
      format: 'JSONEachRow',
    })
    done.push(migration.version)
  }
  logger.info({ applied: done.length, known: migrations.length }, 'migrations up to date')
  return done
}

async function readLedger(
  client: ClickHouseClient,
  database: string,
): Promise<Map<number, string>> {
  const result = await client.query({
    query: `SELECT version, argMax(checksum, applied_at) AS checksum
            FROM ${database}.schema_migrations GROUP BY version`,
    format: 'JSONEachRow',
  })
  const rows = await result.json<LedgerRow>()
  return new Map(rows.map((row) => [row.version, row.checksum]))
}
