/**
 * The `chat_completed` event: its schema, and the one function that turns a Kafka record value
 * into a ChatMessage, a skip, or a rejection with a reason.
 *
 *   {"event_type":"chat_completed","user_id":"…","message":"…","response":"…",
 *    "timestamp":"2025-11-07T09:00:00Z"}
 *
 * An optional `event_id` (1–128 characters) makes producer-side duplicates collapse too; without
 * it, a message's identity is its Kafka coordinates, which covers re-delivery of the same record.
 * Unknown extra fields are ignored, so producers can add fields without breaking this consumer.
 */
import Type, { type Static } from 'typebox'
import { Compile } from 'typebox/compile'
import type { ChatMessage, KafkaSource } from './chat-message.js'

export const CHAT_COMPLETED = 'chat_completed'

/** Longest user id accepted, by the event and by the history endpoint alike. */
export const MAX_USER_ID_LENGTH = 256

export const ChatCompletedEvent = Type.Object({
  event_type: Type.Literal(CHAT_COMPLETED),
  user_id: Type.String({ minLength: 1, maxLength: MAX_USER_ID_LENGTH }),
  message: Type.String(),
  response: Type.String(),
  timestamp: Type.String(),
  // null is taken as absent, as many producers write optional fields that way.
  event_id: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 128 }), Type.Null()])),
})
export type ChatCompletedEvent = Static<typeof ChatCompletedEvent>

const checkEvent = Compile(ChatCompletedEvent)

/** Why a record was rejected. Closed set: these are metric labels and dead-letter reasons. */
export const RejectReason = {
  EMPTY: 'empty_value',
  NOT_JSON: 'not_json',
  NOT_OBJECT: 'not_object',
  INVALID_FIELDS: 'invalid_fields',
  INVALID_TIMESTAMP: 'invalid_timestamp',
  INVALID_TEXT: 'invalid_text',
  INSERT_REFUSED: 'insert_refused',
} as const
export type RejectReason = (typeof RejectReason)[keyof typeof RejectReason]

/** Strict: invalid bytes are an error rather than U+FFFD. A leading byte-order mark is dropped. */
const UTF8 = new TextDecoder('utf-8', { fatal: true })

export type ParseResult =
  | { readonly kind: 'message'; readonly message: ChatMessage }
  | { readonly kind: 'skipped'; readonly eventType: string }
  | { readonly kind: 'rejected'; readonly reason: RejectReason; readonly detail: string }

/**
 * Parses one record value. Never throws. The detail of a rejection names fields and rules, never
 * field values, so it is safe to log.
 */
export function parseEvent(value: Buffer | string | undefined, source: KafkaSource): ParseResult {
  if (value === undefined || value.length === 0) {
    return rejected(RejectReason.EMPTY, 'record has no value')
  }

  let text: string
  try {
    text = typeof value === 'string' ? value : UTF8.decode(value)
  } catch {
    return rejected(RejectReason.INVALID_TEXT, 'value is not valid UTF-8')
  }

  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    // JSON.parse's message quotes the input, so it is not passed on.
    return rejected(RejectReason.NOT_JSON, 'value is not valid JSON')
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return rejected(RejectReason.NOT_OBJECT, 'value is JSON but not an object')
  }

  const eventType = (body as Record<string, unknown>)['event_type']
  if (typeof eventType === 'string' && eventType !== CHAT_COMPLETED) {
    return { kind: 'skipped', eventType }
  }

  if (!checkEvent.Check(body)) {
    const problems = [...checkEvent.Errors(body)]
      .slice(0, 5)
      .map((e) => `${e.instancePath || '/'} ${e.message}`)
    return rejected(RejectReason.INVALID_FIELDS, problems.join('; '))
  }
  const event = body

  // A lone UTF-16 surrogate (JSON allows "\ud800") is not text ClickHouse can store; letting it
  // through would make every insert of its batch fail.
  for (const field of ['user_id', 'message', 'response', 'event_id'] as const) {
    const text = event[field]
    if (typeof text === 'string' && !text.isWellFormed()) {
      return rejected(RejectReason.INVALID_TEXT, `/${field} contains an unpaired surrogate`)
    }
  }

  const timestampMs = parseRfc3339(event.timestamp)
  if (timestampMs === undefined) {
    return rejected(
      RejectReason.INVALID_TIMESTAMP,
      '/timestamp must be RFC 3339 (e.g. 2025-11-07T09:00:00Z) between 1900 and 2299',
    )
  }

  return {
    kind: 'message',
    message: {
      userId: event.user_id,
      userMessage: event.message,
      aiResponse: event.response,
      timestampMs,
      eventId: event.event_id ?? `${source.topic}/${source.partition}/${source.offset}`,
      source,
    },
  }
}

function rejected(reason: RejectReason, detail: string): ParseResult {
  return { kind: 'rejected', reason, detail }
}

// RFC 3339 allows any number of fraction digits. Matching them is linear, so no length cap is
// needed beyond Kafka's record size.
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/

/** DateTime64(3)'s supported range. */
const MIN_MS = Date.UTC(1900, 0, 1)
const MAX_MS = Date.UTC(2300, 0, 1) - 1

/**
 * Milliseconds since the epoch for an RFC 3339 date-time, or undefined. Strict: calendar dates
 * must exist, offsets are honoured, digits past milliseconds are truncated. A leap second
 * (second 60) is refused, as Go's time.Parse refuses it.
 */
export function parseRfc3339(text: string): number | undefined {
  const m = RFC3339.exec(text)
  if (m === null) return undefined
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  const millis = Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3))
  // Date.UTC maps years 0-99 to 1900-1999, so out-of-range years are refused before it runs.
  if (year < 1900 || year > 2299) return undefined
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined
  if (day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined

  let offsetMinutes = 0
  if (m[8] === undefined) {
    const sign = m[9] === '-' ? -1 : 1
    const offHours = Number(m[10])
    const offMinutes = Number(m[11])
    if (offHours > 23 || offMinutes > 59) return undefined
    offsetMinutes = sign * (offHours * 60 + offMinutes)
  }

  const ms = Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000
  return ms >= MIN_MS && ms <= MAX_MS ? ms : undefined
}
