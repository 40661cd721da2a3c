/**
 * Record-batch decompression that works for what standard producers write.
 *
 * The Kafka client decodes compressed record batches through its exported codec table; two of its
 * decoders fail on batches from the reference (Java) producer, and a batch that cannot be decoded
 * stops its partition for good:
 *   - snappy: Java producers write xerial-framed snappy (a magic header, then length-prefixed raw
 *     snappy blocks). The client's decoder expects one raw block and traps on the framing.
 *   - zstd: the client uses node:zlib's zstd, which Node 20 does not have. fzstd (pure
 *     JavaScript, decompression only) fills in when zlib lacks it.
 * installCodecs() replaces those two decoders in the table; compression for producing is untouched.
 */
import zlib from 'node:zlib'
import { compressionsAlgorithms } from '@platformatic/kafka'
import { decompress as fzstdDecompress } from 'fzstd'

type Decoder = (typeof compressionsAlgorithms)['snappy']['decompressSync']
type DecoderInput = Parameters<Decoder>[0]

/** "\x82SNAPPY\0", then a version and a compatible-version int32: 16 bytes before the blocks. */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00])
const XERIAL_HEADER_BYTES = 16

let installed = false

/** Installs the decoders once per process. Idempotent. */
export function installCodecs(): void {
  if (installed) return
  installed = true
  const snappy = compressionsAlgorithms.snappy as { decompressSync: Decoder }
  const rawSnappy = snappy.decompressSync
  snappy.decompressSync = (data) => decodeSnappy(toBuffer(data), (block) => rawSnappy(block))

  if (typeof (zlib as { zstdDecompressSync?: unknown }).zstdDecompressSync !== 'function') {
    const zstd = compressionsAlgorithms.zstd as { decompressSync: Decoder }
    zstd.decompressSync = (data) => decodeZstd(toBuffer(data))
  }
}

/**
 * Decodes snappy as Kafka producers write it: xerial-framed (Java) or one raw block (librdkafka
 * and most other clients). `rawDecode` decodes one raw snappy block.
 */
export function decodeSnappy(data: Buffer, rawDecode: (block: Buffer) => Buffer): Buffer {
  if (
    data.length < XERIAL_HEADER_BYTES ||
    !data.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC)
  ) {
    return rawDecode(data)
  }
  const blocks: Buffer[] = []
  let position = XERIAL_HEADER_BYTES
  while (position < data.length) {
    if (position + 4 > data.length) throw new Error('xerial snappy: truncated block length')
    const length = data.readInt32BE(position)
    position += 4
    if (length < 0 || position + length > data.length) {
      throw new Error('xerial snappy: block runs past the end of the data')
    }
    blocks.push(rawDecode(data.subarray(position, position + length)))
    position += length
  }
  return Buffer.concat(blocks)
}

/** Decodes zstd frames (one or several) without node:zlib. */
export function decodeZstd(data: Buffer): Buffer {
  const out = fzstdDecompress(data)
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength)
}

function toBuffer(data: DecoderInput): Buffer {
  return Buffer.isBuffer(data) ? data : data.buffer
}
