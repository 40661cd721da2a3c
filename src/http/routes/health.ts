/**
 * Liveness (the process serves HTTP) and readiness (ClickHouse answers and the consumer runs).
 */
import type { FastifyInstance } from 'fastify'
import type { Registry } from 'prom-client'

export interface ReadinessChecks {
  clickhouse: boolean
  kafka: boolean
}

export interface HealthRouteOptions {
  readonly readiness: () => Promise<ReadinessChecks>
  readonly registry: Registry
}

export function healthRoutes(app: FastifyInstance, options: HealthRouteOptions): void {
  app.get('/livez', () => ({ status: 'ok' }))

  app.get('/readyz', async (_request, reply) => {
    const checks = await options.readiness()
    const ready = checks.clickhouse && checks.kafka
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks })
  })

  app.get('/metrics', async (_request, reply) =>
    reply.type(options.registry.contentType).send(await options.registry.metrics()),
  )
}
