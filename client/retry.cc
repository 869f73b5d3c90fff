#include "client/retry.h"

#include <algorithm>
#include <cmath>

namespace warden {

absl::Duration BackoffDelay(const RetryPolicy& policy, int retry, double unit_random) {
  absl::Duration base = policy.initial_backoff;
  for (int i = 1; i < retry && base < policy.max_backoff; ++i) base *= policy.multiplier;
  base = std::min(base, policy.max_backoff);
  double factor = 1.0 - policy.jitter + 2.0 * policy.jitter * std::clamp(unit_random, 0.0, 1.0);
  return std::max(base * factor, absl::ZeroDuration());
}

bool IsRetryable(absl::StatusCode code, bool idempotent) {
  return idempotent && code == absl::StatusCode::kUnavailable;
}

RetryEnvironment& RealRetryEnvironment::Get() {
  static RealRetryEnvironment* const environment = new RealRetryEnvironment();
  return *environment;
}

double RealRetryEnvironment::UnitRandom() {
  absl::MutexLock lock(&mu_);
  return absl::Uniform(bitgen_, 0.0, 1.0);
}

absl::Status RunWithRetry(const RetryPolicy& policy, bool idempotent, absl::Time deadline,
                          RetryEnvironment& environment,
                          const std::function<absl::Status()>& attempt) {
  for (int attempts = 1;; ++attempts) {
    absl::Status status = attempt();
    if (status.ok() || !IsRetryable(status.code(), idempotent)) return status;
    if (attempts >= policy.max_attempts) return status;
    absl::Duration wait = BackoffDelay(policy, attempts, environment.UnitRandom());
    if (environment.Now() + wait >= deadline) return status;
    environment.Sleep(wait);
  }
}

}  // namespace warden
