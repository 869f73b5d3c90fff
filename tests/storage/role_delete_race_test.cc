#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/await.h"
#include "common/clock.h"
#include "common/random.h"
#include "storage/pg/executor.h"
#include "storage/role_store.h"
#include "storage/token_store.h"
#include "tests/storage/blocking_role_stores.h"
#include "tests/storage/race_support.h"
#include "tests/storage/storage_fixture.h"

namespace warden::storage::testing {
namespace {

using absl::StatusCode;

// Live tokens naming a role that does not exist: what the race must never produce.
int LiveTokensWithMissingRoles(const std::string& url) {
  pqxx::connection conn(url);
  pqxx::nontransaction tx(conn);
  return tx
      .exec1(R"sql(
SELECT count(*) FROM tokens t
WHERE NOT t.revoked
  AND EXISTS (SELECT 1 FROM unnest(t.roles) AS r(name)
              WHERE NOT EXISTS (SELECT 1 FROM roles WHERE roles.name = r.name)))sql")[0]
      .as<int>();
}

TEST_CASE("an insert behind a role delete in progress waits, then fails", "[role_store][race]") {
  StorageFixture storage;
  BlockingRoleStore roles(storage.roles());
  REQUIRE(roles.CreateRole({"Doomed", "", kAdminPermissionSetId, kUnrestrictedScopeId}).ok());
  pqxx::connection observer(storage.url());

  // What DeleteRole does, held open: the role row locked FOR UPDATE and deleted.
  pqxx::connection deleter(storage.url());
  pqxx::work deleting(deleter);
  deleting.exec1("SELECT origin FROM roles WHERE name = 'Doomed' FOR UPDATE");
  deleting.exec0("DELETE FROM roles WHERE name = 'Doomed'");

  TokenMetadata token = NewToken(TestEpoch());
  token.roles = {"Doomed"};
  std::future<absl::Status> inserted =
      CallbackFuture<absl::Status>([&](auto done) { storage.tokens().Insert(token, done); });
  AwaitLockWait(observer);
  deleting.commit();

  REQUIRE(inserted.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
  const absl::Status status = inserted.get();
  CHECK(status.code() == StatusCode::kFailedPrecondition);
  CHECK(status.message() == "role Doomed no longer exists");
  CHECK(LiveTokensWithMissingRoles(storage.url()) == 0);
}

TEST_CASE("a role delete behind an insert in progress waits, then names the token",
          "[role_store][race]") {
  StorageFixture storage;
  BlockingRoleStore roles(storage.roles());
  REQUIRE(roles.CreateRole({"Busy", "", kAdminPermissionSetId, kUnrestrictedScopeId}).ok());
  pqxx::connection observer(storage.url());

  // What TokenStore::Insert does, held open: the role locked FOR KEY SHARE, the token added.
  const std::string id = NewUuidV4();
  pqxx::connection inserter(storage.url());
  pqxx::work inserting(inserter);
  inserting.exec1("SELECT name FROM roles WHERE name = 'Busy' FOR KEY SHARE");
  inserting.exec_params0(
      "INSERT INTO tokens (id, name, roles, issued_at, expires_at, created_by) "
      "VALUES ($1::uuid, 'busy token', '{Busy}', now(), 'infinity', 'user:admin')",
      id);

  std::future<absl::Status> deleted = CallbackFuture<absl::Status>(
      [&](auto done) { storage.roles().DeleteRole("Busy", TestEpoch(), done); });
  AwaitLockWait(observer);
  inserting.commit();

  REQUIRE(deleted.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
  const absl::Status status = deleted.get();
  CHECK(status.code() == StatusCode::kFailedPrecondition);
  CHECK(status.message() ==
        absl::StrCat("role Busy is used by 1 live token: busy token (", id, ")"));
  CHECK(roles.GetRole("Busy").ok());
}

TEST_CASE("DeleteRole racing token inserts never leaves a live token with a missing role",
          "[role_store][race]") {
  StorageFixture storage;
  BlockingRoleStore admin(storage.roles());
  // Inserts run on their own pool, so that they and the delete (on the fixture's pool) really
  // run at the same time on different connections.
  DatabaseOptions options;
  options.url = storage.url();
  options.pool_size = 6;
  StorageExecutor insert_executor(options, RealClock::Get());
  TokenStore tokens(insert_executor);

  constexpr int kRounds = 8;
  constexpr int kInserts = 24;
  int deletes_won = 0;
  for (int round = 0; round < kRounds; ++round) {
    const std::string role = absl::StrCat("Racer ", round);
    REQUIRE(admin.CreateRole({role, "", kAdminPermissionSetId, kUnrestrictedScopeId}).ok());

    std::future<absl::Status> deleted;
    std::vector<std::future<absl::Status>> inserted;
    const int delete_at = (round * 5) % kInserts;  // the delete enters early, midway or late
    for (int i = 0; i < kInserts; ++i) {
      if (i == delete_at) {
        deleted = CallbackFuture<absl::Status>(
            [&](auto done) { storage.roles().DeleteRole(role, TestEpoch(), done); });
      }
      TokenMetadata token = NewToken(TestEpoch(), absl::StrCat("race ", round, ".", i));
      token.roles = {"Analyst", role};
      inserted.push_back(
          CallbackFuture<absl::Status>([&](auto done) { tokens.Insert(token, done); }));
    }

    int inserts_ok = 0;
    for (std::future<absl::Status>& future : inserted) {
      REQUIRE(future.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
      const absl::Status status = future.get();
      if (status.ok()) {
        ++inserts_ok;
        continue;
      }
      INFO(status.ToString());
      CHECK(status.code() == StatusCode::kFailedPrecondition);
      CHECK(status.message() == absl::StrCat("role ", role, " no longer exists"));
    }
    REQUIRE(deleted.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
    const absl::Status delete_status = deleted.get();
    INFO("round " << round << ": " << inserts_ok << " inserts OK; delete "
                  << delete_status.ToString());
    if (delete_status.ok()) {
      ++deletes_won;
      CHECK(inserts_ok == 0);  // any committed token would have kept the role alive
    } else {
      CHECK(delete_status.code() == StatusCode::kFailedPrecondition);
      CHECK(absl::StrContains(delete_status.message(), "is used by"));
      CHECK(inserts_ok > 0);
    }
    CHECK(LiveTokensWithMissingRoles(storage.url()) == 0);
  }
  INFO("the delete won " << deletes_won << " of " << kRounds << " rounds");
  SUCCEED();
}

}  // namespace
}  // namespace warden::storage::testing
