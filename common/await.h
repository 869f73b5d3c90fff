#pragma once

#include <functional>
#include <future>

#include "absl/status/statusor.h"

namespace warden {

// Calls `start(done)` and blocks until `done` is called, returning its result. For
// threads that may block (start-up, background sync, tests) — never a gRPC thread.
template <typename T>
absl::StatusOr<T> Await(
    const std::function<void(std::function<void(absl::StatusOr<T>)>)>& start) {
  auto promise = std::make_shared<std::promise<absl::StatusOr<T>>>();
  std::future<absl::StatusOr<T>> future = promise->get_future();
  start([promise](absl::StatusOr<T> result) { promise->set_value(std::move(result)); });
  return future.get();
}

// The same for callbacks that carry only a status.
inline absl::Status AwaitStatus(const std::function<void(std::function<void(absl::Status)>)>& start) {
  auto promise = std::make_shared<std::promise<absl::Status>>();
  std::future<absl::Status> future = promise->get_future();
  start([promise](absl::Status result) { promise->set_value(std::move(result)); });
  return future.get();
}

}  // namespace warden
