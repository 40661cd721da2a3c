/**
 * Every SQL statement about chat messages lives here.
 */
import type { ClickHouseClient } from '../clickhouse/client.js'
import {
  formatTimestamp,
  toClickHouseDateTime,
  type ChatMessage,
  type HistoryEntry,
} from '../domain/chat-message.js'

interface HistoryRow {
  user_id: string
  user_message: string
  ai_response: string
  /** Int64 arrives quoted (output_format_json_quote_64bit_integers). */
  ts_ms: string
}

export class ChatRepository {
  private readonly table: string

  constructor(
    private readonly client: ClickHouseClient,
    database: string,
  ) {
    this.table = `${database}.chat_messages`
  }

  /** Writes one batch in a single INSERT. Re-inserting rows is harmless: reads deduplicate. */
  async insert(messages: readonly ChatMessage[]): Promise<void> {
    if (messages.length === 0) return
    await this.client.insert({
      table: this.table,
      format: 'JSONEachRow',
      values: messages.map((m) => ({
        user_id: m.userId,
        user_message: m.userMessage,
        ai_response: m.aiResponse,
        timestamp: toClickHouseDateTime(m.timestampMs),
        event_id: m.eventId,
        kafka_topic: m.source.topic,
        kafka_partition: m.source.partition,
        kafka_offset: m.source.offset.toString(),
      })),
    })
  }

  /**
   * A user's latest messages, newest first. FINAL folds re-delivered copies of an event before
   * the LIMIT applies; the primary key (user_id, timestamp, event_id) keeps the read to one
   * user's range and gives equal timestamps a stable order.
   */
  async history(userId: string, limit: number): Promise<HistoryEntry[]> {
    const result = await this.client.query({
      query: `
        SELECT user_id, user_message, ai_response, toUnixTimestamp64Milli(timestamp) AS ts_ms
        FROM ${this.table} FINAL
        WHERE user_id = {user_id:String}
        ORDER BY timestamp DESC, event_id DESC
        LIMIT {limit:UInt32}`,
      query_params: { user_id: userId, limit },
      format: 'JSONEachRow',
    })
    const rows = await result.json<HistoryRow>()
    return rows.map((row) => ({
      user_id: row.user_id,
      user_message: row.user_message,
      ai_response: row.ai_response,
      timestamp: formatTimestamp(Number(row.ts_ms)),
    }))
  }
}
