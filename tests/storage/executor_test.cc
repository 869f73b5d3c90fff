#include "storage/pg/executor.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <future>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/await.h"
#include "common/call_scope.h"
#include "common/clock.h"
#include "tests/support/fake_clock.h"
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

// Holds one of the executor's threads with a task of its own until Release() (or its
// destruction), so that what a test runs next waits in the queue. Returns once the task runs.
class PoolBlocker {
 public:
  explicit PoolBlocker(StorageExecutor& executor) : state_(std::make_shared<State>()) {
    std::future<void> started = state_->started.get_future();
    executor.Run(
        [state = state_](pqxx::connection_base&) {
          state->started.set_value();
          state->released.wait();
          return absl::OkStatus();
        },
        [](absl::Status) {});
    started.wait();
  }
  ~PoolBlocker() { Release(); }
  PoolBlocker(const PoolBlocker&) = delete;
  PoolBlocker& operator=(const PoolBlocker&) = delete;

  void Release() {
    if (!released_) state_->release.set_value();
    released_ = true;
  }

 private:
  struct State {
    std::promise<void> started;
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
  };
  std::shared_ptr<State> state_;
  bool released_ = false;
};

// Queues work that only notes it ran, as `call` would (null: outside any call); the future
// of its `done`.
std::future<absl::Status> RunNoting(StorageExecutor& executor, std::atomic<bool>& ran,
                                    std::shared_ptr<const CallScope> call = nullptr) {
  ScopedCall scoped(std::move(call));
  return CallbackFuture<absl::Status>([&](auto done) {
    executor.Run(
        [&ran](pqxx::connection_base&) {
          ran = true;
          return absl::OkStatus();
        },
        done);
  });
}

std::shared_ptr<const CallScope> CallUntil(absl::Time deadline) {
  auto call = std::make_shared<CallScope>();
  call->deadline = deadline;
  return call;
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
  StorageExecutor executor(OptionsFor(db.url()), RealClock::Get());
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
  StorageExecutor executor(OptionsFor(db.url()), RealClock::Get());
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
  StorageExecutor executor(OptionsFor(db.url(), 1), RealClock::Get());
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
  StorageExecutor executor(OptionsFor(db.url(), 1), RealClock::Get());
  REQUIRE(executor.Ping().ok());
  const absl::Status killed = RunSql(executor, "SELECT pg_terminate_backend(pg_backend_pid())");
  CHECK(killed.code() == StatusCode::kUnavailable);
  CHECK(executor.Ping().ok());
}

TEST_CASE("statements time out server-side", "[executor]") {
  warden::testing::TestDatabase db;
  DatabaseOptions options = OptionsFor(db.url(), 1);
  options.statement_timeout = absl::Milliseconds(200);
  StorageExecutor executor(options, RealClock::Get());
  CHECK(RunSql(executor, "SELECT pg_sleep(30)").code() == StatusCode::kDeadlineExceeded);
  CHECK(executor.Ping().ok());
}

TEST_CASE("prepared statements registered late reach open connections", "[executor]") {
  warden::testing::TestDatabase db;
  StorageExecutor executor(OptionsFor(db.url(), 1), RealClock::Get());
  REQUIRE(executor.Ping().ok());  // the connection is open now
  executor.Prepare("late", "SELECT $1::int + 1");
  absl::StatusOr<int> two = RunPrepared(executor, "late", 1);
  REQUIRE(two.ok());
  CHECK(*two == 2);
}

TEST_CASE("a statement registered again with the same SQL is prepared once", "[executor]") {
  warden::testing::TestDatabase db;
  StorageExecutor executor(OptionsFor(db.url(), 1), RealClock::Get());
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
  StorageExecutor executor(OptionsFor(url, 2), RealClock::Get());
  const absl::Status ping = executor.Ping();
  CHECK(ping.code() == StatusCode::kUnavailable);
  CHECK(absl::StartsWith(ping.message(), "database unavailable: "));

  std::vector<std::future<absl::Status>> results;
  std::atomic<bool> ran = false;
  for (int i = 0; i < 50; ++i) results.push_back(RunNoting(executor, ran));
  for (auto& result : results) CHECK(result.get().code() == StatusCode::kUnavailable);
  CHECK_FALSE(ran);
}

