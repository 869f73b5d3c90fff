#pragma once

// Helpers for storage race tests: wait until a store call is blocked behind a lock the test
// holds. (A store call is started without waiting for it with CallbackFuture, common/await.h.)

#include <catch2/catch.hpp>
#include <chrono>
#include <pqxx/pqxx>
#include <thread>

namespace warden::storage::testing {

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
