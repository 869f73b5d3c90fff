#include "storage/sign_in_state_store.h"

#include <catch2/catch.hpp>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "common/await.h"
#include "tests/storage/storage_fixture.h"
#include "tests/support/fake_clock.h"

namespace warden::storage::testing {
namespace {

using absl::StatusCode;

class SignInStateFixture : public StorageFixture {
 public:
  SignInStateFixture() : clock_(TestEpoch()), store_(executor(), clock_) {}

  absl::Status MarkUsed(const std::string& state_id, absl::Time expires_at) {
    return Await<absl::Status>([&](auto done) { store_.MarkUsed(state_id, expires_at, done); });
  }

  // The state ids stored, as another replica would see them.
  std::vector<std::string> Stored() {
    pqxx::connection conn(url());
    pqxx::nontransaction tx(conn);
    std::vector<std::string> ids;
    for (const pqxx::row& row : tx.exec("SELECT state_id FROM sign_in_states ORDER BY state_id")) {
      ids.push_back(row[0].as<std::string>());
    }
    return ids;
  }

  FakeClock clock_;
  SignInStateStore store_;
};

TEST_CASE_METHOD(SignInStateFixture, "a state works once", "[sign_in_state_store]") {
  const absl::Time expires = TestEpoch() + absl::Minutes(10);
  REQUIRE(MarkUsed("state-1", expires).ok());
  absl::Status replay = MarkUsed("state-1", expires);
  CHECK(replay.code() == StatusCode::kAlreadyExists);
  CHECK(replay.message() == "this sign-in was already completed or tried: start again");
  CHECK(MarkUsed("state-2", expires).ok());
  CHECK(Stored() == std::vector<std::string>{"state-1", "state-2"});
}

TEST_CASE_METHOD(SignInStateFixture, "expired states are pruned after a grace",
                 "[sign_in_state_store]") {
  REQUIRE(MarkUsed("old", TestEpoch() + absl::Minutes(10)).ok());
  REQUIRE(MarkUsed("older", TestEpoch() + absl::Minutes(8)).ok());

  // Expired, but within the grace another replica's slower clock may still need them.
  clock_.Advance(absl::Minutes(11));
  REQUIRE(MarkUsed("new-1", clock_.Now() + absl::Minutes(10)).ok());
  CHECK(Stored() == std::vector<std::string>{"new-1", "old", "older"});

  clock_.Advance(SignInStateStore::kPruneGrace);
  REQUIRE(MarkUsed("new-2", clock_.Now() + absl::Minutes(10)).ok());
  CHECK(Stored() == std::vector<std::string>{"new-1", "new-2"});
  // A replay that failed prunes nothing and stores nothing.
  CHECK(MarkUsed("new-2", clock_.Now() + absl::Minutes(10)).code() == StatusCode::kAlreadyExists);
  CHECK(Stored() == std::vector<std::string>{"new-1", "new-2"});
}

TEST_CASE_METHOD(SignInStateFixture, "pruning never takes the state being marked",
                 "[sign_in_state_store]") {
  REQUIRE(MarkUsed("stale", TestEpoch()).ok());
  clock_.Advance(absl::Hours(1));
  // A caller broke the REQUIRES (an expired state): still refused, not pruned and taken again.
  CHECK(MarkUsed("stale", TestEpoch()).code() == StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace warden::storage::testing
