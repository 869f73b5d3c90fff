// The role generation (migration 0011) and role writes' checks: what makes the
// no-escalation rule race-free against role edits on any replica.

#include <catch2/catch.hpp>
#include <future>
#include <pqxx/pqxx>

#include "absl/status/status.h"
#include "common/await.h"
#include "storage/role_store.h"
#include "storage/token_store.h"
#include "tests/storage/blocking_role_stores.h"
#include "tests/storage/race_support.h"
#include "tests/storage/storage_fixture.h"

namespace warden::storage::testing {
namespace {

using absl::StatusCode;

int64_t Generation(StorageFixture& storage) {
  absl::StatusOr<RoleCatalog> catalog = BlockingRoleStore(storage.roles()).LoadCatalog();
  REQUIRE(catalog.ok());
  return catalog->generation;
}

absl::Status InsertAt(StorageFixture& storage, const TokenMetadata& token, int64_t generation) {
  MintConditions conditions;
  conditions.role_generation = generation;
  return Await<absl::Status>([&](auto done) { storage.tokens().Insert(token, conditions, done); });
}

TEST_CASE("every change to roles, sets or scopes moves the generation, even one made with psql",
          "[role_generation]") {
  StorageFixture storage;
  BlockingPermissionSetStore permission_sets(storage.permission_sets());
  const int64_t start = Generation(storage);
  auto set = permission_sets.CreatePermissionSet({"Readers", "", {{"Image", Access::kRead}}});
  REQUIRE(set.ok());
  const int64_t after_create = Generation(storage);
  CHECK(after_create > start);
  {
    pqxx::connection conn(storage.url());
    pqxx::work tx(conn);
    tx.exec0(
        "UPDATE permission_set_entries SET access = 2 WHERE resource = 'Image' AND "
        "permission_set_id = '" +
        set->id + "'");
    tx.commit();
  }
  CHECK(Generation(storage) > after_create);
}

TEST_CASE("a mint checked against roles that have changed since is refused and stores nothing",
          "[role_generation]") {
  StorageFixture storage;
  BlockingPermissionSetStore permission_sets(storage.permission_sets());
  const int64_t checked = Generation(storage);
  REQUIRE(permission_sets.CreatePermissionSet({"Later", "", {}}).ok());

  TokenMetadata token = NewToken(TestEpoch());
  const absl::Status stale = InsertAt(storage, token, checked);
  CHECK(stale.code() == StatusCode::kAborted);
  CHECK(stale.message() == TokenStore::kStaleRolesMessage);
  CHECK(storage.Get(token.id).status().code() == StatusCode::kNotFound);
  CHECK(InsertAt(storage, token, Generation(storage)).ok());
}

// The race the role generation closes: the escalation check ran on a replica's snapshot while an
// edit on another replica committed before the mint did.
TEST_CASE("a mint behind a role write in progress waits for it, then is refused",
          "[role_generation][race]") {
  StorageFixture storage;
  const int64_t checked = Generation(storage);
  pqxx::connection observer(storage.url());

  // Another replica's role write, held open after taking the roles write lock.
  pqxx::connection writer(storage.url());
  pqxx::work writing(writer);
  writing.exec1("SELECT warden_begin_role_write()");
  writing.exec0("UPDATE roles SET description = 'edited' WHERE name = 'Analyst'");

  TokenMetadata token = NewToken(TestEpoch());
  MintConditions conditions;
  conditions.role_generation = checked;
  std::future<absl::Status> minted = CallbackFuture<absl::Status>(
      [&](auto done) { storage.tokens().Insert(token, conditions, done); });
  AwaitLockWait(observer);
  writing.commit();

  REQUIRE(minted.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
  CHECK(minted.get().code() == StatusCode::kAborted);
  CHECK(storage.Get(token.id).status().code() == StatusCode::kNotFound);
}

TEST_CASE("a role write's check sees the writer's roles before it and the changed roles after",
          "[role_generation]") {
  StorageFixture storage;
  BlockingPermissionSetStore permission_sets(storage.permission_sets());
  BlockingRoleStore roles(storage.roles());
  auto set = permission_sets.CreatePermissionSet({"Mine", "", {{"Access", Access::kReadWrite}}});
  REQUIRE(set.ok());
  REQUIRE(roles.CreateRole({"Mine", "", set->id, kUnrestrictedScopeId}).ok());
  const int64_t before = Generation(storage);

  std::vector<Role> held_seen, changed_seen;
  RoleWriter writer;
  writer.roles = {"Mine", "Gone"};
  writer.check = [&](const std::vector<Role>& held, const std::vector<Role>& changed) {
    held_seen = held;
    changed_seen = changed;
    return absl::PermissionDeniedError("no");
  };
  auto refused = permission_sets.UpdatePermissionSet(
      set->id, {"Mine", "", {{"Access", Access::kReadWrite}, {"Image", Access::kReadWrite}}},
      writer);
  CHECK(refused.status().code() == StatusCode::kPermissionDenied);
  REQUIRE(held_seen.size() == 1);
  CHECK(held_seen[0].permission_set.permissions.count("Image") == 0);  // before the write
  REQUIRE(changed_seen.size() == 1);
  CHECK(changed_seen[0].name == "Mine");
  CHECK(changed_seen[0].permission_set.permissions.at("Image") == Access::kReadWrite);  // after
  // Rolled back: the set, and the generation with it.
  CHECK(permission_sets.GetPermissionSet(set->id)->permissions.count("Image") == 0);
  CHECK(Generation(storage) == before);
}

TEST_CASE("declarative roles may not use permission sets or scopes managed through the API",
          "[role_generation][declarative]") {
  StorageFixture storage;
  BlockingPermissionSetStore permission_sets(storage.permission_sets());
  BlockingDeclarativeStore declarative(storage.declarative());
  REQUIRE(permission_sets.CreatePermissionSet({"Editable", "", {{"Image", Access::kRead}}}).ok());
  DeclarativeConfig config;
  config.roles.push_back({"GitOps role", "", "Editable", ""});
  auto applied = declarative.ApplyDeclarative(config, TestEpoch());
  CHECK(applied.status().code() == StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(applied.status().message()),
             Catch::Contains("role GitOps role names permission set Editable, which is managed "
                             "through the API"));
  // Built-in sets remain fine.
  config.roles[0].permission_set_name = "Analyst";
  CHECK(declarative.ApplyDeclarative(config, TestEpoch()).ok());
}

}  // namespace
}  // namespace warden::storage::testing
