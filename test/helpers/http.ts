/**
 * The HTTP app as the service builds it, over a test database, for `inject` or a real socket.
 */
import type { FastifyInstance } from 'fastify'
import type { ClickHouseClient } from '../../src/clickhouse/client.js'
import type { ReadinessChecks } from '../../src/http/routes/health.js'
import { buildHttpApp } from '../../src/http/server.js'
import { createMetrics } from '../../src/metrics.js'
import { ChatRepository } from '../../src/repository/chat-repository.js'
import { ChatService } from '../../src/service/chat-service.js'
import { silentLogger } from './clickhouse.js'

/** History limits of the test app: small, so tests can reach them. */
export const TEST_LIMITS = { defaultLimit: 3, maxLimit: 5 } as const

/** The app over the `chat_data` database of `client`, and the repository behind it. */
export function testHttpApp(
  client: ClickHouseClient,
  readiness: () => Promise<ReadinessChecks>,
): { app: FastifyInstance; repository: ChatRepository } {
  const metrics = createMetrics({ defaultMetrics: false })
  const repository = new ChatRepository(client, 'chat_data')
  const service = new ChatService(repository, TEST_LIMITS, metrics)
  const app = buildHttpApp({ logger: silentLogger, metrics, service, ...TEST_LIMITS, readiness })
  return { app, repository }
}
