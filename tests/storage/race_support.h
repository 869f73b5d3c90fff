#pragma once

// Helpers for storage race tests: start a store call without waiting for it, and wait until
// a store call is blocked behind a lock the test holds.

#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <pqxx/pqxx>
#include <thread>

#include "absl/status/status.h"

namespace warden::storage::testing {

// Starts `call` and returns the status its callback will get.
inline std::future<absl::Status> Start(
    std::function<void(std::function<void(absl::Status)>)> call) {
  auto promise = std::make_shared<std::promise<absl::Status>>();
  std::future<absl::Status> future = promise->get_future();
  call([promise](absl::Status status) { promise->set_value(std::move(status)); });
  return future;
}

// Waits until a backend of this database waits for a lock (a store call blocked behind the
// test's open transaction). Polls pg_stat_activity; fails after 30 s.
inline void AwaitLockWait(pqxx::connection& observer) {
  for (int i = 0; i < 3000; ++i) {
    pqxx::nontransaction tx(observer);
    if (tx.exec1("SELECT count(*) FROM pg_stat_activity "
                 "WHERE datname = current_database() AND wait_event_type = 'Lock'")[0]
            .as<int>() > 0) {
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  FAIL("no store call ever waited for the lock");
}

}  // namespace warden::storage::testing
