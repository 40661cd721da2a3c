/**
 * GET /api/chat/history/{user_id}?limit=N: a user's latest chat turns, newest first, as a plain
 * JSON array of {user_id, user_message, ai_response, timestamp}.
 */
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { MAX_USER_ID_LENGTH } from '../../domain/event.js'
import type { ChatService } from '../../service/chat-service.js'
import { Problem, problem, requestPath, sendProblem } from '../problem.js'

export const HistoryEntrySchema = Type.Object({
  user_id: Type.String(),
  user_message: Type.String(),
  ai_response: Type.String(),
  timestamp: Type.String({ format: 'date-time' }),
})

export interface HistoryRouteOptions {
  readonly service: ChatService
  readonly defaultLimit: number
  readonly maxLimit: number
}

export function historyRoutes(app: FastifyInstance, options: HistoryRouteOptions): void {
  const { service, defaultLimit, maxLimit } = options
  const typed = app.withTypeProvider<TypeBoxTypeProvider>()

  typed.get(
    '/api/chat/history/:user_id',
    {
      schema: {
        summary: "A user's chat history, newest first",
        params: Type.Object({
          user_id: Type.String({ minLength: 1, maxLength: MAX_USER_ID_LENGTH }),
        }),
        querystring: Type.Object({
          limit: Type.Optional(
            Type.Integer({
              minimum: 1,
              maximum: maxLimit,
              description: `Entries to return (default ${defaultLimit}, at most ${maxLimit})`,
            }),
          ),
        }),
        response: {
          200: Type.Array(HistoryEntrySchema),
          400: Problem,
          500: Problem,
        },
      },
      // Query coercion would read 0x10, 1e2, +5 or " 5" as numbers; only plain digits are a limit.
      preValidation: (request, reply, done) => {
        const raw = (request.query as Record<string, unknown>)['limit']
        if (raw !== undefined && (typeof raw !== 'string' || !/^[0-9]+$/.test(raw))) {
          void sendProblem(
            reply,
            problem(400, 'querystring/limit must be a whole number', requestPath(request)),
          )
          return
        }
        done()
      },
    },
    async (request) => service.history(request.params.user_id, request.query.limit),
  )

  // Without these, an empty user id would fall through to a 404.
  for (const path of ['/api/chat/history', '/api/chat/history/']) {
    app.get(path, (request, reply) =>
      sendProblem(reply, problem(400, 'params/user_id must not be empty', requestPath(request))),
    )
  }
}
