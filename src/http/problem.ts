/**
 * Errors as RFC 9457 problem details (application/problem+json). Clients get a short, stable
 * description; causes go to the log only.
 */
import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import Type from 'typebox'

export const PROBLEM_CONTENT_TYPE = 'application/problem+json'

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
  },
  { additionalProperties: true, description: 'RFC 9457 problem details' },
)

export interface ProblemBody {
  type: string
  title: string
  status: number
  detail?: string
  instance?: string
}

export function problem(status: number, detail?: string, instance?: string): ProblemBody {
  return {
    type: 'about:blank',
    title: STATUS_CODES[status] ?? 'Error',
    status,
    ...(detail !== undefined ? { detail } : {}),
    ...(instance !== undefined ? { instance } : {}),
  }
}

/** The request's path without its query string, for a problem's `instance`. */
export function requestPath(request: FastifyRequest): string {
  return request.url.split('?')[0] ?? request.url
}

export function sendProblem(reply: FastifyReply, body: ProblemBody): FastifyReply {
  return reply.status(body.status).type(PROBLEM_CONTENT_TYPE).send(body)
}

/** Routes every error, unknown route and request refused during a stop through a problem body. */
export function registerProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const path = requestPath(request)
    if (error.validation) {
      return sendProblem(reply, problem(400, validationDetail(error), path))
    }
    const status = error.statusCode ?? 500
    if (status < 500) {
      request.log.warn({ err: error.message, status }, 'request rejected')
      return sendProblem(reply, problem(status, error.message, path))
    }
    request.log.error({ err: error }, 'request failed')
    return sendProblem(
      reply,
      problem(status, 'the request could not be served; try again later', path),
    )
  })

  // A path some route serves, asked with another method, is a 405 naming the methods it allows.
  app.setNotFoundHandler((request, reply) => {
    const path = requestPath(request)
    const allowed = allowedMethods(app, path)
    if (allowed.length === 0) {
      return sendProblem(reply, problem(404, `no route for ${request.method} ${path}`, path))
    }
    const allow = allowed.join(', ')
    return sendProblem(
      reply.header('allow', allow),
      problem(405, `${request.method} is not allowed here (allowed: ${allow})`, path),
    )
  })

  // While the server closes, requests still arriving on open keep-alive connections are refused
  // here, in our shape, instead of by Fastify's own 503 (the app turns return503OnClosing off).
  let closing = false
  app.addHook('preClose', (done) => {
    closing = true
    done()
  })
  app.addHook('onRequest', (request, reply, done) => {
    if (!closing) {
      done()
      return
    }
    void sendProblem(
      reply.header('connection', 'close'),
      problem(503, 'the service is stopping; try again', requestPath(request)),
    )
  })
}

/** The methods some route serves at `path`, in Fastify's order (GET, HEAD first). */
function allowedMethods(app: FastifyInstance, path: string): string[] {
  return app.supportedMethods.filter((method) => {
    // Typed as always found, but null when no route matches (as documented).
    const route: unknown = app.findRoute({ method, url: path })
    return route !== null
  })
}

/** "querystring/limit must be <= 1000" for the first failed rule. */
function validationDetail(error: FastifyError): string {
  const first = error.validation?.[0]
  if (first === undefined) return error.message
  const where = error.validationContext ?? 'request'
  const field = first.instancePath.replace(/^\//, '').replaceAll('/', '.')
  return `${where}${field ? `/${field}` : ''} ${first.message ?? 'is invalid'}`
}

/**
 * Answers requests the HTTP parser rejected before Fastify saw them (a request line or headers
 * over Node's size limit, a malformed request) with a problem body, then closes the connection.
 */
export function writeClientErrorProblem(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const status =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? 431
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 408
        : 400
  const body = JSON.stringify(problem(status, 'the request could not be parsed'))
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    )
  }
  socket.destroy()
}
