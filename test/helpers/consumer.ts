/**
 * A consumer in the test process, on the shared test broker, storing through the given
 * repository (the real one, or a named fault-injecting wrapper around it).
 */
import type { KafkaConfig } from '../../src/config.js'
import { ChatEventConsumer } from '../../src/kafka/consumer.js'
import type { Metrics } from '../../src/metrics.js'
import type { ChatRepository } from '../../src/repository/chat-repository.js'
import { ChatService } from '../../src/service/chat-service.js'
import { silentLogger } from './clickhouse.js'
import { testBrokers } from './kafka.js'

export function testConsumer(
  topic: string,
  groupId: string,
  repository: ChatRepository,
  metrics: Metrics,
  kafka: Partial<KafkaConfig> = {},
): ChatEventConsumer {
  const service = new ChatService(repository, { defaultLimit: 50, maxLimit: 1000 }, metrics)
  return new ChatEventConsumer({
    kafka: {
      brokers: testBrokers(),
      topic,
      groupId,
      clientId: 'test',
      connectRetries: 5,
      connectBackoffMs: 100,
      sessionTimeoutMs: 10_000,
      ...kafka,
    },
    batch: { maxRows: 1000, maxBytes: 1 << 20, maxWaitMs: 50 },
    service,
    metrics,
    logger: silentLogger,
  })
}
