#pragma once

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace warden {

// The source of "now" for every decision that depends on time (expiry, leeway, listing
// filters). Injected everywhere so that tests move time instead of sleeping.
// Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

// Wall-clock time. A process-wide instance; never destroyed.
class RealClock final : public Clock {
 public:
  static Clock& Get();
  absl::Time Now() const override { return absl::Now(); }
};

}  // namespace warden
