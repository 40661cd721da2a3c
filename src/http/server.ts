/**
 * The HTTP application: routes, validation and error shapes. Built without listening, so tests
 * can drive it with `inject`.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import type { Logger } from '../logger.js'
import type { Metrics } from '../metrics.js'
import type { ChatService } from '../service/chat-service.js'
import {
  problem,
  registerProblemHandlers,
  requestPath,
  sendProblem,
  writeClientErrorProblem,
} from './problem.js'
import { healthRoutes, type ReadinessChecks } from './routes/health.js'
import { historyRoutes } from './routes/history.js'

export interface HttpAppOptions {
  readonly logger: Logger
  readonly metrics: Metrics
  readonly service: ChatService
  readonly defaultLimit: number
  readonly maxLimit: number
  readonly readiness: () => Promise<ReadinessChecks>
}

export function buildHttpApp(options: HttpAppOptions): FastifyInstance {
  // Typed as Fastify's logger interface so the instance keeps Fastify's default generics.
  const logger: FastifyBaseLogger = options.logger.child({ component: 'http' })
  const app = Fastify({
    loggerInstance: logger,
    // Fastify's own request lines carry the URL, and with it the user id: one line per response
    // with the route template instead.
    logController: new LogController({ disableRequestLogging: true }),
    // As long as Node's own 16 KiB header limit allows (past that the parser answers 431), so an
    // over-long user id meets the schema (a 400 naming the rule) rather than the router's 414.
    routerOptions: { maxParamLength: 16 * 1024 },
    // Errors raised before routing (a malformed URL, say) get the same problem shape.
    frameworkErrors: (error, request, reply) => {
      const status = error.statusCode ?? 400
      const detail = status === 400 ? 'the URL is not valid' : undefined
      void sendProblem(reply, problem(status, detail, requestPath(request)))
    },
    clientErrorHandler: writeClientErrorProblem,
    // Requests that arrive while closing get a problem body instead (see registerProblemHandlers).
    return503OnClosing: false,
  })
  // No route takes a body, so every method is treated as bodyless: a body (valid JSON or not, of
  // any content type) is never parsed, and cannot turn a 404 or 405 into a 400 or 415. Node reads
  // and discards it. A route declaring a body schema would now fail to register.
  for (const method of app.supportedMethods) {
    app.addHttpMethod(method, { hasBody: false, overrideExisting: true })
  }
  app.addHook('onResponse', (request, reply, done) => {
    request.log.info(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request completed',
    )
    done()
  })
  registerProblemHandlers(app)
  healthRoutes(app, { readiness: options.readiness, registry: options.metrics.registry })
  historyRoutes(app, options)
  return app
}
