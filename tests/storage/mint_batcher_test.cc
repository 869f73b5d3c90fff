// The group commit of TokenStore::Insert (storage/mint_batcher.h) against a real PostgreSQL:
// mints handed over while a batch runs are minted together, in one statement, and each still
// gets its own answer, exactly as a lone mint would.
//
// To put mints in one batch for certain, a test holds the lanes: a capped mint whose root's
// advisory lock the test holds waits inside its batch, one per lane (HeldLanes), every mint
// handed over meanwhile queues, and once the test lets go, the next batch takes them all.

#include "storage/mint_batcher.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "common/await.h"
#include "common/call_scope.h"
#include "common/random.h"
#include "storage/token_store.h"
#include "tests/storage/blocking_role_stores.h"
#include "tests/storage/race_support.h"
#include "tests/storage/storage_fixture.h"

namespace warden::storage::testing {
namespace {

using absl::StatusCode;

std::future<absl::Status> StartInsert(StorageFixture& storage, const TokenMetadata& token,
                                      MintConditions conditions = {}) {
  return CallbackFuture<absl::Status>(
      [&](auto done) { storage.tokens().Insert(token, conditions, done); });
}

// Holds the root's advisory lock (the one warden_mint_token takes for a capped mint) on a
// connection of its own until Unlock().
class RootLock {
 public:
  RootLock(const std::string& url, const std::string& root) : conn_(url), root_(root) {
    pqxx::nontransaction tx(conn_);
    tx.exec("SELECT pg_advisory_lock(" + Key(tx) + ")");
  }
  void Unlock() {
    pqxx::nontransaction tx(conn_);
    tx.exec("SELECT pg_advisory_unlock(" + Key(tx) + ")");
  }

 private:
  std::string Key(pqxx::transaction_base& tx) const {
    return "hashtextextended('warden.tokens.root:' || " + tx.quote(root_) + ", 0)";
  }

