import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { ChatMessage, KafkaSource } from '../../src/domain/chat-message.js'
import { parseEvent, parseRfc3339, RejectReason, type ParseResult } from '../../src/domain/event.js'

const SOURCE: KafkaSource = { topic: 'chat_messages', partition: 2, offset: 41n }

const SAMPLE = {
  event_type: 'chat_completed',
  user_id: 'b87b5011-65a6-4fb1-9aaf-08bdaac91358',
  message: 'Merhaba!',
  response: 'Merhaba, sana nasıl yardımcı olabilirim?',
  timestamp: '2025-11-07T09:00:00Z',
}

/** A string no rejection detail may ever contain. */
const SECRET = 'TOP-SECRET-c4a1f9e2'

function parse(fields: Record<string, unknown>): ParseResult {
  return parseEvent(JSON.stringify(fields), SOURCE)
}

function expectMessage(result: ParseResult): ChatMessage {
  if (result.kind !== 'message') assert.fail(`expected a message, got ${result.kind}`)
  return result.message
}

function expectRejected(result: ParseResult, reason: RejectReason): string {
  if (result.kind !== 'rejected') assert.fail(`expected a rejection, got ${result.kind}`)
  assert.equal(result.reason, reason)
  return result.detail
}

function without(field: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(SAMPLE).filter(([key]) => key !== field))
}

describe('parseEvent accepts chat_completed events', () => {
  test('the sample event becomes a chat message', () => {
    const message = expectMessage(parse(SAMPLE))
    assert.equal(message.userId, SAMPLE.user_id)
    assert.equal(message.userMessage, 'Merhaba!')
    assert.equal(message.aiResponse, 'Merhaba, sana nasıl yardımcı olabilirim?')
    assert.equal(message.timestampMs, Date.UTC(2025, 10, 7, 9))
    assert.deepEqual(message.source, SOURCE)
  })

  test('without event_id, the identity is topic/partition/offset', () => {
    assert.equal(expectMessage(parse(SAMPLE)).eventId, 'chat_messages/2/41')
  })

  test('an explicit event_id is used as the identity', () => {
    const message = expectMessage(parse({ ...SAMPLE, event_id: 'evt-7f3a' }))
    assert.equal(message.eventId, 'evt-7f3a')
  })

  test('a timestamp with ten fraction digits is stored to the millisecond', () => {
    const message = expectMessage(
      parse({ ...SAMPLE, timestamp: '2025-11-07T09:00:13.1234567890Z' }),
    )
    assert.equal(message.timestampMs, Date.UTC(2025, 10, 7, 9, 0, 13, 123))
  })

  test('a Buffer value is decoded as UTF-8', () => {
    const message = expectMessage(parseEvent(Buffer.from(JSON.stringify(SAMPLE)), SOURCE))
    assert.equal(message.aiResponse, 'Merhaba, sana nasıl yardımcı olabilirim?')
  })

  test('unknown extra fields are ignored', () => {
    const message = expectMessage(parse({ ...SAMPLE, model: 'gpt', tokens: 12 }))
    assert.equal(message.userId, SAMPLE.user_id)
  })

  test('a user_id of exactly 256 characters is accepted', () => {
    const userId = 'u'.repeat(256)
    assert.equal(expectMessage(parse({ ...SAMPLE, user_id: userId })).userId, userId)
  })
})

describe('parseEvent skips other event types', () => {
  test('another event_type is skipped and named', () => {
    assert.deepEqual(parse({ ...SAMPLE, event_type: 'chat_started' }), {
      kind: 'skipped',
      eventType: 'chat_started',
    })
  })

  test('another event_type is skipped even when its other fields are invalid', () => {
    assert.deepEqual(parse({ event_type: 'user_signed_up' }), {
      kind: 'skipped',
      eventType: 'user_signed_up',
    })
  })
})

