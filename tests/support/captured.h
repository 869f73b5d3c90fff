#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace warden::testing {

// Catches what an asynchronous call answers (`Result`: absl::Status or absl::StatusOr<T>),
// and how often it answers, so that a test can check both the answer and the "exactly
// once" of the callback contract. Thread-safe; the callback may outlive this object.
template <typename Result>
class Captured {
 public:
  // The `done` to hand to the call under test.
  std::function<void(Result)> Callback() const {
    return [state = state_](Result result) {
      absl::MutexLock lock(&state->mu);
      ++state->calls;
      state->result = std::move(result);
    };
  }

  int calls() const {
    absl::MutexLock lock(&state_->mu);
    return state_->calls;
  }
  // The last answer; REQUIRES: calls() >= 1.
  Result value() const {
    absl::MutexLock lock(&state_->mu);
    return *state_->result;
  }
  // Blocks until the first answer (from any thread), then returns it. For calls that answer
  // on a worker thread; the fakes answer at once, so nothing here waits for time to pass.
  Result Wait() const {
    absl::MutexLock lock(&state_->mu);
    state_->mu.Await(absl::Condition(
        +[](State* state) { return state->calls > 0; }, state_.get()));
    return *state_->result;
  }

 private:
  struct State {
    absl::Mutex mu;
    int calls ABSL_GUARDED_BY(mu) = 0;
    std::optional<Result> result ABSL_GUARDED_BY(mu);
  };
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

}  // namespace warden::testing
