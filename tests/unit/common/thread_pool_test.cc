// common/ThreadPool: a fixed set of threads over a bounded queue. Submit waits for room;
// TrySubmit never waits.

#include "common/thread_pool.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

#include "absl/synchronization/notification.h"

namespace warden {
namespace {

TEST_CASE("the pool runs every task and WaitIdle waits for them", "[pool]") {
  ThreadPool pool(3, 2);
  std::atomic<int> ran{0};
  for (int i = 0; i < 100; ++i) REQUIRE(pool.Submit([&] { ran.fetch_add(1); }));
  pool.WaitIdle();
  CHECK(ran.load() == 100);
  pool.Shutdown();
  CHECK_FALSE(pool.Submit([] {}));
}

TEST_CASE("Submit waits while the queue is full", "[pool]") {
  ThreadPool pool(1, 1);
  absl::Notification release, running;
  REQUIRE(pool.Submit([&] {
    running.Notify();
    release.WaitForNotification();
  }));
  running.WaitForNotification();
  REQUIRE(pool.Submit([] {}));  // fills the queue
  std::atomic<bool> third_queued{false};
  std::thread submitter([&] {
    pool.Submit([] {});
    third_queued = true;
  });
  // The submitter cannot get in until the first task ends.
  CHECK_FALSE(third_queued.load());
  release.Notify();
  submitter.join();
  CHECK(third_queued.load());
  pool.WaitIdle();
}

TEST_CASE("Shutdown runs the queued tasks before joining", "[pool]") {
  std::atomic<int> ran{0};
  {
    ThreadPool pool(1, 10);
    for (int i = 0; i < 10; ++i) pool.Submit([&] { ran.fetch_add(1); });
  }
  CHECK(ran.load() == 10);
}

TEST_CASE("TrySubmit refuses at once while the queue is full, and after Shutdown", "[pool]") {
  ThreadPool pool(1, 1);
  absl::Notification release, running;
  REQUIRE(pool.TrySubmit([&] {
                running.Notify();
                release.WaitForNotification();
              })
              .ok());
  running.WaitForNotification();
  REQUIRE(pool.TrySubmit([] {}).ok());  // fills the queue
  std::atomic<bool> ran_refused{false};
  absl::Status refused = pool.TrySubmit([&] { ran_refused = true; });
  CHECK(refused.code() == absl::StatusCode::kResourceExhausted);
  release.Notify();
  pool.WaitIdle();
  CHECK_FALSE(ran_refused.load());  // a refused task is dropped, never run
  pool.Shutdown();
  CHECK(pool.TrySubmit([] {}).code() == absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace warden