TEST_CASE("Shutdown finishes queued work and then refuses new work inline", "[executor]") {
  warden::testing::TestDatabase db;
  StorageExecutor executor(OptionsFor(db.url(), 2), RealClock::Get());
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
  StorageExecutor executor(OptionsFor(db.url(), 1), RealClock::Get());
  CHECK(executor.Stats().in_use == 0);
  PoolBlocker blocker(executor);
  std::atomic<bool> ran_first = false;
  std::atomic<bool> ran_second = false;
  std::future<absl::Status> first = RunNoting(executor, ran_first);
  std::future<absl::Status> second = RunNoting(executor, ran_second);
  StorageExecutor::PoolStats busy = executor.Stats();
  CHECK(busy.size == 1);
  CHECK(busy.in_use == 1);
  CHECK(busy.waiting == 2);
  blocker.Release();
  CHECK(first.get().ok());
  CHECK(second.get().ok());
  StorageExecutor::PoolStats idle = executor.Stats();
  CHECK(idle.in_use == 0);
  CHECK(idle.waiting == 0);
}

TEST_CASE("a call's task whose deadline passes in the queue is answered without running",
          "[executor]") {
  warden::testing::TestDatabase db;
  FakeClock clock(absl::FromUnixSeconds(1'700'000'000));
  StorageExecutor executor(OptionsFor(db.url(), 1), clock);
  PoolBlocker blocker(executor);
  std::atomic<bool> ran_expired = false;
  std::atomic<bool> ran_in_time = false;
  std::future<absl::Status> expired =
      RunNoting(executor, ran_expired, CallUntil(clock.Now() + absl::Seconds(1)));
  std::future<absl::Status> in_time =
      RunNoting(executor, ran_in_time, CallUntil(clock.Now() + absl::Hours(1)));
  clock.Advance(absl::Seconds(2));  // the first call's deadline passes while it waits
  blocker.Release();

  const absl::Status status = expired.get();
  CHECK(status.code() == StatusCode::kDeadlineExceeded);
  CHECK(absl::StrContains(status.message(), "deadline passed"));
  CHECK_FALSE(ran_expired);
  CHECK(in_time.get().ok());
  CHECK(ran_in_time);
  CHECK(executor.Stats().expired == 1);
}

TEST_CASE("a cancelled call's task is answered CANCELLED without running", "[executor]") {
  warden::testing::TestDatabase db;
  StorageExecutor executor(OptionsFor(db.url(), 1), RealClock::Get());
  PoolBlocker blocker(executor);
  auto cancelled = std::make_shared<std::atomic<bool>>(false);
  auto call = std::make_shared<CallScope>();
  call->cancelled = [cancelled] { return cancelled->load(); };
  std::atomic<bool> ran = false;
  std::future<absl::Status> result = RunNoting(executor, ran, call);
  *cancelled = true;  // the client goes away while its task waits
  blocker.Release();

  CHECK(result.get().code() == StatusCode::kCancelled);
  CHECK_FALSE(ran);
  CHECK(executor.Stats().cancelled == 1);
}

TEST_CASE("work queued outside any call runs however late it is taken", "[executor]") {
  warden::testing::TestDatabase db;
  FakeClock clock(absl::FromUnixSeconds(1'700'000'000));
  StorageExecutor executor(OptionsFor(db.url(), 1), clock);
  PoolBlocker blocker(executor);
  std::atomic<bool> ran = false;
  {
    // A call's scope ends before the background work is queued: it does not leak into it.
    ScopedCall call(CallUntil(clock.Now()));
  }
  std::future<absl::Status> background = RunNoting(executor, ran);
  clock.Advance(absl::Hours(1000));
  blocker.Release();

  CHECK(background.get().ok());
  CHECK(ran);
  StorageExecutor::PoolStats stats = executor.Stats();
  CHECK(stats.expired + stats.cancelled + stats.refused == 0);
}

TEST_CASE("a full queue refuses new work inline with RESOURCE_EXHAUSTED", "[executor]") {
  warden::testing::TestDatabase db;
  DatabaseOptions options = OptionsFor(db.url(), 1);
  options.max_queued = 2;
  StorageExecutor executor(options, RealClock::Get());
  PoolBlocker blocker(executor);
  std::atomic<bool> ran_first = false;
  std::atomic<bool> ran_second = false;
  std::future<absl::Status> first = RunNoting(executor, ran_first);
  std::future<absl::Status> second = RunNoting(executor, ran_second);

  std::optional<absl::Status> refused;
  std::atomic<bool> ran_refused = false;
  executor.Run(
      [&ran_refused](pqxx::connection_base&) {
        ran_refused = true;
        return absl::OkStatus();
      },
      [&refused](absl::Status status) { refused = std::move(status); });
  REQUIRE(refused.has_value());  // answered before Run returned
  CHECK(refused->code() == StatusCode::kResourceExhausted);
  CHECK(refused->message() == "the database queue is full; retry later");
  CHECK(executor.Stats().refused == 1);

  blocker.Release();
  CHECK(first.get().ok());
  CHECK(second.get().ok());
  CHECK(ran_first);
  CHECK(ran_second);
  CHECK_FALSE(ran_refused);
}

}  // namespace
}  // namespace warden::storage::testing
