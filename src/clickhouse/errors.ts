/**
 * Telling ClickHouse's "this data cannot be stored" apart from "try again later", and describing
 * errors without repeating the data they quote.
 */
import { errorMessage } from '../errors.js'

interface ClickHouseErrorLike {
  readonly code: string
  readonly type?: string | undefined
}

/**
 * Duck-typed: the embedded engine throws its own copy of the client's ClickHouseError class, so
 * `instanceof` would miss it.
 */
function asClickHouseError(error: unknown): ClickHouseErrorLike | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const { code, type } = error as { code?: unknown; type?: unknown }
  if (typeof code !== 'string' || !/^\d+$/.test(code)) return undefined
  return { code, type: typeof type === 'string' ? type : undefined }
}

/**
 * Error types that reject the rows themselves. Retrying the same rows can never succeed, so the
 * caller isolates and drops the offending row instead. Everything else (network, timeouts,
 * overload, a missing table) is treated as passing and retried. Read errors (CANNOT_READ_*,
 * ATTEMPT_TO_READ_AFTER_EOF) are left out on purpose: a request body cut short in transit raises
 * them too, and dropping rows for a network fault would lose them.
 */
const DATA_ERROR_TYPES =
  /^(CANNOT_PARSE_\w+|INCORRECT_DATA|TOO_LARGE_STRING_SIZE|VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE|CANNOT_CONVERT_TYPE|INCORRECT_UTF8)$/

export function isDataError(error: unknown): boolean {
  const type = asClickHouseError(error)?.type
  return type !== undefined && DATA_ERROR_TYPES.test(type)
}

/**
 * A loggable description. ClickHouse's messages can quote the input row, so for its errors only
 * the type and code are given; other errors (network, timeouts) are described by their message.
 */
export function describeError(error: unknown): string {
  const ch = asClickHouseError(error)
  if (ch !== undefined) return `ClickHouse error ${ch.type ?? 'UNKNOWN'} (code ${ch.code})`
  return errorMessage(error)
}
