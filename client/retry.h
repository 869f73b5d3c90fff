#pragma once

#include <functional>

#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace warden {

// When and how often a call is retried. Only calls that are safe to repeat (idempotent) are
// retried, and only on UNAVAILABLE: the server was not reached, or said "try again" before
// doing anything. Any other code is an answer and is returned as it is.
struct RetryPolicy {
  // Attempts in total, the first included; 1 disables retries. REQUIRES: >= 1.
  int max_attempts = 4;
  // The wait before the first retry, multiplied by `multiplier` for each further retry and
  // capped at `max_backoff`.
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(2);
  double multiplier = 2.0;
  // Each wait is scaled by a random factor in [1 - jitter, 1 + jitter), so that clients
  // that failed together do not retry together. REQUIRES: 0 <= jitter < 1.
  double jitter = 0.2;
};

// The wait before retry number `retry` (1 = the first retry), given `unit_random` drawn
// uniformly from [0, 1). Pure; never negative.
absl::Duration BackoffDelay(const RetryPolicy& policy, int retry, double unit_random);

// Whether a call that failed with `code` may be tried again.
bool IsRetryable(absl::StatusCode code, bool idempotent);

// Time, sleep and randomness for retries. Tests inject a fake that records the waits
// instead of sleeping. Implementations are thread-safe.
class RetryEnvironment {
 public:
  virtual ~RetryEnvironment() = default;
  virtual absl::Time Now() = 0;
  virtual void Sleep(absl::Duration duration) = 0;
  // Uniform in [0, 1).
  virtual double UnitRandom() = 0;
};

// Wall-clock time, real sleeps and a process-wide random generator. Never destroyed.
class RealRetryEnvironment final : public RetryEnvironment {
 public:
  static RetryEnvironment& Get();
  absl::Time Now() override { return absl::Now(); }
  void Sleep(absl::Duration duration) override { absl::SleepFor(duration); }
  double UnitRandom() override;

 private:
  absl::Mutex mu_;
  absl::BitGen bitgen_ ABSL_GUARDED_BY(mu_);
};

// Runs `attempt` until it succeeds, fails with a code `IsRetryable` rejects, `policy`'s
// attempts run out, or the next wait would end at or after `deadline`; returns the last
// attempt's status. `attempt` performs one call (with `deadline` as its gRPC deadline).
absl::Status RunWithRetry(const RetryPolicy& policy, bool idempotent, absl::Time deadline,
                          RetryEnvironment& environment,
                          const std::function<absl::Status()>& attempt);

}  // namespace warden
