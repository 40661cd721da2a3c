/**
 * The chat message model: one chat turn, a user's message and the AI's response.
 */

/** Where a stored message came from in Kafka. */
export interface KafkaSource {
  readonly topic: string
  readonly partition: number
  readonly offset: bigint
}

/** One chat turn as the service stores it. */
export interface ChatMessage {
  readonly userId: string
  readonly userMessage: string
  readonly aiResponse: string
  /** Milliseconds since the Unix epoch, UTC. */
  readonly timestampMs: number
  /** Stable identity of the turn: the event's own event_id, or its Kafka coordinates. */
  readonly eventId: string
  readonly source: KafkaSource
}

/** One entry of GET /api/chat/history/{user_id}: the original contract's response shape. */
export interface HistoryEntry {
  user_id: string
  user_message: string
  ai_response: string
  /** RFC 3339 in UTC, e.g. 2025-11-07T09:00:00Z; milliseconds appear only when non-zero. */
  timestamp: string
}

/**
 * RFC 3339 in UTC with trailing zero fractions dropped, as Go's time.RFC3339Nano prints:
 * 09:00:00Z, 09:00:00.5Z, 09:00:00.123Z.
 */
export function formatTimestamp(epochMs: number): string {
  const iso = new Date(epochMs).toISOString() // 2025-11-07T09:00:00.000Z
  const seconds = iso.slice(0, 19)
  const fraction = iso.slice(20, 23).replace(/0+$/, '')
  return fraction === '' ? `${seconds}Z` : `${seconds}.${fraction}Z`
}

/** ClickHouse's DateTime64(3) text form, in UTC: 2025-11-07 09:00:00.000. */
export function toClickHouseDateTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('T', ' ').replace('Z', '')
}
