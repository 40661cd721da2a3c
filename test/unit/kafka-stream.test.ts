import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { compressionsAlgorithms } from '@platformatic/kafka'
import { decodeSnappy, decodeZstd } from '../../src/kafka/codecs.js'
import { errorChain } from '../../src/errors.js'
import { StreamHealth } from '../../src/kafka/stream-health.js'

const rawSnappy = (block: Buffer): Buffer => compressionsAlgorithms.snappy.compressSync(block)
const rawUnsnappy = (block: Buffer): Buffer => compressionsAlgorithms.snappy.decompressSync(block)

/** Snappy framed as the Java client's xerial stream writes it. */
function xerialFrame(blocks: readonly Buffer[]): Buffer {
  const header = Buffer.alloc(16)
  Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]).copy(header)
  header.writeInt32BE(1, 8)
  header.writeInt32BE(1, 12)
  const parts: Uint8Array[] = [header]
  for (const block of blocks) {
    const compressed = rawSnappy(block)
    const length = Buffer.alloc(4)
    length.writeInt32BE(compressed.length)
    parts.push(length, compressed)
  }
  return Buffer.concat(parts)
}

describe('snappy decoding', () => {
  const first = Buffer.from('first block '.repeat(100))
  const second = Buffer.from('second block '.repeat(50))

  test('decodes xerial framing, block after block', () => {
    const decoded = decodeSnappy(xerialFrame([first, second]), rawUnsnappy)
    assert.deepEqual(decoded, Buffer.concat([first, second]))
  })

  test('decodes a single raw block (non-Java producers)', () => {
    assert.deepEqual(decodeSnappy(rawSnappy(first), rawUnsnappy), first)
  })

  test('a frame with no blocks decodes to nothing', () => {
    assert.equal(decodeSnappy(xerialFrame([]), rawUnsnappy).length, 0)
  })

  test('a truncated frame is an error, not a trap or garbage', () => {
    const framed = xerialFrame([first])
    assert.throws(() => decodeSnappy(framed.subarray(0, framed.length - 3), rawUnsnappy), {
      message: /runs past the end/,
    })
    assert.throws(() => decodeSnappy(framed.subarray(0, 18), rawUnsnappy), {
      message: /truncated block length/,
    })
  })
})

describe('zstd decoding', () => {
  // A frame written by the zstd command line tool: `printf 'hello zstd\n' | zstd -c | xxd -p`.
  const frame = Buffer.from('28b52ffd045859000068656c6c6f207a7374640a6c57f951', 'hex')

  test('decodes a zstd frame without node:zlib', () => {
    assert.equal(decodeZstd(frame).toString(), 'hello zstd\n')
  })

  test('garbage is an error', () => {
    assert.throws(() => decodeZstd(Buffer.from('not zstd at all')))
  })
})

describe('stream health', () => {
  const options = { minPauseMs: 100, maxPauseMs: 1000, stableMs: 10_000 }

  test('a first failure rejoins at once and is not reported as failing', () => {
    const health = new StreamHealth(options)
    health.started(0)
    assert.equal(health.failed(50), 0)
    health.started(60)
    assert.equal(health.failing(70), false)
  })

  test('failures in a row back off exponentially up to the cap and count as failing', () => {
    const health = new StreamHealth(options)
    const pauses: number[] = []
    let now = 0
    for (let i = 0; i < 7; i++) {
      health.started(now)
      now += 10
      pauses.push(health.failed(now))
      now += 1
    }
    assert.deepEqual(pauses, [0, 100, 200, 400, 800, 1000, 1000])
    assert.equal(health.consecutiveFailures, 7)
    health.started(now)
    assert.equal(health.failing(now + 1), true)
  })

  /** Two quick failures, then a new stream started at 4: a run of failures in progress. */
  function afterTwoQuickFailures(): StreamHealth {
    const health = new StreamHealth(options)
    health.started(0)
    health.failed(1)
    health.started(2)
    health.failed(3)
    health.started(4)
    return health
  }

  test('a delivered record ends the run of failures', () => {
    const health = afterTwoQuickFailures()
    assert.equal(health.failing(5), true)
    health.delivered()
    assert.equal(health.failing(5), false)
    assert.equal(health.failed(6), 0, 'the next failure starts a new run')
  })

  test('an idle stream that stays up for the stable period is healthy again', () => {
    const health = afterTwoQuickFailures()
    assert.equal(health.failing(4 + 9_999), true)
    assert.equal(health.failing(4 + 10_000), false)
    assert.equal(health.failed(4 + 10_001), 0)
  })
})

describe('errorChain', () => {
  test('names the wrapped reasons once each', () => {
    const inner = new Error('unreachable')
    const outer = new AggregateError([inner, inner, new Error('other')], 'fetch failed 4 times.')
    assert.equal(errorChain(outer), 'fetch failed 4 times. <- unreachable <- other')
  })

  test('follows causes and stops at five messages', () => {
    let error = new Error('e0')
    for (let i = 1; i < 10; i++) error = new Error(`e${i}`, { cause: error })
    assert.equal(errorChain(error).split(' <- ').length, 5)
    assert.equal(errorChain('plain'), 'plain')
  })
})
