# Sourced by local.sh and kafka.sh: the settings these scripts read may come from .env, as the
# service's do. The file is parsed by Node's own .env parser, the one the service uses, and never
# sourced, so nothing in it runs.
#
#   load_dotenv FILE   exports HOST, PORT, KAFKA_BROKERS and LOCAL_KAFKA_* from FILE (if it exists)
#                      where the environment leaves them unset or empty: the environment wins

load_dotenv() {
  local file=$1 settings line name
  [ -f "$file" ] || return 0
  settings=$(node -e '
    const { readFileSync } = require("node:fs")
    const { parseEnv } = require("node:util")
    const file = process.argv[1]
    for (const [name, value] of Object.entries(parseEnv(readFileSync(file, "utf8")))) {
      if (!/^(HOST|PORT|KAFKA_BROKERS|LOCAL_KAFKA_[A-Z_]+)$/.test(name)) continue
      if (/[\n\r]/.test(value)) {
        console.error(`${file}: ${name} spans several lines`)
        process.exit(1)
      }
      console.log(`${name}=${value}`)
    }' "$file")
  while IFS= read -r line; do
    [ -n "$line" ] || continue
    # The name matched the pattern above, so this indirect expansion reads a plain variable.
    name=${line%%=*}
    if [ -z "${!name:-}" ]; then export "$line"; fi
  done <<<"$settings"
}
