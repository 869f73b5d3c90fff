#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace warden::notifier {

// One token a notifying run found: not revoked, not expired, expiring within the window.
struct ExpiringTokenNotice {
  std::string token_id;
  std::string token_name;  // as stored: untrusted user input, any bytes
  absl::Time expires_at;
  int64_t slices_left = 0;  // remaining time in whole slices, rounded up (>= 1)
  std::string message;      // ExpiryMessage(): the name already escaped for a log line
};

// A page of notices, in expiry order. Pages of one run never overlap.
struct ExpiringTokenBatch {
  absl::Time run_at;       // the `now` of the run, from which the remaining time counts
  std::string slice_name;  // "day": what slices_left counts
  std::vector<ExpiringTokenNotice> tokens;
};

// How a notifying run ended, for the sinks that report per run.
struct RunSummary {
  absl::Time run_at;
  absl::Duration window;
  int64_t tokens = 0;     // notices emitted in this run
  bool complete = false;  // false: stopped or failed mid-scan (the claim is given back)
};

// Where a notifying run's notices go: the log, the JSON log, a webhook.
//
// Calls for one run: BeginRun, then Emit once per page, then EndRun. BeginRun happens before
// every Emit of its run, and every Emit of a run returns before EndRun is called. Emit may be
// called concurrently, from the notifier's pool threads, with different batches; BeginRun
// and EndRun come from the thread running the run. Runs never overlap.
// Shutdown may come at any time from any thread; afterwards a sink should return promptly
// from every call (dropping work). Implementations report their own failures (a log line):
// a failing sink never stops the run or the other sinks.
class ExpirationSink {
 public:
  virtual ~ExpirationSink() = default;

  virtual void BeginRun(absl::Time run_at) {}
  virtual void Emit(const ExpiringTokenBatch& batch) = 0;
  virtual void EndRun(const RunSummary& summary) {}
  // Aborts in-flight work (a webhook POST, a retry's wait) so that the server stops fast.
  virtual void Shutdown() {}
};

}  // namespace warden::notifier
