#pragma once

// The cost of Warden's own ES256 code paths in this process, without gRPC: how many
// signatures SigningKey::Sign makes, how many SigningKey::Verify checks and how many whole
// tokens jose::VerifyJwt accepts per second, on 1 thread and on every core. Set beside
// `openssl speed ecdsap256`, it shows what Warden's use of OpenSSL adds to the raw
// algorithm.

#include <functional>
#include <string>

#include "absl/time/time.h"

namespace warden::bench {

struct Rates {
  double per_second = 0;      // successful calls per second of wall time, all threads
  double per_cpu_second = 0;  // per second of CPU time the threads got, as openssl speed counts
};

// Calls `op` on `threads` threads for `seconds`, counting the calls that return true.
Rates MeasureRate(const std::function<bool()>& op, int threads, absl::Duration seconds);

// Runs each operation for `seconds` on 1 thread, then on `threads` (0: every core), and
// reports calls per second of wall time and per second of the CPU time the threads got
// (what `openssl speed` reports, steady while other work shares the cores). Prints a table;
// appends rows "crypto <op> <threads> <per second> <per CPU second>" (TSV) to `results`
// unless it is empty.
int RunCryptoBench(absl::Duration seconds, int threads, const std::string& results);

}  // namespace warden::bench
