/**
 * A Kafka broker of one test's own (scripts/kafka.sh on its own port and state folder), for tests
 * that stop and restart it without disturbing the shared test broker.
 */
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { testBrokers } from './kafka.js'
import { tempDir } from './service.js'

const execFileAsync = promisify(execFile)
const KAFKA_SH = fileURLToPath(new URL('../../../scripts/kafka.sh', import.meta.url))

export class PrivateBroker {
  readonly port: number
  private readonly dir = join(tempDir('cds-broker-'), 'kafka')

  /** `offset` from the shared broker's port (the controller takes the port after it). */
  constructor(offset = 2) {
    const shared = Number(testBrokers()[0]?.split(':').pop())
    this.port = shared + offset
  }

  get brokers(): string[] {
    return [`127.0.0.1:${String(this.port)}`]
  }

  start(): Promise<void> {
    return this.run('start')
  }

  stop(): Promise<void> {
    return this.run('stop')
  }

  private async run(command: 'start' | 'stop'): Promise<void> {
    await execFileAsync('bash', [KAFKA_SH, command], {
      env: {
        ...process.env,
        LOCAL_KAFKA_PORT: String(this.port),
        LOCAL_KAFKA_DIR: this.dir,
        LOCAL_KAFKA_HEAP: '256m',
      },
      timeout: 120_000,
    })
  }
}
