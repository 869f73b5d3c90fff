# shellcheck shell=bash
# Run-time options of the sanitizer test runs (docs/sanitizers.md). Sourced by scripts/test.
#
#   warden_sanitizer_env KIND REPORTS    exports the *SAN_OPTIONS for KIND (`address` for the
#                                        ASan+UBSan build, `thread` for TSan); every report is
#                                        written to a file REPORTS/<tool>.<program>.<pid>
#   warden_sanitizer_reports REPORTS     prints those files; false if there is any
#
# Why files: the variables are inherited by every process a test starts, above all the
# warden-server the end-to-end tests run. The server's stderr goes to a log in its data
# directory, which the test deletes, and a server that dies at exit (a leak, a report in a
# destructor) can still have served every call the test checked. A report file outlives both,
# so scripts/test fails on any report from any process, whatever its test said.

# A report makes the process exit with this code (not 1, so it stands out in a test's output).
WARDEN_SANITIZER_EXITCODE=86

warden_sanitizer_env() {
  local kind="$1" reports="$2" here
  here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  mkdir -p "$reports"
  # Common to every tool: where reports go, with the program's name in the file name.
  local common="log_path=$reports/report:log_exe_name=1:exitcode=$WARDEN_SANITIZER_EXITCODE"
  case "$kind" in
    address)
      # detect_leaks: LeakSanitizer stays on, with the leaks of Debian's libraries suppressed
      #   one by one in lsan.supp (see docs/sanitizers.md, "LeakSanitizer").
      # check_initialization_order / strict_string_checks / detect_stack_use_after_return:
      #   checks that are off by default and cost little here.
      export ASAN_OPTIONS="$common:detect_leaks=1:check_initialization_order=1:strict_init_order=1:strict_string_checks=1:detect_stack_use_after_return=1"
      export LSAN_OPTIONS="suppressions=$here/lsan.supp:print_suppressions=0"
      # UBSan has its own copy of these options; print_stacktrace is off by default.
      export UBSAN_OPTIONS="$common:print_stacktrace=1:halt_on_error=1:suppressions=$here/ubsan.supp"
      ;;
    thread)
      # ignore_noninstrumented_modules: TSan sees memory only where Warden's code (and the
      #   inline gRPC, protobuf and Abseil header code compiled into it) touches it, plus
      #   whatever libc functions (malloc, free, memcpy) it intercepts. Called from Debian's
      #   uninstrumented gRPC, Abseil or glibc, those intercepted accesses come without the
      #   atomics and locks that order them, so every call arena gRPC recycles, every
      #   absl::Status it unrefs, glibc's tzset under glog looks like a race. This option
      #   drops the accesses made from uninstrumented libraries; races in the code we build
      #   are still reported (docs/sanitizers.md shows one planted in the server being caught).
      # second_deadlock_stack: both stacks of a lock-order inversion.
      export TSAN_OPTIONS="$common:ignore_noninstrumented_modules=1:second_deadlock_stack=1:suppressions=$here/tsan.supp"
      ;;
    *)
      echo "warden_sanitizer_env: unknown kind $kind" >&2
      return 2
      ;;
  esac
}

warden_sanitizer_reports() {
  local reports="$1" report count=0
  for report in "$reports"/report.*; do
    [[ -f "$report" ]] || continue
    ((count == 0)) && echo "warden: sanitizer reports (docs/sanitizers.md):" >&2
    count=$((count + 1))
    echo "===== $(basename "$report")" >&2
    cat "$report" >&2
  done
  ((count == 0)) || echo "warden: $count sanitizer report(s) in $reports" >&2
  ((count == 0))
}
