#include "notifier/stop_signal.h"

namespace warden::notifier {

void StopSignal::Stop() {
  absl::MutexLock lock(&mu_);
  stopped_ = true;
}

bool StopSignal::stopped() const {
  absl::MutexLock lock(&mu_);
  return stopped_;
}

bool StopSignal::WaitForStop(absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  mu_.AwaitWithTimeout(absl::Condition(&stopped_), timeout);
  return stopped_;
}

}  // namespace warden::notifier