  pqxx::connection conn_;
  std::string root_;
};

// A capped mint of `root`, which RootLock can hold up.
TokenMetadata CappedBy(const std::string& root, MintConditions& conditions) {
  TokenMetadata token = NewToken(TestEpoch(), "lane holder");
  token.created_by = root;
  conditions.max_live_per_root = 1000;
  return token;
}

// Waits until `n` backends of the test's database wait for a lock (AwaitLockWait for several).
void AwaitLockWaits(pqxx::connection& observer, int n) {
  for (int i = 0; i < 3000; ++i) {
    pqxx::nontransaction tx(observer);
    if (tx.exec1("SELECT count(*) FROM pg_stat_activity "
                 "WHERE datname = current_database() AND wait_event_type = 'Lock'")[0]
            .as<int>() >= n) {
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  FAIL("fewer backends than expected ever waited for the test's locks");
}

// Keeps every mint lane busy from construction to Release(): mints handed over meanwhile
// queue, and the first batch to start after that takes them all.
class HeldLanes {
 public:
  explicit HeldLanes(StorageFixture& storage, const std::string& prefix = "user:lane-holder")
      : observer_(storage.url()) {
    for (int lane = 0; lane < MintBatcher::kLanes; ++lane) {
      const std::string root = prefix + "-" + std::to_string(lane);
      locks_.push_back(std::make_unique<RootLock>(storage.url(), root));
      MintConditions conditions;
      TokenMetadata holder = CappedBy(root, conditions);
      held_.push_back(StartInsert(storage, holder, conditions));
      // Each holder in a batch of its own: the next one is handed over once this one waits.
      AwaitLockWaits(observer_, lane + 1);
    }
  }

  // Lets the held batches finish, and waits for them.
  void Release() {
    for (auto& lock : locks_) lock->Unlock();
    for (auto& held : held_) REQUIRE(held.get().ok());
  }

 private:
  pqxx::connection observer_;
  std::vector<std::unique_ptr<RootLock>> locks_;
  std::vector<std::future<absl::Status>> held_;
};

std::vector<absl::Status> AwaitAll(std::vector<std::future<absl::Status>>& futures) {
  std::vector<absl::Status> statuses;
  for (auto& f : futures) statuses.push_back(f.get());
  return statuses;
}

int CountTokens(StorageFixture& storage, const std::string& created_by) {
  pqxx::connection conn(storage.url());
  pqxx::nontransaction tx(conn);
  return tx.exec1("SELECT count(*) FROM tokens WHERE created_by = " + tx.quote(created_by))[0]
      .as<int>();
}

TEST_CASE("mints handed over while a batch runs are minted in one statement, all committed",
          "[mint_batcher]") {
  StorageFixture storage;
  HeldLanes lane(storage);
  std::vector<TokenMetadata> tokens;
  std::vector<std::future<absl::Status>> minted;
  for (int i = 0; i < 300; ++i) {
    tokens.push_back(NewToken(TestEpoch() + absl::Microseconds(i), "batched " + std::to_string(i)));
    tokens.back().created_by = "user:batched";
    tokens.back().roles = {i % 2 == 0 ? "Analyst" : "Admin", "None"};
    minted.push_back(StartInsert(storage, tokens.back()));
  }
  CHECK(storage.tokens().mint_stats().queued == 300);
  lane.Release();

  for (const absl::Status& status : AwaitAll(minted)) CHECK(status.ok());
  const MintBatcher::Stats stats = storage.tokens().mint_stats();
  CHECK(stats.largest == 300);
  CHECK(stats.batches == MintBatcher::kLanes + 1);  // the held ones, then all the others
  CHECK(stats.fallbacks == 0);
  CHECK(CountTokens(storage, "user:batched") == 300);
  for (const TokenMetadata& token : tokens) {
    absl::StatusOr<TokenMetadata> got = storage.Get(token.id);
    REQUIRE(got.ok());
    CHECK(got->name == token.name);
    CHECK(got->roles == token.roles);
    CHECK(got->issued_at == token.issued_at);
    CHECK(got->expires_at == token.expires_at);
  }
}

TEST_CASE("a lone mint on an idle lane is minted at once, by the single mint", "[mint_batcher]") {
  StorageFixture storage;
  REQUIRE(storage.Insert(NewToken(TestEpoch())).ok());
  const MintBatcher::Stats stats = storage.tokens().mint_stats();
  CHECK(stats.batches == 1);
  CHECK(stats.largest == 1);
}

TEST_CASE("every field of a batched mint is stored as a lone mint stores it", "[mint_batcher]") {
  StorageFixture storage;
  TokenMetadata parent = NewToken(TestEpoch());
  REQUIRE(storage.Insert(parent).ok());
  HeldLanes lane(storage);
  TokenMetadata odd = NewToken(TestEpoch() + absl::Seconds(1), "quote \" backslash \\ {brace,}");
  odd.roles = {"Network Graph Viewer", "Analyst"};
  odd.created_by = "token:" + parent.id;
  odd.root = "user:admin";
  odd.created_by_name = "NULL";  // the text, not SQL NULL
  odd.description = "über \"quoted\", {NULL}";
  odd.revoked = true;
  odd.revoked_at = TestEpoch() + absl::Seconds(2);
  odd.rotated_from = parent.id;
  TokenMetadata plain = NewToken(TestEpoch() + absl::Seconds(3), "plain");
  plain.created_by_name = "";
  auto odd_minted = StartInsert(storage, odd);
  auto plain_minted = StartInsert(storage, plain);
  lane.Release();
  const absl::Status odd_status = odd_minted.get();
  const absl::Status plain_status = plain_minted.get();
  INFO(odd_status << "; " << plain_status);
  REQUIRE(odd_status.ok());
  REQUIRE(plain_status.ok());
  CHECK(storage.tokens().mint_stats().largest == 2);
  CHECK(storage.tokens().mint_stats().fallbacks == 0);

  absl::StatusOr<TokenMetadata> got = storage.Get(odd.id);
  REQUIRE(got.ok());
  CHECK(got->name == odd.name);
  CHECK(got->roles == odd.roles);
  CHECK(got->created_by == odd.created_by);
  CHECK(got->created_by_name == "NULL");
  CHECK(got->description == odd.description);
  CHECK(got->revoked);
  CHECK(got->revoked_at == odd.revoked_at);
  CHECK(got->rotated_from == parent.id);
  got = storage.Get(plain.id);
  REQUIRE(got.ok());
  CHECK(got->name == "plain");
  CHECK_FALSE(got->revoked);
  CHECK_FALSE(got->revoked_at.has_value());
  CHECK(got->rotated_from.empty());
}

TEST_CASE("the cap holds exactly within one batch and across batches", "[mint_batcher]") {
  StorageFixture storage;
  MintConditions cap;
  cap.max_live_per_root = 3;
  HeldLanes lane(storage);
  std::vector<TokenMetadata> tokens;
  std::vector<std::future<absl::Status>> minted;
  for (int i = 0; i < 5; ++i) {
    // Two creators interleaved, one root each: alice's five, and bob's under the same cap.
    for (const char* creator : {"user:alice", "user:bob"}) {
      tokens.push_back(NewToken(TestEpoch() + absl::Microseconds(i)));
      tokens.back().created_by = creator;
      minted.push_back(StartInsert(storage, tokens.back(), cap));
    }
  }
  lane.Release();
  std::vector<absl::Status> statuses = AwaitAll(minted);
  CHECK(storage.tokens().mint_stats().largest == 10);
  for (size_t i = 0; i < statuses.size(); ++i) {
    INFO("mint " << i << " by " << tokens[i].created_by << ": " << statuses[i]);
    if (i < 6) {  // each creator's first three, in the order they were handed over
      CHECK(statuses[i].ok());
    } else {
      CHECK(statuses[i].code() == StatusCode::kResourceExhausted);
      CHECK(statuses[i].message() ==
            "the caller already has 3 live tokens, the most one identity may have; revoke some "
            "(or let them expire) first");
    }
  }
  CHECK(CountTokens(storage, "user:alice") == 3);
  CHECK(CountTokens(storage, "user:bob") == 3);

  // A later batch counts what earlier ones stored.
  HeldLanes again(storage);
  TokenMetadata late = NewToken(TestEpoch());
  late.created_by = "user:alice";
  TokenMetadata other = NewToken(TestEpoch());
  other.created_by = "user:carol";
  auto late_minted = StartInsert(storage, late, cap);
  auto other_minted = StartInsert(storage, other, cap);
  again.Release();
  CHECK(late_minted.get().code() == StatusCode::kResourceExhausted);
  CHECK(other_minted.get().ok());
  CHECK(CountTokens(storage, "user:alice") == 3);
}

TEST_CASE("a duplicate id in a batch fails only that mint", "[mint_batcher]") {
  StorageFixture storage;
  TokenMetadata existing = NewToken(TestEpoch());
  REQUIRE(storage.Insert(existing).ok());
  HeldLanes lane(storage);
  TokenMetadata again = NewToken(TestEpoch(), "same id as a stored token");
  again.id = existing.id;
  TokenMetadata twin_a = NewToken(TestEpoch(), "twin a");
  TokenMetadata twin_b = NewToken(TestEpoch(), "twin b");
  twin_b.id = twin_a.id;  // twice in one batch
  std::vector<TokenMetadata> fine = {NewToken(TestEpoch()), NewToken(TestEpoch()),
                                     NewToken(TestEpoch())};
  auto again_minted = StartInsert(storage, again);
  auto twin_a_minted = StartInsert(storage, twin_a);
  auto twin_b_minted = StartInsert(storage, twin_b);
  std::vector<std::future<absl::Status>> fine_minted;
  for (const TokenMetadata& token : fine) fine_minted.push_back(StartInsert(storage, token));
  lane.Release();

  const absl::Status duplicate = again_minted.get();
  CHECK(duplicate.code() == StatusCode::kAlreadyExists);
  CHECK(duplicate.message() == "token " + existing.id + " already exists");
  for (const absl::Status& status : AwaitAll(fine_minted)) CHECK(status.ok());
  // Run alone after the batch failed, the twins race: one is stored, the other refused.
  const absl::Status a = twin_a_minted.get();
  const absl::Status b = twin_b_minted.get();
  CHECK(a.ok() != b.ok());
  const absl::Status& refused = a.ok() ? b : a;
  CHECK(refused.code() == StatusCode::kAlreadyExists);
  CHECK(refused.message() == "token " + twin_a.id + " already exists");
  CHECK(storage.Get(existing.id)->name == existing.name);
  CHECK(storage.tokens().mint_stats().fallbacks == 1);
}

TEST_CASE("a mint by a revoked creator in a batch is UNAUTHENTICATED, the others are stored",
          "[mint_batcher]") {
  StorageFixture storage;
  TokenMetadata parent = NewToken(TestEpoch());
  REQUIRE(storage.Insert(parent).ok());
  REQUIRE(storage.Revoke(parent.id, TestEpoch()).ok());
  HeldLanes lane(storage);
  TokenMetadata child = NewToken(TestEpoch());
  child.created_by = "token:" + parent.id;
  child.root = "user:admin";
  TokenMetadata before = NewToken(TestEpoch());
  TokenMetadata after = NewToken(TestEpoch());
  auto before_minted = StartInsert(storage, before);
  auto child_minted = StartInsert(storage, child);
  auto after_minted = StartInsert(storage, after);
  lane.Release();
  const absl::Status refused = child_minted.get();
  CHECK(refused.code() == StatusCode::kUnauthenticated);
  CHECK(refused.message() == "the token this request was made with has been revoked");
  CHECK(before_minted.get().ok());
  CHECK(after_minted.get().ok());
  CHECK(storage.Get(child.id).status().code() == StatusCode::kNotFound);
  CHECK(storage.tokens().mint_stats().largest == 3);
  CHECK(storage.tokens().mint_stats().fallbacks == 0);
}

TEST_CASE("a stale role generation or a missing role fails only that mint of a batch",
          "[mint_batcher]") {
  StorageFixture storage;
  BlockingPermissionSetStore permission_sets(storage.permission_sets());
  const int64_t checked = BlockingRoleStore(storage.roles()).LoadCatalog()->generation;
  REQUIRE(permission_sets.CreatePermissionSet({"Later", "", {}}).ok());
  const int64_t current = BlockingRoleStore(storage.roles()).LoadCatalog()->generation;
  REQUIRE(current != checked);

  HeldLanes lane(storage);
  MintConditions stale_conditions;
  stale_conditions.role_generation = checked;
  MintConditions fresh_conditions;
  fresh_conditions.role_generation = current;
  TokenMetadata stale = NewToken(TestEpoch());
  TokenMetadata fresh = NewToken(TestEpoch());
  TokenMetadata missing = NewToken(TestEpoch());
  missing.roles = {"Analyst", "Gone", "Also Gone"};
  auto stale_minted = StartInsert(storage, stale, stale_conditions);
  auto fresh_minted = StartInsert(storage, fresh, fresh_conditions);
  auto missing_minted = StartInsert(storage, missing, fresh_conditions);
  lane.Release();

  const absl::Status aborted = stale_minted.get();
  CHECK(aborted.code() == StatusCode::kAborted);
  CHECK(aborted.message() == TokenStore::kStaleRolesMessage);
  const absl::Status gone = missing_minted.get();
  CHECK(gone.code() == StatusCode::kFailedPrecondition);
  CHECK(gone.message() == "roles Gone, Also Gone no longer exist");
  CHECK(fresh_minted.get().ok());
  CHECK(storage.Get(stale.id).status().code() == StatusCode::kNotFound);
  CHECK(storage.Get(missing.id).status().code() == StatusCode::kNotFound);
  CHECK(storage.tokens().mint_stats().largest == 3);
}

TEST_CASE("a queued mint whose caller stopped waiting is answered so and not minted",
          "[mint_batcher]") {
  StorageFixture storage;
  HeldLanes lane(storage);
  TokenMetadata late = NewToken(TestEpoch());
  TokenMetadata gone = NewToken(TestEpoch());
  TokenMetadata waited = NewToken(TestEpoch());
  std::future<absl::Status> late_minted, gone_minted;
  {
    ScopedCall call(std::make_shared<CallScope>(CallScope{absl::InfinitePast(), {}}));
    late_minted = StartInsert(storage, late);
  }
  {
    ScopedCall call(
        std::make_shared<CallScope>(CallScope{absl::InfiniteFuture(), [] { return true; }}));
    gone_minted = StartInsert(storage, gone);
  }
  auto waited_minted = StartInsert(storage, waited);
  lane.Release();
  CHECK(late_minted.get().code() == StatusCode::kDeadlineExceeded);
  CHECK(gone_minted.get().code() == StatusCode::kCancelled);
  CHECK(waited_minted.get().ok());
  CHECK(storage.Get(late.id).status().code() == StatusCode::kNotFound);
  CHECK(storage.Get(gone.id).status().code() == StatusCode::kNotFound);
  const StorageExecutor::PoolStats pool = storage.executor().Stats();
  CHECK(pool.expired == 1);
  CHECK(pool.cancelled == 1);
}

TEST_CASE("a connection lost under a batch answers each of its mints UNAVAILABLE, storing none",
          "[mint_batcher]") {
  StorageFixture storage;
  pqxx::connection observer(storage.url());
  HeldLanes lane(storage);
  // The next batch waits on a second root's lock, so the test can end its connection.
  RootLock second(storage.url(), "user:second-holder");
  MintConditions capped;
  std::vector<TokenMetadata> tokens = {CappedBy("user:second-holder", capped)};
  std::vector<std::future<absl::Status>> minted;
  minted.push_back(StartInsert(storage, tokens[0], capped));
  for (int i = 0; i < 3; ++i) {
    tokens.push_back(NewToken(TestEpoch()));
    minted.push_back(StartInsert(storage, tokens.back()));
  }
  lane.Release();
  AwaitLockWait(observer);
  {
    pqxx::nontransaction tx(observer);
    tx.exec(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'");
  }
  for (const absl::Status& status : AwaitAll(minted)) {
    INFO(status);
    CHECK(status.code() == StatusCode::kUnavailable);
  }
  second.Unlock();
  for (const TokenMetadata& token : tokens) {
    CHECK(storage.Get(token.id).status().code() == StatusCode::kNotFound);
  }
  CHECK(storage.tokens().mint_stats().fallbacks == 0);
  // The lane goes on, on a new connection.
  CHECK(storage.Insert(NewToken(TestEpoch())).ok());
}

TEST_CASE("threads minting at once all get their tokens stored", "[mint_batcher]") {
  StorageFixture storage;
  constexpr int kThreads = 8;
  constexpr int kEach = 50;
  std::vector<std::vector<TokenMetadata>> tokens(kThreads);
  std::vector<std::vector<absl::Status>> statuses(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        tokens[t].push_back(NewToken(TestEpoch() + absl::Microseconds(i)));
        tokens[t].back().created_by = "user:threads";
        statuses[t].push_back(storage.Insert(tokens[t].back()));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) {
    for (const absl::Status& status : statuses[t]) CHECK(status.ok());
  }
  CHECK(CountTokens(storage, "user:threads") == kThreads * kEach);
  const MintBatcher::Stats stats = storage.tokens().mint_stats();
  CHECK(stats.mints == kThreads * kEach);
  CHECK(stats.queued == 0);
}

}  // namespace
}  // namespace warden::storage::testing
