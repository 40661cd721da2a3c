/**
 * Events for trying the service and for tests: the original contract's sample, and generated ones.
 */
import { randomUUID } from 'node:crypto'

export const SAMPLE_EVENT = {
  event_type: 'chat_completed',
  user_id: 'b87b5011-65a6-4fb1-9aaf-08bdaac91358',
  message: 'Merhaba!',
  response: 'Merhaba, sana nasıl yardımcı olabilirim?',
  timestamp: '2025-11-07T09:00:00Z',
}

/** `count` events spread over `users` users, one second apart, starting at `start`. */
export function generatedEvents(count: number, users: number, start = Date.UTC(2025, 10, 7, 9)) {
  const ids = Array.from({ length: users }, () => randomUUID())
  return Array.from({ length: count }, (_, i) => ({
    event_type: 'chat_completed',
    user_id: ids[i % users] ?? '',
    message: `message ${i}`,
    response: `response ${i}`,
    timestamp: new Date(start + i * 1000).toISOString(),
  }))
}
