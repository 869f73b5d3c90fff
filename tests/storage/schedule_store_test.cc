#include "storage/schedule_store.h"

#include <catch2/catch.hpp>
#include <memory>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/await.h"
#include "common/clock.h"
#include "tests/storage/storage_fixture.h"

namespace warden::storage::testing {
namespace {

constexpr char kJob[] = "test_job";
const absl::Duration kBackoff = absl::Hours(24);

absl::StatusOr<bool> Claim(ScheduleStore& store, absl::Time now, absl::Duration backoff = kBackoff,
                           std::string job = kJob) {
  return Await<absl::StatusOr<bool>>([&](auto done) { store.TryClaim(job, now, backoff, done); });
}

absl::StatusOr<std::optional<absl::Time>> LastRun(ScheduleStore& store) {
  return Await<absl::StatusOr<std::optional<absl::Time>>>(
      [&](auto done) { store.LastRun(kJob, done); });
}

absl::Status Release(ScheduleStore& store, absl::Time claimed_at) {
  return Await<absl::Status>(
      [&](auto done) { store.ReleaseClaim(kJob, claimed_at, kBackoff, done); });
}

TEST_CASE("the first claim of a job wins and records its time", "[schedule_store]") {
  StorageFixture storage;
  ScheduleStore schedule(storage.executor());
  const absl::Time t0 = TestEpoch();

  REQUIRE(LastRun(schedule).value() == std::nullopt);
  CHECK(Claim(schedule, t0).value());
  CHECK(LastRun(schedule).value() == t0);
}

TEST_CASE("a claim inside the backoff loses and changes nothing", "[schedule_store]") {
  StorageFixture storage;
  ScheduleStore schedule(storage.executor());
  const absl::Time t0 = TestEpoch();
  REQUIRE(Claim(schedule, t0).value());

  CHECK_FALSE(Claim(schedule, t0).value());
  CHECK_FALSE(Claim(schedule, t0 + kBackoff - absl::Microseconds(1)).value());
  CHECK(LastRun(schedule).value() == t0);

  // Exactly one backoff later is due.
  CHECK(Claim(schedule, t0 + kBackoff).value());
  CHECK(LastRun(schedule).value() == t0 + kBackoff);
}

TEST_CASE("jobs are claimed independently", "[schedule_store]") {
  StorageFixture storage;
  ScheduleStore schedule(storage.executor());
  const absl::Time t0 = TestEpoch();
  CHECK(Claim(schedule, t0, kBackoff, "a").value());
  CHECK(Claim(schedule, t0, kBackoff, "b").value());
  CHECK_FALSE(Claim(schedule, t0, kBackoff, "a").value());
}

TEST_CASE("a released claim can be claimed again at once, unless claimed since",
          "[schedule_store]") {
  StorageFixture storage;
  ScheduleStore schedule(storage.executor());
  const absl::Time t0 = TestEpoch();
  REQUIRE(Claim(schedule, t0).value());
  REQUIRE(Release(schedule, t0).ok());
  CHECK(LastRun(schedule).value() == t0 - kBackoff);

  const absl::Time t1 = t0 + absl::Hours(1);
  REQUIRE(Claim(schedule, t1).value());
  // A stale release (of the t0 claim) must not give away the t1 claim.
  REQUIRE(Release(schedule, t0).ok());
  CHECK(LastRun(schedule).value() == t1);
  CHECK_FALSE(Claim(schedule, t1 + absl::Hours(1)).value());
}

TEST_CASE("bad arguments are INVALID_ARGUMENT", "[schedule_store]") {
  StorageFixture storage;
  ScheduleStore schedule(storage.executor());
  CHECK(Claim(schedule, TestEpoch(), kBackoff, "").status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(Claim(schedule, TestEpoch(), -absl::Seconds(1)).status().code() ==
        absl::StatusCode::kInvalidArgument);
}

TEST_CASE("of many concurrent claimers on separate connections exactly one wins",
          "[schedule_store]") {
  StorageFixture storage;
  // Claimers race on separate executors, as replicas do; each round is a new period.
  constexpr int kClaimers = 6;
  std::vector<std::unique_ptr<StorageExecutor>> executors;
  std::vector<std::unique_ptr<ScheduleStore>> stores;
  for (int i = 0; i < kClaimers; ++i) {
    DatabaseOptions options;
    options.url = storage.url();
    options.pool_size = 1;
    executors.push_back(std::make_unique<StorageExecutor>(options, RealClock::Get()));
    stores.push_back(std::make_unique<ScheduleStore>(*executors.back()));
  }
  for (int round = 0; round < 5; ++round) {
    const absl::Time now = TestEpoch() + round * kBackoff;
    std::vector<absl::StatusOr<bool>> results(kClaimers, false);
    std::vector<std::thread> threads;
    for (int i = 0; i < kClaimers; ++i) {
      threads.emplace_back([&, i] { results[i] = Claim(*stores[i], now); });
    }
    for (std::thread& t : threads) t.join();
    int winners = 0;
    for (const absl::StatusOr<bool>& r : results) {
      REQUIRE(r.ok());
      winners += *r ? 1 : 0;
    }
    INFO("round " << round);
    CHECK(winners == 1);
  }
}

}  // namespace
}  // namespace warden::storage::testing
