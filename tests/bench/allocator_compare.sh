#!/usr/bin/env bash
# Compares allocators for warden-server (issue 19): the same binary, built with
# WARDEN_MALLOC=system (glibc), with jemalloc and with tcmalloc_minimal preloaded in turn,
# under warden-bench's validate-cached and generate. For each it prints the rate, the
# server's CPU per call, its resident memory and the share of `perf` samples (cpu-clock,
# 999 Hz, 5 s in the middle of the run) spent in allocation code and in the kernel. On
# shared cores the rates move a lot; the shares much less.
#
#   cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DWARDEN_MALLOC=system
#   cmake --build build-bench --target warden-server warden-bench warden-bench-echo
#   bash tests/bench/allocator_compare.sh build-bench
# Needs perf (linux-perf), libjemalloc2 and libtcmalloc-minimal4.
set -euo pipefail

build="${1:?usage: allocator_compare.sh BUILD_DIR (built with -DWARDEN_MALLOC=system)}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=bench_lib.sh
source "$here/bench_lib.sh"
if ldd "$build/server/warden-server" | grep -q -e jemalloc -e tcmalloc; then
  echo "allocator_compare: $build/server/warden-server links an allocator; build it with -DWARDEN_MALLOC=system" >&2
  exit 2
fi
work="$(mktemp -d /tmp/warden-alloc.XXXXXX)"
chmod 755 "$work"
BENCH_WARDEN_PID=""
BENCH_ECHO_PID=""
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
  bench_stop "$BENCH_WARDEN_PID"
  bench_stop "$BENCH_ECHO_PID"
  bash "$here/../support/test_postgres.sh" stop "$work/pg" "$work/pg.env" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
bash "$here/../support/test_postgres.sh" start "$work/pg" "$work/pg.env" >/dev/null
# shellcheck disable=SC1091 # written just above
source "$work/pg.env"
bench_make_pki "$work/pki"
warden_address="127.0.0.1:$(bench_free_port)"
libs=/usr/lib/x86_64-linux-gnu
declare -A preload=([glibc]="" [jemalloc]="$libs/libjemalloc.so.2"
  [tcmalloc]="$libs/libtcmalloc_minimal.so.4")

printf 'allocator\tscenario\tok QPS\tserver CPU us/call\tVmRSS MB\tallocation %%\tkernel %%\n'
for scenario in validate-cached generate; do
  for allocator in glibc jemalloc tcmalloc; do
    LD_PRELOAD="${preload[$allocator]}" bench_start_warden "$build/server/warden-server" \
      "$work/data" "$WARDEN_TEST_DATABASE_URL" "$warden_address" "$work/pki/ca.pem" \
      "$work/server.log"
    "$build/tests/bench/warden-bench" wait-serving --target="$warden_address" >/dev/null
    "$build/tests/bench/warden-bench" run --target="$warden_address" \
      --admin-password-file="$work/data/admin-password" --server-pid="$BENCH_WARDEN_PID" \
      --duration=8s --warmup=2s --scenarios="$scenario" \
      --results="$work/$allocator-$scenario.tsv" >/dev/null 2>&1 &
    load=$!
    sleep 3
    perf record -q -e cpu-clock -F 999 -p "$BENCH_WARDEN_PID" -o "$work/perf.data" -- sleep 5 \
      >/dev/null 2>&1
    wait "$load"
    perf report -i "$work/perf.data" --stdio --sort dso,sym 2>/dev/null >"$work/report.txt"
    allocation="$(grep -E 'libjemalloc|libtcmalloc|malloc|_int_free|cfree|unlink_chunk|operator new|operator delete|tcache|__lll_lock' \
      "$work/report.txt" | awk '$1 ~ /%$/ { s += $1 } END { printf "%.1f", s }')"
    kernel="$(awk '$1 ~ /%$/ && /\[kernel/ { s += $1 } END { printf "%.1f", s }' "$work/report.txt")"
    awk -F'\t' -v a="$allocator" -v al="$allocation" -v k="$kernel" \
      -v rss="$(bench_memory_mb "$BENCH_WARDEN_PID" VmRSS)" \
      '$1 == "scenario" { printf "%s\t%s\t%.0f\t%.1f\t%s\t%s\t%s\n", a, $2, $7, $13, rss, al, k }' \
      "$work/$allocator-$scenario.tsv"
    bench_stop "$BENCH_WARDEN_PID"
    BENCH_WARDEN_PID=""
  done
done