describe('parseEvent rejects values that are not JSON objects', () => {
  test('an undefined value', () => {
    expectRejected(parseEvent(undefined, SOURCE), RejectReason.EMPTY)
  })

  test('an empty string', () => {
    expectRejected(parseEvent('', SOURCE), RejectReason.EMPTY)
  })

  test('an empty buffer', () => {
    expectRejected(parseEvent(Buffer.alloc(0), SOURCE), RejectReason.EMPTY)
  })

  test('text that is not JSON', () => {
    expectRejected(parseEvent('{"event_type": chat_completed', SOURCE), RejectReason.NOT_JSON)
  })

  test('bytes that are not UTF-8, even inside a string of valid JSON', () => {
    const json = Buffer.from(JSON.stringify({ ...SAMPLE, message: 'bad-' }))
    const at = json.indexOf('bad-') + 4
    const value = Buffer.concat([
      json.subarray(0, at),
      Buffer.from([0xff, 0xfe, 0xc3]),
      json.subarray(at),
    ])
    const detail = expectRejected(parseEvent(value, SOURCE), RejectReason.INVALID_TEXT)
    assert.match(detail, /UTF-8/)
  })

  test('a leading byte-order mark is dropped, not an error', () => {
    const value = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(JSON.stringify(SAMPLE)),
    ])
    assert.equal(expectMessage(parseEvent(value, SOURCE)).userMessage, SAMPLE.message)
  })

  for (const [name, value] of [
    ['an array', '[{"event_type":"chat_completed"}]'],
    ['a number', '42'],
    ['null', 'null'],
    ['a string', '"chat_completed"'],
  ] as const) {
    test(`JSON that is ${name}`, () => {
      expectRejected(parseEvent(value, SOURCE), RejectReason.NOT_OBJECT)
    })
  }
})

describe('parseEvent rejects invalid fields', () => {
  for (const field of ['event_type', 'user_id', 'message', 'response', 'timestamp']) {
    test(`a missing ${field} is named`, () => {
      const detail = expectRejected(parse(without(field)), RejectReason.INVALID_FIELDS)
      assert.match(detail, new RegExp(field))
    })
  }

  for (const [field, value] of [
    ['event_type', 7],
    ['user_id', 12345],
    ['message', null],
    ['response', ['a', 'b']],
    ['timestamp', 1762506000],
    ['event_id', 99],
  ] as const) {
    test(`a ${field} of the wrong type is named`, () => {
      const detail = expectRejected(
        parse({ ...SAMPLE, [field]: value }),
        RejectReason.INVALID_FIELDS,
      )
      assert.match(detail, new RegExp(`/${field}`))
    })
  }

  test('an empty user_id', () => {
    const detail = expectRejected(parse({ ...SAMPLE, user_id: '' }), RejectReason.INVALID_FIELDS)
    assert.match(detail, /\/user_id/)
  })

  test('a user_id longer than 256 characters', () => {
    const result = parse({ ...SAMPLE, user_id: 'u'.repeat(257) })
    assert.match(expectRejected(result, RejectReason.INVALID_FIELDS), /\/user_id/)
  })

  test('an event_id longer than 128 characters', () => {
    const result = parse({ ...SAMPLE, event_id: 'e'.repeat(129) })
    assert.match(expectRejected(result, RejectReason.INVALID_FIELDS), /\/event_id/)
  })
})

describe('parseEvent rejects bad timestamps', () => {
  for (const timestamp of [
    '2025-11-07',
    '2025-13-01T00:00:00Z',
    '2025-02-30T00:00:00Z',
    '2025-11-07T24:00:00Z',
    '0050-01-01T00:00:00Z',
    '2300-01-01T00:00:00Z',
    'yesterday',
  ]) {
    test(`timestamp ${timestamp}`, () => {
      expectRejected(parse({ ...SAMPLE, timestamp }), RejectReason.INVALID_TIMESTAMP)
    })
  }
})

describe('parseEvent rejection details never quote the record', () => {
  test('not for a non-JSON body', () => {
    const result = parseEvent(`{"message":"${SECRET}"`, SOURCE)
    const detail = expectRejected(result, RejectReason.NOT_JSON)
    assert.ok(!detail.includes(SECRET), detail)
  })

  test('not for an event with a missing field', () => {
    const result = parse({ ...without('user_id'), message: SECRET })
    const detail = expectRejected(result, RejectReason.INVALID_FIELDS)
    assert.ok(!detail.includes(SECRET), detail)
  })

  test('not for an event with a field of the wrong type', () => {
    const result = parse({ ...SAMPLE, message: { text: SECRET }, response: 42 })
    const detail = expectRejected(result, RejectReason.INVALID_FIELDS)
    assert.ok(!detail.includes(SECRET), detail)
  })

  test('not for an event with a user_id that is too long', () => {
    const result = parse({ ...SAMPLE, user_id: SECRET.repeat(20) })
    const detail = expectRejected(result, RejectReason.INVALID_FIELDS)
    assert.ok(!detail.includes(SECRET), detail)
  })

  test('not for an event with a bad timestamp', () => {
    const result = parse({ ...SAMPLE, message: SECRET, timestamp: SECRET })
    const detail = expectRejected(result, RejectReason.INVALID_TIMESTAMP)
    assert.ok(!detail.includes(SECRET), detail)
  })
})

