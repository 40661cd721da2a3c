/**
 * The `.env` file: settings for local runs, read by the service and by every command-line tool.
 */
import { readFileSync } from 'node:fs'
import { parseEnv } from 'node:util'

/**
 * Fills in variables from a `.env` file (in the working directory by default). The environment
 * wins: a variable it sets is kept. An empty one counts as unset, as it does for every setting,
 * so the file fills it in. A missing file is not an error.
 */
export function loadDotEnv(path = '.env', env: NodeJS.ProcessEnv = process.env): void {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
    throw error
  }
  for (const [name, value] of Object.entries(parseEnv(text))) {
    if ((env[name] ?? '') === '') env[name] = value
  }
}
