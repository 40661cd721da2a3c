/**
 * Structured logging with pino. Bodies, tokens and passwords never reach a log line: request
 * headers that carry credentials are redacted, and code logs record coordinates, not payloads.
 */
import { pino, type Logger } from 'pino'

export type { Logger }

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'chat-data-service' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'password',
          '*.password',
          'token',
          '*.token',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  )
}
