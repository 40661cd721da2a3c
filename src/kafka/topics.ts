/**
 * Topic administration for local runs and tests. The service itself never creates topics: in
 * production they are provisioned with the partition count and retention the operators choose.
 */
import { Admin } from '@platformatic/kafka'

/** Creates the topic if it does not exist. Returns true if it was created. */
export async function ensureTopic(
  brokers: readonly string[],
  topic: string,
  partitions: number,
): Promise<boolean> {
  const admin = new Admin({ clientId: 'chat-data-service-admin', bootstrapBrokers: [...brokers] })
  try {
    const existing = await admin.listTopics()
    if (existing.includes(topic)) return false
    await admin.createTopics({ topics: [topic], partitions, replicas: 1 })
    return true
  } finally {
    await admin.close()
  }
}
