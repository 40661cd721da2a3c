/**
 * Business rules between the transports (Kafka, HTTP) and the repository.
 */
import type { ChatMessage, HistoryEntry } from '../domain/chat-message.js'
import type { Metrics } from '../metrics.js'
import type { ChatRepository } from '../repository/chat-repository.js'

export interface HistoryLimits {
  readonly defaultLimit: number
  readonly maxLimit: number
}

export class ChatService {
  constructor(
    private readonly repository: ChatRepository,
    private readonly limits: HistoryLimits,
    private readonly metrics: Metrics,
  ) {}

  /** Stores one batch of chat turns. Throws if ClickHouse refused it; the caller retries. */
  async store(messages: readonly ChatMessage[]): Promise<void> {
    if (messages.length === 0) return
    const stop = this.metrics.insertSeconds.startTimer()
    try {
      await this.repository.insert(messages)
      this.metrics.insertedRows.inc(messages.length)
    } catch (error) {
      this.metrics.insertFailures.inc()
      throw error
    } finally {
      stop()
    }
  }

  /** A user's latest turns, newest first. `limit` defaults and is capped per configuration. */
  async history(userId: string, limit?: number): Promise<HistoryEntry[]> {
    const effective = Math.min(limit ?? this.limits.defaultLimit, this.limits.maxLimit)
    const stop = this.metrics.historySeconds.startTimer()
    try {
      return await this.repository.history(userId, effective)
    } finally {
      stop()
    }
  }
}
