#pragma once

// What recording last use (WARDEN_TRACK_LAST_USED) costs validation itself, without gRPC or
// the network: the server's TokenValidator, with its cache, validating on every core with the
// UsageRecorder listening (as warden-server wires it) and without. End to end, the same
// comparison is lost in the noise of shared cores; in process it is not.

#include <string>

#include "absl/time/time.h"

namespace warden::bench {

// Validates one token again and again (the cache path), then 10,000 tokens in turn with a
// cache of 1,000 (the signature path), each with recording on and off, in the order on, off,
// off, on, on, off (so that a drift of the machine's speed cancels out), `seconds` each on
// `threads` threads (0: every core). Prints the median rates and their ratio; appends rows
// "last-use <path> <on|off> <median per second> <median per CPU second>" (TSV) to `results`
// unless it is empty.
int RunLastUseBench(absl::Duration seconds, int threads, const std::string& results);

}  // namespace warden::bench
