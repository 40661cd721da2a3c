import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { formatTimestamp, toClickHouseDateTime } from '../../src/domain/chat-message.js'

const NINE_AM = Date.UTC(2025, 10, 7, 9)

describe('formatTimestamp', () => {
  test('drops a zero fraction entirely', () => {
    assert.equal(formatTimestamp(NINE_AM), '2025-11-07T09:00:00Z')
  })

  test('drops trailing zeros of half a second', () => {
    assert.equal(formatTimestamp(NINE_AM + 500), '2025-11-07T09:00:00.5Z')
  })

  test('drops the trailing zero of 120 ms', () => {
    assert.equal(formatTimestamp(NINE_AM + 120), '2025-11-07T09:00:00.12Z')
  })

  test('keeps leading zeros of 1 ms', () => {
    assert.equal(formatTimestamp(NINE_AM + 1), '2025-11-07T09:00:00.001Z')
  })

  test('keeps all three digits of 123 ms', () => {
    assert.equal(formatTimestamp(NINE_AM + 123), '2025-11-07T09:00:00.123Z')
  })
})

describe('toClickHouseDateTime', () => {
  test("gives 'YYYY-MM-DD hh:mm:ss.mmm' in UTC", () => {
    assert.equal(toClickHouseDateTime(NINE_AM + 5), '2025-11-07 09:00:00.005')
  })

  test('keeps a zero fraction', () => {
    assert.equal(toClickHouseDateTime(NINE_AM), '2025-11-07 09:00:00.000')
  })
})
