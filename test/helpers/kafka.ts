/**
 * The real broker the test run started (scripts/test.sh exports TEST_KAFKA_BROKERS), and
 * per-test topics on it.
 */
import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { Consumer, Producer, stringSerializers } from '@platformatic/kafka'
import { ensureTopic } from '../../src/kafka/topics.js'

const execFileAsync = promisify(execFile)

export function testBrokers(): string[] {
  const brokers = process.env['TEST_KAFKA_BROKERS']
  if (brokers === undefined || brokers === '') {
    throw new Error(
      'TEST_KAFKA_BROKERS is not set: run the suite with `npm test`, which starts a broker',
    )
  }
  return brokers.split(',')
}

/** A fresh topic with `partitions` partitions, unique to the calling test. */
export async function freshTopic(partitions = 4): Promise<string> {
  const topic = `test-${randomUUID()}`
  await ensureTopic(testBrokers(), topic, partitions)
  return topic
}

export interface OutgoingRecord {
  readonly key?: string
  readonly value: string
}

/**
 * Publishes records in order (records with the same key land on the same partition). Returns the
 * partitions written to.
 */
export async function publish(
  topic: string,
  records: readonly OutgoingRecord[],
  brokers: readonly string[] = testBrokers(),
): Promise<Set<number>> {
  const partitions = new Set<number>()
  const producer = new Producer({
    clientId: 'test-producer',
    bootstrapBrokers: [...brokers],
    serializers: stringSerializers,
    // Without it, a retried produce request rewrites partitions that had already succeeded.
    idempotent: true,
  })
  try {
    for (let i = 0; i < records.length; i += 500) {
      const result = await producer.send({
        messages: records.slice(i, i + 500).map((r) => ({
          topic,
          value: r.value,
          ...(r.key !== undefined ? { key: r.key } : {}),
        })),
      })
      for (const written of result.offsets ?? []) partitions.add(written.partition)
    }
  } finally {
    await producer.close()
  }
  return partitions
}

/** Publishes events as JSON, keyed by their user id. */
export async function publishEvents(
  topic: string,
  events: readonly { user_id: string }[],
  brokers: readonly string[] = testBrokers(),
): Promise<Set<number>> {
  return publish(
    topic,
    events.map((e) => ({ key: e.user_id, value: JSON.stringify(e) })),
    brokers,
  )
}

/** How many records the topic holds: the sum of its partitions' end offsets. */
export async function recordCount(topic: string): Promise<number> {
  const client = new Consumer({
    clientId: 'test-offsets',
    groupId: `test-offsets-${randomUUID()}`,
    bootstrapBrokers: testBrokers(),
  })
  try {
    const offsets = await client.listOffsets({ topics: [topic] })
    let total = 0n
    for (const partitionOffsets of offsets.values())
      for (const end of partitionOffsets) total += end
    return Number(total)
  } finally {
    await client.close()
  }
}

const JAVA_PRODUCER = fileURLToPath(
  new URL('../../../test/fixtures/JavaProducer.java', import.meta.url),
)

/**
 * Publishes `count` chat_completed events per codec with the reference Java client (see
 * test/fixtures/JavaProducer.java): user `codec-<codec>`, one second apart from 09:00:00Z.
 */
export async function publishWithJavaClient(
  topic: string,
  count: number,
  codecs: readonly string[],
): Promise<string> {
  const libs = process.env['TEST_KAFKA_LIBS']
  if (libs === undefined || libs === '') {
    throw new Error('TEST_KAFKA_LIBS is not set: run the suite with `npm test`')
  }
  const { stdout } = await execFileAsync(
    'java',
    ['-cp', `${libs}/*`, JAVA_PRODUCER, testBrokers().join(','), topic, String(count), ...codecs],
    { timeout: 120_000 },
  )
  return stdout
}
