#!/usr/bin/env bash
# The throwaway PostgreSQL of the tests: the CTest fixture `postgres` (postgres_start and
# postgres_stop) and each PostgresInstance run this script.
#
#   test_postgres.sh start  STATE_DIR [ENV_FILE]  stop any server left by an earlier run, initdb
#                                                 a fresh data dir under /tmp, start it on a free
#                                                 127.0.0.1 port, write ENV_FILE
#   test_postgres.sh stop   STATE_DIR [ENV_FILE]  stop it, remove its data dir and ENV_FILE
#   test_postgres.sh pause  STATE_DIR             stop it, keeping its data and port
#   test_postgres.sh resume STATE_DIR             start it again on the same port and data
#
# ENV_FILE (default STATE_DIR/postgres.env) holds one line:
#   WARDEN_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:PORT/postgres
# STATE_DIR keeps `data-dir` and `port` so that a later call finds the server again.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=../../scripts/lib/postgres.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/postgres.sh"

usage() {
  echo "usage: $0 start|stop|pause|resume STATE_DIR [ENV_FILE]" >&2
  exit 2
}

(($# >= 2)) || usage
command="$1"
state="$2"
env_file="${3:-$state/postgres.env}"

# True if something accepts TCP connections on 127.0.0.1:$1.
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

data_dir() {
  [[ -f "$state/data-dir" ]] && cat "$state/data-dir"
}

stop() {
  local dir
  dir="$(data_dir)" || dir=""
  if [[ -n "$dir" ]]; then
    warden_pg_stop "$dir" || true
    # Only ever delete what start made.
    if [[ "$(basename "$dir")" == warden-pg.* && -d "$dir" ]]; then
      rm -rf "$dir"
    fi
  fi
  rm -f "$state/data-dir" "$state/port" "$env_file"
}

start() {
  local tmp dir port attempt
  stop
  mkdir -p "$state"
  # As root the data must be where the postgres user can go: /tmp, whatever TMPDIR says.
  if ((EUID == 0)); then tmp=/tmp; else tmp="${TMPDIR:-/tmp}"; fi
  dir="$(mktemp -d "$tmp/warden-pg.XXXXXX")"
  echo "$dir" >"$state/data-dir"
  # Ports below Linux's ephemeral range (32768+), so outgoing connections do not take them;
  # another process may still win the race for one, hence the retries.
  for attempt in 1 2 3 4 5 6 7 8; do
    port=$((20000 + RANDOM % 12000))
    port_in_use "$port" && continue
    if warden_pg_start --ephemeral "$dir" "$port" 2>"$state/start.err"; then
      echo "$port" >"$state/port"
      echo "WARDEN_TEST_DATABASE_URL=$(warden_pg_url "$port")" >"$env_file.tmp"
      mv "$env_file.tmp" "$env_file"
      rm -f "$state/start.err"
      echo "PostgreSQL for tests: $(warden_pg_url "$port") (data $dir)"
      return 0
    fi
    echo "attempt $attempt on port $port failed" >&2
  done
  cat "$state/start.err" >&2
  stop
  echo "test_postgres.sh: could not start PostgreSQL" >&2
  return 1
}

case "$command" in
  start) start ;;
  stop) stop ;;
  pause)
    dir="$(data_dir)" || { echo "test_postgres.sh: nothing started in $state" >&2; exit 1; }
    warden_pg_stop "$dir"
    ;;
  resume)
    dir="$(data_dir)" || { echo "test_postgres.sh: nothing started in $state" >&2; exit 1; }
    warden_pg_start --ephemeral "$dir" "$(cat "$state/port")"
    ;;
  *) usage ;;
esac
