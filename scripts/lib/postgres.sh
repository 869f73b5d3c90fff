#!/usr/bin/env bash
# A private PostgreSQL 15 server in one data directory, for scripts/run and the tests.
# It listens on 127.0.0.1 only (TCP; unix sockets are disabled), trusts every local
# connection and has the superuser `postgres`, so its URL is
# postgresql://postgres@127.0.0.1:PORT/DB.
#
# Run directly:
#   postgres.sh start [--ephemeral] DATA_DIR PORT  initdb if DATA_DIR is empty or absent, then
#                    start and return once it accepts connections (a running one is restarted
#                    on PORT). --ephemeral: fsync off, for throwaway test data only.
#   postgres.sh stop DATA_DIR         fast shutdown; returns once it is down. No-op if not running.
#   postgres.sh status DATA_DIR       exit 0 if running, 3 if not.
#   postgres.sh url PORT [DB]         print the URL (DB defaults to postgres).
#   postgres.sh ensure-database PORT NAME   create database NAME if it does not exist.
# or source it and call the warden_pg_* functions of the same names.
#
# As root, initdb/postgres run as the `postgres` user (they refuse root): DATA_DIR is made
# theirs, and its parent must be traversable by them (use /tmp or /var/tmp, not /root).
# The server log is DATA_DIR/postgres.log. WARDEN_PG_BIN overrides the binaries' folder.

WARDEN_PG_BIN="${WARDEN_PG_BIN:-/usr/lib/postgresql/15/bin}"
if [[ ! -x "$WARDEN_PG_BIN/pg_ctl" ]] && command -v pg_ctl >/dev/null 2>&1; then
  WARDEN_PG_BIN="$(dirname "$(command -v pg_ctl)")"
fi

# Runs a PostgreSQL binary as the user that owns the data: `postgres` when we are root.
# From / so that a working directory the postgres user cannot read does not matter.
_warden_pg_as_owner() {
  local bin="$WARDEN_PG_BIN/$1"
  shift
  if ((EUID == 0)); then
    (cd / && runuser -u postgres -- "$bin" "$@")
  else
    (cd / && "$bin" "$@")
  fi
}

_warden_pg_fail() {
  echo "postgres.sh: $*" >&2
  return 1
}

# Creates DATA_DIR if needed and hands it to the postgres user when we are root.
_warden_pg_prepare_dir() {
  local dir="$1"
  mkdir -p "$dir" || return 1
  chmod 700 "$dir" || return 1
  if ((EUID == 0)); then
    if ! runuser -u postgres -- test -x "$(dirname "$dir")"; then
      _warden_pg_fail "the postgres user cannot reach $(dirname "$dir"); put the data under /tmp or /var/tmp"
      return 1
    fi
    if [[ "$(stat -c %U "$dir")" != postgres ]]; then
      if [[ -n "$(ls -A "$dir")" ]]; then
        _warden_pg_fail "$dir is not empty and not owned by the postgres user"
        return 1
      fi
      chown postgres: "$dir" || return 1
    fi
  fi
}

warden_pg_status() {
  local dir="$1"
  [[ -f "$dir/PG_VERSION" ]] || return 3
  _warden_pg_as_owner pg_ctl status -D "$dir" >/dev/null 2>&1 || return 3
}

warden_pg_start() {
  local settings="" dir port
  if [[ "${1:-}" == --ephemeral ]]; then
    settings=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    shift
  fi
  (($# == 2)) || { _warden_pg_fail "usage: start [--ephemeral] DATA_DIR PORT"; return 2; }
  dir="$1"
  port="$2"
  [[ "$dir" == /* ]] || dir="$PWD/$dir"
  [[ "$port" =~ ^[0-9]+$ ]] || { _warden_pg_fail "bad port: $port"; return 2; }
  _warden_pg_prepare_dir "$dir" || return 1
  if [[ ! -f "$dir/PG_VERSION" ]]; then
    local out
    out="$(_warden_pg_as_owner initdb -D "$dir" -U postgres -A trust -E UTF8 --locale=C \
      --no-sync 2>&1)" || {
      echo "$out" >&2
      _warden_pg_fail "initdb failed in $dir"
      return 1
    }
  fi
  if warden_pg_status "$dir"; then
    warden_pg_stop "$dir" || return 1
  fi
  if ! _warden_pg_as_owner pg_ctl start -D "$dir" -l "$dir/postgres.log" -w -t 60 \
    -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=''$settings" \
    >/dev/null; then
    tail -n 20 "$dir/postgres.log" >&2
    _warden_pg_fail "could not start PostgreSQL in $dir on port $port (log: $dir/postgres.log)"
    return 1
  fi
}

warden_pg_stop() {
  local dir="$1"
  [[ -n "$dir" ]] || { _warden_pg_fail "usage: stop DATA_DIR"; return 2; }
  warden_pg_status "$dir" || return 0
  _warden_pg_as_owner pg_ctl stop -D "$dir" -m fast -w -t 60 >/dev/null
}

warden_pg_url() {
  echo "postgresql://postgres@127.0.0.1:$1/${2:-postgres}"
}

warden_pg_ensure_database() {
  local port="$1" name="$2" exists
  [[ "$name" =~ ^[a-z_][a-z0-9_]*$ ]] || { _warden_pg_fail "bad database name: $name"; return 2; }
  exists="$("$WARDEN_PG_BIN/psql" "$(warden_pg_url "$port")" -X -q -t -A -v ON_ERROR_STOP=1 \
    -c "SELECT 1 FROM pg_database WHERE datname = '$name'")" || return 1
  [[ "$exists" == 1 ]] && return 0
  "$WARDEN_PG_BIN/psql" "$(warden_pg_url "$port")" -X -q -v ON_ERROR_STOP=1 \
    -c "CREATE DATABASE $name"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -uo pipefail
  command="${1:-}"
  shift || true
  case "$command" in
    start) warden_pg_start "$@" ;;
    stop) warden_pg_stop "$@" ;;
    status) warden_pg_status "$@" ;;
    url) warden_pg_url "$@" ;;
    ensure-database) warden_pg_ensure_database "$@" ;;
    *)
      echo "usage: $0 start [--ephemeral] DATA_DIR PORT | stop DATA_DIR | status DATA_DIR |" \
        "url PORT [DB] | ensure-database PORT NAME" >&2
      exit 2
      ;;
  esac
fi
