#!/usr/bin/env bash
# A local single-node Apache Kafka (KRaft: broker and controller in one JVM), without Docker.
#
#   scripts/kafka.sh fetch    download the broker and its dependencies from Maven Central
#   scripts/kafka.sh start    fetch if needed, format storage on first use, start, wait until ready
#   scripts/kafka.sh stop     stop the broker started from this checkout (TERM, then KILL)
#   scripts/kafka.sh status   say whether it runs
#   scripts/kafka.sh libs     fetch if needed, print the folder of the broker's jars (they include
#                             the reference Java client, which the tests use as a producer)
#
# Settings (environment, else .env in the checkout):
#   LOCAL_KAFKA_PORT             client port on 127.0.0.1 (default 9092); the controller uses +1
#   LOCAL_KAFKA_VERSION          org.apache.kafka:kafka_2.13 version (default 4.1.1)
#   LOCAL_KAFKA_DIR              state folder (default .cache/kafka-run/<port>); logs in server.log
#   LOCAL_KAFKA_HEAP             JVM heap (default 512m)
#   LOCAL_KAFKA_START_TIMEOUT    seconds to wait for the broker (default 90)
set -euo pipefail

say() { printf 'kafka.sh: %s\n' "$*" >&2; }

# Numbers are checked before any arithmetic: bash would evaluate an expression hidden in one.
check_number() { # NAME VALUE MIN MAX
  if ! [[ $2 =~ ^[1-9][0-9]{0,8}$ ]] || (($2 < $3 || $2 > $4)); then
    say "$1 must be a whole number in $3..$4"
    exit 2
  fi
}

root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/dotenv.sh"
load_dotenv "$root/.env"
version=${LOCAL_KAFKA_VERSION:-4.1.1}
log4j_version=2.24.3
port=${LOCAL_KAFKA_PORT:-9092}
check_number LOCAL_KAFKA_PORT "$port" 1 65534 # the controller uses the next port
controller_port=$((port + 1))
libs="$root/.cache/kafka/$version/libs"
run_dir=${LOCAL_KAFKA_DIR:-$root/.cache/kafka-run/$port}
heap=${LOCAL_KAFKA_HEAP:-512m}
start_timeout=${LOCAL_KAFKA_START_TIMEOUT:-90}
check_number LOCAL_KAFKA_START_TIMEOUT "$start_timeout" 1 86400
pid_file="$run_dir/broker.pid"

fetch() {
  if [ -f "$libs/.complete" ]; then return 0; fi
  command -v mvn >/dev/null || { say "mvn is required to fetch the broker (apt-get install maven)"; exit 1; }
  command -v java >/dev/null || { say "java 17+ is required to run the broker"; exit 1; }
  say "fetching org.apache.kafka:kafka_2.13:$version and its dependencies into $libs"
  local build="$root/.cache/kafka/$version/build"
  mkdir -p "$build"
  cat >"$build/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.chat-data-service</groupId>
  <artifactId>kafka-broker-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_2.13</artifactId>
      <version>$version</version>
    </dependency>
    <!-- The broker logs through SLF4J 1.x; this routes it to log4j2 (server.log). -->
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-slf4j-impl</artifactId>
      <version>$log4j_version</version>
    </dependency>
  </dependencies>
</project>
EOF
  rm -rf "$libs"
  # Maven 3.8 prints colour codes even in batch mode; they are stripped from its output.
  mvn -B -q -f "$build/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$libs" -DincludeScope=runtime 2>&1 | sed 's/\x1b\[[0-9;]*m//g' >&2
  ls "$libs"/kafka_2.13-"$version".jar >/dev/null
  touch "$libs/.complete"
}

# True when the pid file names a live broker of this state folder (not a recycled pid, and not a
# broker that is already on its way down).
running() {
  [ -f "$pid_file" ] || return 1
  local pid
  pid=$(cat "$pid_file")
  kill -0 "$pid" 2>/dev/null || return 1
  local cmdline
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmdline == *"$run_dir/server.properties"* ]]
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start() {
  fetch
  if running; then say "already running on 127.0.0.1:$port (pid $(cat "$pid_file"))"; return 0; fi
  if port_open "$port" || port_open "$controller_port"; then
    say "port $port or $controller_port is taken by another process; set LOCAL_KAFKA_PORT"
    exit 1
  fi

  mkdir -p "$run_dir"
  cat >"$run_dir/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$run_dir/data
num.partitions=4
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
  cat >"$run_dir/log4j2.properties" <<EOF
appender.file.type=File
appender.file.name=file
appender.file.fileName=$run_dir/server.log
appender.file.layout.type=PatternLayout
appender.file.layout.pattern=[%d] %p %m (%c)%n
rootLogger.level=INFO
rootLogger.appenderRef.file.ref=file
EOF

  local java_opts=(-Xms256m "-Xmx$heap" -XX:+UseG1GC -Djava.awt.headless=true
    "-Dlog4j2.configurationFile=$run_dir/log4j2.properties")
  if [ ! -f "$run_dir/data/meta.properties" ]; then
    local cluster_id
    cluster_id=$(java -cp "$libs/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)
    java "${java_opts[@]}" -cp "$libs/*" kafka.tools.StorageTool format \
      -t "$cluster_id" -c "$run_dir/server.properties" >"$run_dir/format.log" 2>&1 ||
      { cat "$run_dir/format.log" >&2; exit 1; }
  fi

  : >"$run_dir/server.log"
  # A session of its own: Ctrl-C in the terminal reaches the service, and the broker is stopped
  # by `stop` in order, after the service has committed its offsets.
  setsid nohup java "${java_opts[@]}" -cp "$libs/*" kafka.Kafka "$run_dir/server.properties" \
    >"$run_dir/stdout.log" 2>&1 </dev/null &
  echo $! >"$pid_file"

  local deadline=$((SECONDS + start_timeout))
  until grep -q 'Kafka Server started' "$run_dir/server.log" 2>/dev/null && port_open "$port"; do
    # Liveness only: right after the fork the command line is not yet the broker's.
    if ! kill -0 "$(cat "$pid_file")" 2>/dev/null; then
      say "the broker exited during start; last lines of $run_dir/server.log:"
      tail -n 20 "$run_dir/server.log" "$run_dir/stdout.log" >&2 || true
      exit 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      say "the broker did not start within ${start_timeout}s; see $run_dir/server.log"
      stop
      exit 1
    fi
    sleep 0.2
  done
  say "running on 127.0.0.1:$port (pid $(cat "$pid_file"))"
}

stop() {
  if ! running; then rm -f "$pid_file"; return 0; fi
  local pid
  pid=$(cat "$pid_file")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 150); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$pid_file"; say "stopped"; return 0; }
    sleep 0.2
  done
  say "the broker did not stop in 30s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pid_file"
}

case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  status) if running; then echo "running (pid $(cat "$pid_file"), port $port)"; else echo "stopped"; exit 3; fi ;;
  libs) fetch; echo "$libs" ;;
  *) say "usage: $0 fetch|start|stop|status|libs"; exit 2 ;;
esac
