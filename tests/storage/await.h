#pragma once

#include <chrono>
#include <future>
#include <memory>
#include <stdexcept>
#include <utility>

namespace warden::storage::testing {

// Starts an asynchronous call and waits for its callback: `start` receives a `done`
// callable taking T and must arrange for it to be called exactly once, on any thread.
//   auto token = Await<absl::StatusOr<TokenMetadata>>([&](auto done) { store.Get(id, done); });
// Throws (failing the test case) if the callback does not come within `timeout`, instead of
// hanging the test run.
template <typename T, typename Start>
T Await(Start&& start, std::chrono::seconds timeout = std::chrono::seconds(30)) {
  auto promise = std::make_shared<std::promise<T>>();
  std::future<T> future = promise->get_future();
  std::forward<Start>(start)([promise](T value) { promise->set_value(std::move(value)); });
  if (future.wait_for(timeout) != std::future_status::ready) {
    throw std::runtime_error("callback not called in time");
  }
  return future.get();
}

}  // namespace warden::storage::testing
