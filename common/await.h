#pragma once

#include <future>
#include <memory>
#include <utility>

namespace warden {

// The one way to wait for a completion callback. `Result` is the type the callback takes
// (absl::Status, absl::StatusOr<T>, grpc::Status, ...); `start` receives the callback and
// must arrange for it to be called exactly once, on any thread, possibly inline. The
// callback owns what it needs, so it may also be called after its future is gone.

// Calls `start(done)` and returns the future of what `done` will receive: for callers that
// start several calls before waiting for any (tests that race them).
template <typename Result, typename Start>
std::future<Result> CallbackFuture(Start&& start) {
  auto promise = std::make_shared<std::promise<Result>>();
  std::future<Result> future = promise->get_future();
  std::forward<Start>(start)([promise](Result result) { promise->set_value(std::move(result)); });
  return future;
}

// Calls `start(done)` and blocks until `done` has been called, returning what it received:
//   absl::StatusOr<Role> role =
//       Await<absl::StatusOr<Role>>([&](auto done) { store.GetRole(name, done); });
// For threads that may block (start-up, background jobs, tests): never a gRPC thread, and
// never a thread of the pool that would call `done`.
template <typename Result, typename Start>
Result Await(Start&& start) {
  return CallbackFuture<Result>(std::forward<Start>(start)).get();
}

}  // namespace warden
