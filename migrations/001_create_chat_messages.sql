-- The original contract's table, with what a production store needs around it:
--   * the four original columns keep their names; `timestamp` gains millisecond precision in UTC.
--   * event_id identifies one chat turn; ReplacingMergeTree folds re-deliveries of the same event
--     (same user, time and id) into one row, and reads use FINAL so duplicates never show.
--   * kafka_* record where the row came from; ingested_at when it was written.
--   * the sort key serves "one user's latest messages": a user's rows are contiguous and ordered
--     by time, with event_id breaking ties between turns in the same millisecond.
CREATE TABLE IF NOT EXISTS {{database}}.chat_messages
(
    user_id         String,
    user_message    String,
    ai_response     String,
    timestamp       DateTime64(3, 'UTC'),
    event_id        String,
    kafka_topic     LowCardinality(String),
    kafka_partition UInt32,
    kafka_offset    UInt64,
    ingested_at     DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(ingested_at)
ORDER BY (user_id, timestamp, event_id)
SETTINGS index_granularity = 8192;
