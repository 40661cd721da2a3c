/**
 * Prometheus metrics, on a registry of the service's own (tests build several services in one
 * process without name clashes).
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

export type Metrics = ReturnType<typeof createMetrics>

export function createMetrics(options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry()
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry })

  return {
    registry,
    /** Every Kafka record seen, by what became of it: stored, skipped (other event_type), rejected. */
    events: new Counter({
      name: 'chat_events_total',
      help: 'Kafka records consumed, by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'chat_events_rejected_total',
      help: 'Kafka records that could not be parsed or validated, by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    insertedRows: new Counter({
      name: 'chat_rows_inserted_total',
      help: 'Rows written to ClickHouse (re-deliveries included; reads deduplicate)',
      registers: [registry],
    }),
    insertFailures: new Counter({
      name: 'chat_insert_failures_total',
      help: 'Failed batch inserts (each is retried)',
      registers: [registry],
    }),
    insertSeconds: new Histogram({
      name: 'chat_insert_duration_seconds',
      help: 'Time to insert one batch into ClickHouse',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    commitFailures: new Counter({
      name: 'chat_offset_commit_failures_total',
      help: 'Offset commits that failed (the records will be re-delivered and deduplicated)',
      registers: [registry],
    }),
    streamFailures: new Counter({
      name: 'chat_consumer_stream_failures_total',
      help: 'Times fetching from Kafka failed and the consumer rejoined the group',
      registers: [registry],
    }),
    historySeconds: new Histogram({
      name: 'chat_history_query_duration_seconds',
      help: 'Time to read one history page from ClickHouse',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    }),
  }
}
