#include "storage/pg/executor.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/await.h"
#include "tests/support/free_port.h"
#include "tests/support/test_database.h"

namespace warden::storage::testing {
namespace {

using absl::StatusCode;

DatabaseOptions OptionsFor(const std::string& url, int pool_size = 2) {
  DatabaseOptions options;
  options.url = url;
  options.pool_size = pool_size;
  return options;
}

absl::Status RunSql(StorageExecutor& executor, const std::string& sql) {
  return Await<absl::Status>([&](auto done) {
    executor.Run(
        [sql](pqxx::connection_base& conn) {
          pqxx::work tx(conn);
          tx.exec(sql);
          tx.commit();
          return absl::OkStatus();
        },
        done);
  });
}

// Runs the prepared statement `name` with one int parameter; its one int result.
absl::StatusOr<int> RunPrepared(StorageExecutor& executor, const std::string& name, int arg) {
  return Await<absl::StatusOr<int>>([&](auto done) {
    executor.Run<int>(
        [name, arg](pqxx::connection_base& conn) -> absl::StatusOr<int> {
          pqxx::nontransaction tx(conn);
          return tx.exec_prepared1(name, arg)[0].as<int>();
        },
        done);
  });
}

// Raises SQLSTATE `state` from the server, with a DETAIL holding a would-be secret.
std::string Raise(const std::string& state) {
  return absl::StrCat("DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = '", state,
                      "', MESSAGE = 'raised', DETAIL = 'Key (x)=(s3cret)'; END $$");
}

TEST_CASE("the executor runs typed work and pings", "[executor]") {
  warden::testing::TestDatabase db;
  StorageExecutor executor(OptionsFor(db.url()));
  CHECK(executor.Ping().ok());
  absl::StatusOr<int> answer = Await<absl::StatusOr<int>>([&](auto done) {
    executor.Run<int>(
        [](pqxx::connection_base& conn) -> absl::StatusOr<int> {
          pqxx::nontransaction tx(conn);
          return tx.exec1("SELECT 6 * 7")[0].as<int>();
        },
        done);
  });
  REQUIRE(answer.ok());
  CHECK(*answer == 42);
}

TEST_CASE("database errors map to status codes without DETAIL", "[executor]") {
  warden::testing::TestDatabase db;
  StorageExecutor executor(OptionsFor(db.url()));
  const std::vector<std::pair<std::string, StatusCode>> cases = {
      {"23505", StatusCode::kAlreadyExists},
      {"23503", StatusCode::kFailedPrecondition},
      {"23514", StatusCode::kFailedPrecondition},
      {"22P02", StatusCode::kInvalidArgument},
      {"57P01", StatusCode::kUnavailable},
      {"08006", StatusCode::kUnavailable},
      {"53300", StatusCode::kUnavailable},
      {"42P01", StatusCode::kInternal},
      {"40001", StatusCode::kAborted},
      {"40P01", StatusCode::kAborted},
  };
  for (const auto& [state, code] : cases) {
    INFO(state);
    const absl::Status status = RunSql(executor, Raise(state));
    CHECK(status.code() == code);
    CHECK_FALSE(absl::StrContains(status.message(), "s3cret"));
  }
  const absl::Status bad_uuid = RunSql(executor, "SELECT 's3cret'::uuid");
  CHECK(bad_uuid.code() == StatusCode::kInvalidArgument);
  CHECK_FALSE(absl::StrContains(bad_uuid.message(), "s3cret"));
  CHECK(absl::StartsWith(RunSql(executor, Raise("08006")).message(), "database unavailable: "));
}

TEST_CASE("serialization failures are retried", "[executor]") {
  warden::testing::TestDatabase db;
  StorageExecutor executor(OptionsFor(db.url(), 1));
  auto run_failing = [&](int failures, std::atomic<int>& attempts) {
    return Await<absl::Status>([&](auto done) {
      executor.Run(
          [&attempts, failures](pqxx::connection_base& conn) {
            pqxx::work tx(conn);
            if (attempts++ < failures) tx.exec(Raise("40001"));
            tx.commit();
            return absl::OkStatus();
          },
          done);
    });
  };
  std::atomic<int> attempts = 0;
  CHECK(run_failing(2, attempts).ok());
  CHECK(attempts == 3);

  attempts = 0;
  CHECK(run_failing(100, attempts).code() == StatusCode::kAborted);
  CHECK(attempts == 1 + StorageExecutor::kMaxRetries);
}

TEST_CASE("a lost connection is replaced for the next task", "[executor]") {
  warden::testing::TestDatabase db;
  StorageExecutor executor(OptionsFor(db.url(), 1));
  REQUIRE(executor.Ping().ok());
  const absl::Status killed = RunSql(executor, "SELECT pg_terminate_backend(pg_backend_pid())");
  CHECK(killed.code() == StatusCode::kUnavailable);
  CHECK(executor.Ping().ok());
}

TEST_CASE("statements time out server-side", "[executor]") {
  warden::testing::TestDatabase db;
  DatabaseOptions options = OptionsFor(db.url(), 1);
  options.statement_timeout = absl::Milliseconds(200);
  StorageExecutor executor(options);
  CHECK(RunSql(executor, "SELECT pg_sleep(30)").code() == StatusCode::kDeadlineExceeded);
  CHECK(executor.Ping().ok());
}

TEST_CASE("prepared statements registered late reach open connections", "[executor]") {
  warden::testing::TestDatabase db;
  StorageExecutor executor(OptionsFor(db.url(), 1));
  REQUIRE(executor.Ping().ok());  // the connection is open now
  executor.Prepare("late", "SELECT $1::int + 1");
  absl::StatusOr<int> two = RunPrepared(executor, "late", 1);
  REQUIRE(two.ok());
  CHECK(*two == 2);
}

TEST_CASE("a statement registered again with the same SQL is prepared once", "[executor]") {
  warden::testing::TestDatabase db;
  StorageExecutor executor(OptionsFor(db.url(), 1));
  executor.Prepare("shared", "SELECT $1::int * 2");
  REQUIRE(executor.Ping().ok());  // the connection is open, the statement registered with it
  executor.Prepare("shared", "SELECT $1::int * 2");
  absl::StatusOr<int> four = RunPrepared(executor, "shared", 2);
  REQUIRE(four.ok());
  CHECK(*four == 4);
}

TEST_CASE("an unreachable database fails every task fast with UNAVAILABLE", "[executor]") {
  const std::string url =
      absl::StrCat("postgresql://postgres@127.0.0.1:", warden::testing::FreeTcpPort(), "/postgres");
  StorageExecutor executor(OptionsFor(url, 2));
  const absl::Status ping = executor.Ping();
  CHECK(ping.code() == StatusCode::kUnavailable);
  CHECK(absl::StartsWith(ping.message(), "database unavailable: "));

  std::vector<std::future<absl::Status>> results;
  std::atomic<int> ran = 0;
  std::vector<std::shared_ptr<std::promise<absl::Status>>> promises;
  for (int i = 0; i < 50; ++i) {
    auto promise = std::make_shared<std::promise<absl::Status>>();
    results.push_back(promise->get_future());
    executor.Run(
        [&ran](pqxx::connection_base&) {
          ++ran;
          return absl::OkStatus();
        },
        [promise](absl::Status s) { promise->set_value(std::move(s)); });
  }
  for (auto& result : results) {
    REQUIRE(result.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
    CHECK(result.get().code() == StatusCode::kUnavailable);
  }
  CHECK(ran == 0);
}

TEST_CASE("Shutdown finishes queued work and then refuses new work inline", "[executor]") {
  warden::testing::TestDatabase db;
  StorageExecutor executor(OptionsFor(db.url(), 2));
  std::atomic<int> finished = 0;
  for (int i = 0; i < 40; ++i) {
    executor.Run(
        [](pqxx::connection_base& conn) {
          pqxx::nontransaction tx(conn);
          tx.exec("SELECT pg_sleep(0.001)");
          return absl::OkStatus();
        },
        [&finished](absl::Status s) {
          if (s.ok()) ++finished;
        });
  }
  executor.Shutdown();
  CHECK(finished == 40);

  bool called = false;
  executor.Run([](pqxx::connection_base&) { return absl::OkStatus(); },
               [&called](absl::Status s) {
                 called = true;
                 CHECK(s.code() == StatusCode::kUnavailable);
               });
  CHECK(called);
  executor.Shutdown();  // idempotent
}

TEST_CASE("Stats counts busy connections and queued tasks", "[executor]") {
  warden::testing::TestDatabase db;
  StorageExecutor executor(OptionsFor(db.url(), 1));
  CHECK(executor.Stats().in_use == 0);
  std::promise<void> started;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  executor.Run(
      [&started, released](pqxx::connection_base&) {
        started.set_value();
        released.wait();
        return absl::OkStatus();
      },
      [](absl::Status) {});
  started.get_future().wait();
  std::promise<void> all_done;
  std::atomic<int> remaining = 2;
  for (int i = 0; i < 2; ++i) {
    executor.Run([](pqxx::connection_base&) { return absl::OkStatus(); },
                 [&](absl::Status) {
                   if (--remaining == 0) all_done.set_value();
                 });
  }
  StorageExecutor::PoolStats busy = executor.Stats();
  CHECK(busy.size == 1);
  CHECK(busy.in_use == 1);
  CHECK(busy.waiting == 2);
  release.set_value();
  all_done.get_future().wait();
  StorageExecutor::PoolStats idle = executor.Stats();
  CHECK(idle.in_use == 0);
  CHECK(idle.waiting == 0);
}

}  // namespace
}  // namespace warden::storage::testing
