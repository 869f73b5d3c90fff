#pragma once

// The in-process counterpart of RunLoad, for validation that makes no call per token
// (warden::LocalValidator): `threads` threads call a function back to back, after a
// warm-up, and the same LoadResult comes out (rate, exact latencies, failures by code, CPU).

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "tests/bench/load_result.h"

namespace warden::bench {

// Calls `validate` with `tokens` in turn (shared across threads, in order) on `threads`
// threads for `warmup` + `duration`. `validate` must be thread-safe.
// REQUIRES: !tokens.empty(), threads >= 1.
LoadResult RunInProcess(const std::function<absl::Status(const std::string&)>& validate,
                        const std::vector<std::string>& tokens, int threads, absl::Duration warmup,
                        absl::Duration duration, int server_pid);

}  // namespace warden::bench
