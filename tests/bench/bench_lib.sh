#!/usr/bin/env bash
# shellcheck disable=SC2034 # the BENCH_* variables are read by the scripts that source this
# Shell helpers shared by scripts/bench and the bench smoke test (tests/bench/bench_smoke.sh):
# a throwaway PKI for the exchange scenario's issuer, free ports, starting and stopping
# warden-server, warden-bench-echo and warden-bench-hello, and reading a process's memory.
# Source it.

# True if something accepts TCP connections on 127.0.0.1:$1.
bench_port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Prints a port on 127.0.0.1 that nothing listens on, below Linux's ephemeral range.
bench_free_port() {
  local port
  while true; do
    port=$((20000 + RANDOM % 12000))
    bench_port_in_use "$port" || { echo "$port"; return 0; }
  done
}

# Makes DIR/ca.pem and a certificate for 127.0.0.1 signed by it (DIR/issuer.pem, .key).
bench_make_pki() {
  local dir="$1"
  mkdir -p "$dir"
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n' \
    >"$dir/issuer.ext"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" -subj /CN=Warden-Bench-CA >/dev/null 2>&1
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$dir/issuer.key" -out "$dir/issuer.csr" -subj /CN=127.0.0.1 >/dev/null 2>&1
  openssl x509 -req -in "$dir/issuer.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
    -CAcreateserial -days 1 -out "$dir/issuer.pem" -extfile "$dir/issuer.ext" >/dev/null 2>&1
}

# bench_start_warden BINARY DATA_DIR DATABASE_URL LISTEN CA_FILE LOG
# Starts warden-server in the background with a dev key and admin password in DATA_DIR.
# Sets BENCH_WARDEN_PID, and BENCH_WARDEN_EXEC_NS to the instant just before the exec.
# The abuse limits on GenerateToken (per-identity rate, live tokens per creator) are off:
# the bench mints thousands of tokens per second as one identity. Private issuers are
# allowed: the bench's issuer listens on 127.0.0.1. The retention is ten years: the listing
# figures are taken over load_tokens.sql's table, half of it expired up to a year ago, which
# the default 720h would delete behind the bench's back (the churn bench measures deletion).
# Other settings are the defaults unless the caller's environment sets them.
bench_start_warden() {
  local binary="$1" data_dir="$2" url="$3" listen="$4" ca_file="$5" log="$6"
  mkdir -p "$data_dir"
  chmod 700 "$data_dir"
  BENCH_WARDEN_EXEC_NS="$(date +%s%N)"
  WARDEN_DATABASE_URL="$url" WARDEN_LISTEN="$listen" WARDEN_DATA_DIR="$data_dir" \
    WARDEN_M2M_CA_FILE="$ca_file" WARDEN_M2M_ALLOW_PRIVATE_ISSUERS=true \
    WARDEN_GENERATE_RATE_LIMIT=0 WARDEN_TOKEN_RETENTION="${WARDEN_TOKEN_RETENTION:-87600h}" \
    WARDEN_MAX_LIVE_TOKENS_PER_CREATOR=0 "$binary" </dev/null >>"$log" 2>&1 &
  BENCH_WARDEN_PID=$!
}

# bench_start_echo BINARY LISTEN LOG: sets BENCH_ECHO_PID.
bench_start_echo() {
  "$1" --listen="$2" </dev/null >>"$3" 2>&1 &
  BENCH_ECHO_PID=$!
}

# bench_start_hello BINARY LISTEN LOG: starts warden-bench-hello and waits (up to 10 s) until
# it accepts connections. Sets BENCH_HELLO_PID.
bench_start_hello() {
  "$1" --listen="$2" </dev/null >>"$3" 2>&1 &
  BENCH_HELLO_PID=$!
  for _ in $(seq 100); do
    bench_port_in_use "${2##*:}" && return 0
    sleep 0.1
  done
  echo "warden-bench-hello did not listen on $2" >&2
  return 1
}

# SIGTERM, then SIGKILL after 15 s; returns once PID is gone. No-op for an empty PID.
bench_stop() {
  local pid="$1"
  [[ -n "$pid" ]] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 150); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# A line of /proc/PID/status in MB: bench_memory_mb PID VmRSS|VmHWM.
bench_memory_mb() {
  awk -v key="$2:" '$1 == key { printf "%.1f", $2 / 1024 }' "/proc/$1/status"
}

# bench_metric PORT NAME: an unlabelled metric's value from warden-server's /metrics on
# 127.0.0.1:PORT (WARDEN_METRICS_LISTEN), as an integer; empty if it is not there.
bench_metric() {
  local reply
  reply="$(exec 3<>"/dev/tcp/127.0.0.1/$1" &&
    printf 'GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3 && cat <&3)" || return 0
  awk -v name="$2" '$1 == name { printf "%.0f", $2 }' <<<"$reply"
}
