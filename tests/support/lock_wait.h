#pragma once

// Waits until a backend of the database `observer` is connected to waits for a lock: a
// store call (or a server's statement) blocked behind a lock the test holds. Polls
// pg_stat_activity every 10 ms; fails the test after 30 s.

#include <catch2/catch.hpp>
#include <chrono>
#include <pqxx/pqxx>
#include <thread>

namespace warden::testing {

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
  FAIL("nothing ever waited for the test's lock");
}

}  // namespace warden::testing
