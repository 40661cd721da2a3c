/**
 * Runs a compiled command-line tool (`dist/src/cli/<name>.js`) the way npm runs it: its own
 * process, a working directory of the test's choosing (where it looks for `.env`), and a clean
 * environment.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

export function runCli(
  name: 'create-topic' | 'migrate' | 'produce',
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string>; timeoutMs?: number },
): Promise<CliResult> {
  const script = fileURLToPath(new URL(`../../src/cli/${name}.js`, import.meta.url))
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [script, ...args],
      {
        cwd: options.cwd,
        env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'test', ...options.env },
        timeout: options.timeoutMs ?? 60_000,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1
        resolve({ code, stdout, stderr })
      },
    )
  })
}
