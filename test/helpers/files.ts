/**
 * Files for unit tests, each in a fresh temporary directory removed when its test ends.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'

/** Writes `content` to a file called `name` in a fresh temporary directory; returns its path. */
export function tempFile(t: TestContext, name: string, content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'chat-data-test-'))
  t.after(() => {
    rmSync(dir, { recursive: true, force: true })
  })
  const file = join(dir, name)
  writeFileSync(file, content)
  return file
}