describe('parseRfc3339', () => {
  test('parses UTC with Z', () => {
    assert.equal(parseRfc3339('2025-11-07T09:00:00Z'), Date.UTC(2025, 10, 7, 9))
  })

  test('honours a positive offset', () => {
    assert.equal(parseRfc3339('2025-11-07T12:00:00+03:00'), Date.UTC(2025, 10, 7, 9))
  })

  test('honours a negative offset with minutes', () => {
    assert.equal(parseRfc3339('2025-11-07T03:30:00-05:30'), Date.UTC(2025, 10, 7, 9))
  })

  test('truncates fractions beyond milliseconds', () => {
    assert.equal(
      parseRfc3339('2025-11-07T09:00:00.123456789Z'),
      Date.UTC(2025, 10, 7, 9, 0, 0, 123),
    )
  })

  test('accepts more than nine fraction digits, keeping milliseconds', () => {
    assert.equal(
      parseRfc3339('2025-11-07T09:00:13.1234567890Z'),
      Date.UTC(2025, 10, 7, 9, 0, 13, 123),
    )
    assert.equal(
      parseRfc3339(`2025-11-07T12:00:13.999${'9'.repeat(100)}+03:00`),
      Date.UTC(2025, 10, 7, 9, 0, 13, 999),
    )
  })

  test('rejects a fraction point without digits', () => {
    assert.equal(parseRfc3339('2025-11-07T09:00:13.Z'), undefined)
  })

  test('reads a one-digit fraction as tenths', () => {
    assert.equal(parseRfc3339('2025-11-07T09:00:00.5Z'), Date.UTC(2025, 10, 7, 9, 0, 0, 500))
  })

  test("accepts lowercase 't' and 'z'", () => {
    assert.equal(parseRfc3339('2025-11-07t09:00:00z'), Date.UTC(2025, 10, 7, 9))
  })

  test('accepts a leap day in a leap year', () => {
    assert.equal(parseRfc3339('2024-02-29T00:00:00Z'), Date.UTC(2024, 1, 29))
  })

  test('rejects a leap day in a common year', () => {
    assert.equal(parseRfc3339('2025-02-29T00:00:00Z'), undefined)
  })

  test('rejects a date without a time', () => {
    assert.equal(parseRfc3339('2025-11-07'), undefined)
  })

  test('rejects a missing offset', () => {
    assert.equal(parseRfc3339('2025-11-07T09:00:00'), undefined)
  })

  test('rejects minute 60 and second 60', () => {
    assert.equal(parseRfc3339('2025-11-07T09:60:00Z'), undefined)
    assert.equal(parseRfc3339('2025-11-07T09:00:60Z'), undefined)
  })

  test('rejects a real leap second, as Go does', () => {
    assert.equal(parseRfc3339('2016-12-31T23:59:60Z'), undefined)
  })

  test('rejects years outside 1900..2299', () => {
    assert.equal(parseRfc3339('1899-12-31T23:59:59Z'), undefined)
    assert.equal(parseRfc3339('2300-01-01T00:00:00Z'), undefined)
  })

  test('accepts the edges of the supported range', () => {
    assert.equal(parseRfc3339('1900-01-01T00:00:00Z'), Date.UTC(1900, 0, 1))
    assert.equal(parseRfc3339('2299-12-31T23:59:59.999Z'), Date.UTC(2300, 0, 1) - 1)
  })

  test('rejects an offset that moves the instant out of range', () => {
    assert.equal(parseRfc3339('1900-01-01T00:30:00+01:00'), undefined)
  })
})
