/**
 * Runs the real service (`node dist/src/main.js`) as a child process, the way it runs in
 * production: its own process, so its own embedded ClickHouse engine and data directory.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { testBrokers } from './kafka.js'
import { waitFor } from './wait.js'

const MAIN = fileURLToPath(new URL('../../src/main.js', import.meta.url))

export interface LogLine {
  level: string
  msg: string
  [key: string]: unknown
}

export interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
}

/** A temporary directory removed when the test process ends. */
export function tempDir(prefix = 'cds-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  process.once('exit', () => {
    rmSync(dir, { recursive: true, force: true })
  })
  return dir
}

/** Settings for a service that consumes `topic` into a fresh embedded database. */
export function serviceEnv(
  topic: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'debug',
    KAFKA_BROKERS: testBrokers().join(','),
    KAFKA_TOPIC: topic,
    KAFKA_GROUP_ID: `test-group-${randomUUID()}`,
    CLICKHOUSE_DATA_DIR: join(tempDir(), 'clickhouse'),
    BATCH_MAX_WAIT_MS: '100',
    ...extra,
  }
}

export class ServiceProcess {
  readonly logs: LogLine[] = []
  /** Lines that were not JSON (there should be none). */
  readonly otherOutput: string[] = []
  readonly exited: Promise<Exit>
  private readonly listeners = new Set<() => void>()
  port = 0

  private constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        resolve({ code, signal })
        this.notify()
      })
    })
    if (child.stdout === null || child.stderr === null) throw new Error('spawned without pipes')
    const lines = createInterface({ input: child.stdout })
    lines.on('line', (line) => {
      try {
        this.logs.push(JSON.parse(line) as LogLine)
      } catch {
        this.otherOutput.push(line)
      }
      this.notify()
    })
    createInterface({ input: child.stderr }).on('line', (line) => this.otherOutput.push(line))
  }

  /**
   * Starts the service process without waiting for anything, in `cwd` (where it looks for
   * `.env`; default: a fresh empty directory).
   */
  static spawn(env: Record<string, string>, cwd = tempDir('cds-cwd-')): ServiceProcess {
    const child = spawn(process.execPath, [MAIN], {
      // A clean environment: nothing from the developer's shell or .env leaks in.
      env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'test', ...env },
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    process.once('exit', () => child.kill('SIGKILL'))
    return new ServiceProcess(child)
  }

  /** Starts the service and waits until its HTTP port is known. */
  static async start(env: Record<string, string>): Promise<ServiceProcess> {
    const service = ServiceProcess.spawn(env)
    const listening = await Promise.race([
      service.waitForLog((l) => l.msg === 'http listening', 'http listening', 60_000),
      service.exited.then((exit) => {
        throw new Error(`service exited during start: ${JSON.stringify(exit)}\n${service.dump()}`)
      }),
    ])
    service.port = Number(listening['port'])
    return service
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`
  }

  async get(path: string): Promise<{ status: number; body: unknown; contentType: string }> {
    const response = await fetch(this.url(path))
    const text = await response.text()
    return {
      status: response.status,
      body: text === '' ? undefined : (JSON.parse(text) as unknown),
      contentType: response.headers.get('content-type') ?? '',
    }
  }

  async getText(path: string): Promise<string> {
    return (await fetch(this.url(path))).text()
  }

  /** Waits until /readyz says ready. */
  async ready(timeoutMs = 60_000): Promise<void> {
    await waitFor(
      async () => (await fetch(this.url('/readyz'))).status === 200 || undefined,
      'the service to become ready',
      timeoutMs,
    )
  }

  /** Resolves with the first log line (past or future) that matches. */
  waitForLog(
    match: (line: LogLine) => boolean,
    what: string,
    timeoutMs = 30_000,
  ): Promise<LogLine> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.logs.find(match)
        if (found === undefined) return
        cleanup()
        resolve(found)
      }
      const timer = setTimeout(() => {
        cleanup()
        reject(new Error(`timed out waiting for log "${what}"\n${this.dump()}`))
      }, timeoutMs)
      const cleanup = () => {
        clearTimeout(timer)
        this.listeners.delete(check)
      }
      this.listeners.add(check)
      check()
    })
  }

  /** Sends a signal, if the process still runs, without waiting for anything. */
  signal(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal)
  }

  /** Sends a signal and waits for the process to exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<Exit> {
    this.signal(signal)
    return this.exited
  }

  /** The log as text, for failure messages. */
  dump(): string {
    return [...this.logs.map((l) => JSON.stringify(l)), ...this.otherOutput].slice(-60).join('\n')
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener()
  }
}

/** Starts a service and registers its stop with the test. */
export async function startService(
  t: { after: (fn: () => Promise<void>) => void },
  env: Record<string, string>,
): Promise<ServiceProcess> {
  const service = await ServiceProcess.start(env)
  t.after(async () => {
    await service.stop()
  })
  return service
}
