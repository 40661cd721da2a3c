#!/usr/bin/env bash
# The main job on one machine: a local Kafka broker and the service with embedded ClickHouse.
#
#   npm run local
#
#   npm run local -- --settings    print the settings it would use, and exit
#
# Installs dependencies if missing, builds, fetches and starts the broker on 127.0.0.1:9092
# (LOCAL_KAFKA_PORT to change), creates the topic, then runs the service in the foreground on
# PORT (default 8083) with its data in data/clickhouse. Ctrl-C stops the service and the broker.
# Any setting from the README can be given in the environment or in a .env file (the environment
# wins). KAFKA_BROKERS, if given, is used as it is; otherwise it names the local broker.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/dotenv.sh
load_dotenv .env

export LOCAL_KAFKA_PORT=${LOCAL_KAFKA_PORT:-9092}
export KAFKA_BROKERS=${KAFKA_BROKERS:-127.0.0.1:$LOCAL_KAFKA_PORT}
# A local run listens on loopback only unless HOST says otherwise: history has no authentication.
export HOST=${HOST:-127.0.0.1}
partitions=${LOCAL_KAFKA_PARTITIONS:-4}
if [ "${1:-}" = --settings ]; then
  printf '%s\n' "LOCAL_KAFKA_PORT=$LOCAL_KAFKA_PORT" "LOCAL_KAFKA_PARTITIONS=$partitions" \
    "KAFKA_BROKERS=$KAFKA_BROKERS" "HOST=$HOST" "PORT=${PORT:-8083}"
  exit 0
fi

[ -d node_modules ] || npm ci
npm run build --silent
started_broker=0
cleanup() {
  if [ "$started_broker" = 1 ]; then bash scripts/kafka.sh stop || true; fi
}
trap cleanup EXIT

if ! bash scripts/kafka.sh status >/dev/null; then
  bash scripts/kafka.sh start
  started_broker=1
fi
node dist/src/cli/create-topic.js --brokers "$KAFKA_BROKERS" --partitions "$partitions"

echo "service starting on http://localhost:${PORT:-8083} (Ctrl-C to stop); try: npm run produce" >&2
# Not exec: the trap above must still stop the broker when the service ends. setsid takes the
# service out of the terminal's process group, so Ctrl-C reaches it once, through the trap below,
# rather than also straight from the terminal: the service takes a second stop signal as "exit
# now". A second Ctrl-C does just that.
setsid node dist/src/main.js &
service_pid=$!
trap 'kill -TERM "$service_pid" 2>/dev/null || true' INT TERM HUP
wait "$service_pid" || true
wait "$service_pid" 2>/dev/null || true
