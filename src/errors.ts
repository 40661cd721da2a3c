/**
 * Error text shared by the service and the command-line tools.
 */

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * An error's message with those of the errors it wraps: the Kafka client reports "fetch failed 4
 * times." and keeps the reasons in `errors` and `cause`. Distinct messages only, at most 5.
 */
export function errorChain(error: unknown): string {
  const messages: string[] = []
  const visit = (value: unknown, depth: number): void => {
    if (depth > 4 || messages.length >= 5) return
    const message = errorMessage(value)
    if (!messages.includes(message)) messages.push(message)
    if (!(value instanceof Error)) return
    const nested = (value as { errors?: unknown }).errors
    if (Array.isArray(nested)) for (const inner of nested) visit(inner, depth + 1)
    if (value.cause !== undefined) visit(value.cause, depth + 1)
  }
  visit(error, 0)
  return messages.join(' <- ')
}
