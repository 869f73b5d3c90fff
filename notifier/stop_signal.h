#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace warden::notifier {

// A one-way "stop now" flag that waits can be woken by. Held by shared_ptr: a callback that
// arrives after its waiter gave up (see AwaitUnlessStopped) still finds it alive.
// Thread-safe.
class StopSignal final {
 public:
  // Sets the flag and wakes every wait. Idempotent.
  void Stop();
  bool stopped() const;
  // Waits up to `timeout` for Stop(); true if stopped.
  bool WaitForStop(absl::Duration timeout);

  // Calls `start(done)` and waits until `done` has been called, or until Stop() and then at
  // most `grace` more, whichever comes first. Returns done's value, or nullopt if it gave up;
  // a `done` called later is then dropped. `done` may be called on any thread, once.
  template <typename T>
  static std::optional<T> AwaitUnlessStopped(
      const std::shared_ptr<StopSignal>& signal,
      const std::function<void(std::function<void(T)>)>& start,
      absl::Duration grace = absl::ZeroDuration());

 private:
  mutable absl::Mutex mu_;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
};

template <typename T>
std::optional<T> StopSignal::AwaitUnlessStopped(
    const std::shared_ptr<StopSignal>& signal,
    const std::function<void(std::function<void(T)>)>& start, absl::Duration grace) {
  // Guarded by signal->mu_; shared with `done`, which may outlive this call.
  auto slot = std::make_shared<std::optional<T>>();
  start([signal, slot](T value) {
    absl::MutexLock lock(&signal->mu_);
    *slot = std::move(value);
  });
  absl::MutexLock lock(&signal->mu_);
  const auto done_or_stopped = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(signal->mu_) {
    return slot->has_value() || signal->stopped_;
  };
  signal->mu_.Await(absl::Condition(&done_or_stopped));
  if (!slot->has_value() && grace > absl::ZeroDuration()) {
    const auto done = [&]()
                          ABSL_EXCLUSIVE_LOCKS_REQUIRED(signal->mu_) { return slot->has_value(); };
    signal->mu_.AwaitWithTimeout(absl::Condition(&done), grace);
  }
  return std::move(*slot);
}

}  // namespace warden::notifier
