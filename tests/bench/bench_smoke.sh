#!/usr/bin/env bash
# The bench smoke test (CTest, label `bench`): runs warden-bench for about a second per
# scenario against a real warden-server and warden-bench-echo on the tests' PostgreSQL, and
# fails if any call failed. It proves the tool works; it asserts no timing.
#
#   bench_smoke.sh WARDEN_SERVER WARDEN_BENCH_ECHO WARDEN_BENCH
# Needs WARDEN_TEST_PG_ENV (the `postgres` fixture's env file).
set -euo pipefail

server="$1" echo_server="$2" bench="$3"
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
cleanup() {
  bench_stop "$BENCH_WARDEN_PID"
  bench_stop "$BENCH_ECHO_PID"
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
bench_start_warden "$server" "$work/data" "$url" "$warden_address" "$work/pki/ca.pem" \
  "$work/server.log"
bench_start_echo "$echo_server" "$echo_address" "$work/echo.log"
"$bench" wait-serving --target="$warden_address" --timeout=30s >/dev/null ||
  fail "warden-server did not become SERVING"
"$bench" wait-serving --target="$echo_address" --timeout=30s >/dev/null ||
  fail "warden-bench-echo did not become SERVING"

"$bench" run --target="$warden_address" --echo-target="$echo_address" \
  --admin-password-file="$work/data/admin-password" \
  --issuer-cert="$work/pki/issuer.pem" --issuer-key="$work/pki/issuer.key" \
  --scenarios=all --in-flight=8 --duration=1s --warmup=200ms --distinct-tokens=200 \
  --require-no-errors | tee "$work/bench.out" || fail "warden-bench reported failed calls"

# Every scenario printed a row.
for scenario in echo validate-cached generate validate-distinct exchange list list-walk \
  validate-local validate-local-cached; do
  grep -q "^$scenario " "$work/bench.out" || fail "no row for $scenario"
done
echo "bench smoke: every scenario ran without a failed call"
