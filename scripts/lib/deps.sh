#!/usr/bin/env bash
# Installs what Warden needs to build, run and test, from Debian's apt and npm.
#
# Sourced by scripts/run and scripts/test (then call `warden_install_deps` and, for tests,
# `warden_install_test_tools`) and scripts/fuzz (also `warden_install_fuzz_deps`), or run
# directly: `scripts/lib/deps.sh [test-tools|fuzz]`.
# Idempotent: apt is asked (and `apt-get update` run) only when a package is missing.
# Not root: uses sudo when it exists, otherwise prints the apt command to run and fails.

# The one list of Debian packages. Add new ones here.
WARDEN_APT_PACKAGES=(
  build-essential cmake pkg-config ccache
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev libssl-dev libpqxx-dev libgoogle-glog-dev nlohmann-json3-dev
  catch2 python3-jwt libyaml-cpp-dev
  postgresql-15 postgresql-client-15
  libcurl4-openssl-dev libcpp-httplib-dev
  prometheus-cpp-dev libre2-dev libjemalloc-dev
)

# Prints each of the given Debian packages that is not installed.
warden_not_installed() {
  local pkg
  for pkg in "$@"; do
    if [[ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null)" != installed ]]; then
      echo "$pkg"
    fi
  done
}

# Installs the given packages with apt (as root, or through sudo); nothing if none given.
warden_apt_install() {
  local sudo=()
  if (($# == 0)); then
    return 0
  fi
  if ((EUID != 0)); then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "warden: missing packages: $*" >&2
      echo "warden: as root, run: apt-get update && apt-get install -y $*" >&2
      return 1
    fi
    sudo=(sudo)
  fi
  echo "warden: installing $*" >&2
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
}

# Node and npm may come from elsewhere than Debian (e.g. NodeSource, whose nodejs conflicts
# with Debian's npm), so they are installed from apt only when not already on PATH.
warden_missing_packages() {
  warden_not_installed "${WARDEN_APT_PACKAGES[@]}"
  command -v node >/dev/null 2>&1 || echo nodejs
  command -v npm >/dev/null 2>&1 || echo npm
}

warden_install_deps() {
  local missing
  mapfile -t missing < <(warden_missing_packages)
  warden_apt_install "${missing[@]}"
}

# The fuzz/sanitizer group, apart from the main list because only scripts/fuzz needs it:
# clang (libFuzzer needs it; Debian's gRPC, protobuf and Abseil are built with g++ but link
# fine with clang++ and libstdc++) and compiler-rt, which holds libFuzzer and the ASan and
# UBSan runtimes behind -fsanitize=fuzzer,address,undefined.
WARDEN_FUZZ_APT_PACKAGES=(clang libclang-rt-14-dev)

# Installs what is missing of WARDEN_FUZZ_APT_PACKAGES.
warden_install_fuzz_deps() {
  local missing
  mapfile -t missing < <(warden_not_installed "${WARDEN_FUZZ_APT_PACKAGES[@]}")
  warden_apt_install "${missing[@]}"
}

# Debian packages only scripts/bench needs: h2load (nghttp2-client), the second load
# generator of the ValidateToken figures (issue 19).
WARDEN_BENCH_APT_PACKAGES=(nghttp2-client)

# Installs what is missing of WARDEN_BENCH_APT_PACKAGES.
warden_install_bench_deps() {
  local missing
  mapfile -t missing < <(warden_not_installed "${WARDEN_BENCH_APT_PACKAGES[@]}")
  warden_apt_install "${missing[@]}"
}

# Debian packages only the tests need: clang-format for the format check (CTest
# clang_format) and chromium for the console's browser tests (tests/browser, driven by
# playwright-core from web/package-lock.json).
WARDEN_TEST_APT_PACKAGES=(clang-format chromium)

# The test tools: WARDEN_TEST_APT_PACKAGES, then the npm tools (buf, ...), pinned by
# tests/tools/package-lock.json. Runs `npm ci` unless node_modules is already newer than
# the lock file.
warden_install_test_tools() {
  local tools missing
  mapfile -t missing < <(warden_not_installed "${WARDEN_TEST_APT_PACKAGES[@]}")
  warden_apt_install "${missing[@]}"
  tools="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../tests/tools" && pwd)"
  if [[ -x "$tools/node_modules/.bin/buf" &&
        "$tools/node_modules/.package-lock.json" -nt "$tools/package-lock.json" ]]; then
    return 0
  fi
  echo "warden: npm ci in $tools" >&2
  npm ci --prefix "$tools" --no-audit --no-fund
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  warden_install_deps
  if [[ "${1:-}" == test-tools ]]; then
    warden_install_test_tools
  elif [[ "${1:-}" == fuzz ]]; then
    warden_install_fuzz_deps
  fi
fi
