#!/usr/bin/env bash
# The bench smoke test (CTest, label `bench`): runs warden-bench for about a second per
# scenario against a real warden-server (gRPC and HTTP listeners), warden-bench-echo and
# warden-bench-hello on the tests' PostgreSQL, and fails if any call failed. It proves the
# tool works; it asserts no timing.
#
#   bench_smoke.sh WARDEN_SERVER WARDEN_BENCH_ECHO WARDEN_BENCH WARDEN_BENCH_HELLO
# Needs WARDEN_TEST_PG_ENV (the `postgres` fixture's env file).
set -euo pipefail

server="$1" echo_server="$2" bench="$3" hello_server="$4"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=bench_lib.sh
source "$here/bench_lib.sh"
# shellcheck disable=SC1090 # written by the postgres fixture
source "${WARDEN_TEST_PG_ENV:?set by the postgres fixture}"
psql="${WARDEN_PG_BIN:-/usr/lib/postgresql/15/bin}/psql"

work="$(mktemp -d "${TMPDIR:-/tmp}/warden-bench-smoke.XXXXXX")"
database="bench_smoke_$$_$RANDOM"
BENCH_WARDEN_PID=""
BENCH_ECHO_PID=""
BENCH_HELLO_PID=""
cleanup() {
  bench_stop "$BENCH_WARDEN_PID"
  bench_stop "$BENCH_ECHO_PID"
  bench_stop "$BENCH_HELLO_PID"
  "$psql" "$WARDEN_TEST_DATABASE_URL" -X -q -c "DROP DATABASE IF EXISTS $database" \
    >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "bench smoke: $*" >&2
  for log in "$work"/*.log; do
    echo "--- $log" >&2
    tail -n 30 "$log" >&2
  done
  exit 1
}

"$psql" "$WARDEN_TEST_DATABASE_URL" -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE $database"
url="${WARDEN_TEST_DATABASE_URL%/*}/$database"
bench_make_pki "$work/pki"

warden_address="127.0.0.1:$(bench_free_port)"
echo_address="127.0.0.1:$(bench_free_port)"
http_address="127.0.0.1:$(bench_free_port)"
hello_address="127.0.0.1:$(bench_free_port)"
WARDEN_HTTP_LISTEN="$http_address" bench_start_warden "$server" "$work/data" "$url" \
  "$warden_address" "$work/pki/ca.pem" "$work/server.log"
bench_start_echo "$echo_server" "$echo_address" "$work/echo.log"
bench_start_hello "$hello_server" "$hello_address" "$work/hello.log" ||
  fail "warden-bench-hello did not start"
"$bench" wait-serving --target="$warden_address" --timeout=30s >/dev/null ||
  fail "warden-server did not become SERVING"
"$bench" wait-serving --target="$echo_address" --timeout=30s >/dev/null ||
  fail "warden-bench-echo did not become SERVING"

"$bench" run --target="$warden_address" --echo-target="$echo_address" \
  --admin-password-file="$work/data/admin-password" \
  --http-target="$http_address" --hello-target="$hello_address" --http-connections=4 \
  --issuer-cert="$work/pki/issuer.pem" --issuer-key="$work/pki/issuer.key" \
  --scenarios=all --in-flight=8 --duration=1s --warmup=200ms --distinct-tokens=200 \
  --require-no-errors | tee "$work/bench.out" || fail "warden-bench reported failed calls"

# httplib::Client as the HTTP client, briefly (the figures use warden-bench's own).
"$bench" run --hello-target="$hello_address" --scenarios=http-hello@2 --http-client=httplib \
  --duration=300ms --warmup=100ms --require-no-errors | tee -a "$work/bench.out" ||
  fail "warden-bench's httplib client reported failed calls"

# The files scripts/bench hands to h2load: two gRPC frames (a zero flag byte, then the
# length) and the caller's credential.
mkdir -p "$work/h2load"
"$bench" h2load-files --target="$warden_address" \
  --admin-password-file="$work/data/admin-password" --out-dir="$work/h2load" ||
  fail "warden-bench h2load-files failed"
for frame in validate echo; do
  [[ "$(head -c1 "$work/h2load/$frame.grpc" | od -An -tu1 | tr -d ' ')" == 0 &&
    "$(stat -c %s "$work/h2load/$frame.grpc")" -gt 5 ]] || fail "$frame.grpc is not a gRPC frame"
done
grep -q '^Bearer ' "$work/h2load/authorization" || fail "no Bearer credential for h2load"

# Every scenario printed a row.
for scenario in echo validate-cached generate validate-distinct exchange list list-walk \
  validate-local validate-local-cached validate-local-shared http-hello http-validate http-hello-get http-jwks; do
  grep -q "^$scenario " "$work/bench.out" || fail "no row for $scenario"
done
echo "bench smoke: every scenario ran without a failed call"
