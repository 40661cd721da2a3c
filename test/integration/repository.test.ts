import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import type { ChatMessage } from '../../src/domain/chat-message.js'
import { ChatRepository } from '../../src/repository/chat-repository.js'
import { migratedClient } from '../helpers/clickhouse.js'

const client = await migratedClient()
after(() => client.close())
const repository = new ChatRepository(client, 'chat_data')

let offset = 0n
function message(userId: string, timestampMs: number, eventId?: string): ChatMessage {
  offset += 1n
  return {
    userId,
    userMessage: `message at ${timestampMs}`,
    aiResponse: `response at ${timestampMs}`,
    timestampMs,
    eventId: eventId ?? `t/0/${offset}`,
    source: { topic: 't', partition: 0, offset },
  }
}

test('a re-delivered event shows once', async () => {
  const m = message('redelivered', Date.UTC(2025, 0, 1))
  await repository.insert([m])
  await repository.insert([m])
  await repository.insert([m, message('redelivered', Date.UTC(2025, 0, 2))])
  const history = await repository.history('redelivered', 10)
  assert.equal(history.length, 2)
  assert.deepEqual(
    history.map((h) => h.timestamp),
    ['2025-01-02T00:00:00Z', '2025-01-01T00:00:00Z'],
  )
})

test('the same event_id at another timestamp is another turn', async () => {
  await repository.insert([
    message('moved', Date.UTC(2025, 0, 1), 'evt-1'),
    message('moved', Date.UTC(2025, 0, 2), 'evt-1'),
  ])
  assert.deepEqual(
    (await repository.history('moved', 10)).map((h) => h.timestamp),
    ['2025-01-02T00:00:00Z', '2025-01-01T00:00:00Z'],
  )
})

test('a turn from far in the future comes first', async () => {
  await repository.insert([
    message('future', Date.UTC(2299, 11, 31)),
    message('future', Date.UTC(2025, 0, 1)),
  ])
  assert.deepEqual(
    (await repository.history('future', 10)).map((h) => h.timestamp),
    ['2299-12-31T00:00:00Z', '2025-01-01T00:00:00Z'],
  )
})

test('turns in the same millisecond come back in one stable order', async () => {
  const at = Date.UTC(2025, 5, 1, 12, 0, 0, 123)
  await repository.insert([
    message('tied', at, 'b'),
    message('tied', at, 'c'),
    message('tied', at, 'a'),
  ])
  const first = await repository.history('tied', 10)
  const second = await repository.history('tied', 10)
  assert.equal(first.length, 3)
  assert.deepEqual(first, second)
  assert.ok(first.every((h) => h.timestamp === '2025-06-01T12:00:00.123Z'))
})

test('history is per user, newest first, and limited', async () => {
  await repository.insert([
    message('alice', Date.UTC(2025, 0, 1)),
    message('bob', Date.UTC(2025, 0, 2)),
    message('alice', Date.UTC(2025, 0, 3)),
    message('alice', Date.UTC(2025, 0, 2)),
  ])
  const alice = await repository.history('alice', 2)
  assert.deepEqual(
    alice.map((h) => [h.user_id, h.timestamp]),
    [
      ['alice', '2025-01-03T00:00:00Z'],
      ['alice', '2025-01-02T00:00:00Z'],
    ],
  )
  assert.deepEqual(await repository.history('nobody', 10), [])
})

test('user ids and texts are data, never SQL', async () => {
  const userId = "x' OR '1'='1"
  const tricky: ChatMessage = {
    ...message(userId, Date.UTC(2025, 0, 1)),
    userMessage: "'; DROP TABLE chat_data.chat_messages; --\n\t\\ \u{1F600} \u0000",
    aiResponse: 'Merhaba, sana nasıl yardımcı olabilirim?',
  }
  await repository.insert([tricky])
  const history = await repository.history(userId, 10)
  assert.deepEqual(
    history.map((h) => [h.user_message, h.ai_response]),
    [[tricky.userMessage, tricky.aiResponse]],
  )
  assert.equal((await repository.history("x' OR '1'='1' --", 10)).length, 0)
})
