#!/usr/bin/env bash
# Runs every test against a real Kafka broker (started here, on its own port and state folder,
# and stopped at the end) and the real embedded ClickHouse engine.
#
#   npm test                                   everything
#   npm test -- dist/test/unit/config.test.js  chosen files (paths of compiled tests)
#
# TEST_KAFKA_PORT picks the broker's port (default 39092; the controller uses the next one).
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules ] || npm ci
rm -rf dist
npx tsc -p tsconfig.json

export LOCAL_KAFKA_PORT=${TEST_KAFKA_PORT:-39092}
LOCAL_KAFKA_DIR=$(mktemp -d "${TMPDIR:-/tmp}/cds-test-kafka.XXXXXX")
export LOCAL_KAFKA_DIR
cleanup() {
  bash scripts/kafka.sh stop || true
  rm -rf "$LOCAL_KAFKA_DIR"
}
trap cleanup EXIT
bash scripts/kafka.sh start
export TEST_KAFKA_BROKERS="127.0.0.1:$LOCAL_KAFKA_PORT"
# The broker's jars include the reference Java client, which tests use as a producer.
TEST_KAFKA_LIBS=$(bash scripts/kafka.sh libs)
export TEST_KAFKA_LIBS

if [ $# -gt 0 ]; then
  files=("$@")
else
  mapfile -t files < <(find dist/test -name '*.test.js' | sort)
fi
node --test --test-concurrency=2 "${files[@]}"
