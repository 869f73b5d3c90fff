#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/random.h"
#include "domain/role.h"
#include "tests/storage/blocking_role_store.h"
#include "tests/storage/storage_fixture.h"

namespace warden::storage::testing {
namespace {

using absl::StatusCode;

ScopeRules ProdRules() {
  ScopeRules rules;
  rules.clusters = {"prod-eu", "prod \"us\""};
  rules.namespaces = {{"staging", "payments"}, {"staging", "ünïcødé"}};
  return rules;
}

TEST_CASE("the built-in Unrestricted scope is listed with empty rules", "[access_scope_store]") {
  StorageFixture storage;
  BlockingRoleStore roles(storage.roles());
  absl::StatusOr<std::vector<AccessScope>> scopes = roles.ListAccessScopes();
  REQUIRE(scopes.ok());
  REQUIRE(scopes->size() == 1);
  CHECK(scopes->front().id == kUnrestrictedScopeId);
  CHECK(scopes->front().unrestricted());
  CHECK(scopes->front().rules == ScopeRules{});
}

TEST_CASE("an access scope and its rules round-trip through create, get, update and delete",
          "[access_scope_store]") {
  StorageFixture storage;
  BlockingRoleStore roles(storage.roles());
  absl::StatusOr<AccessScope> created =
      roles.CreateAccessScope(AccessScopeSpec{"Production", "prod only", ProdRules()});
  REQUIRE(created.ok());
  CHECK(IsUuid(created->id));
  CHECK(created->name == "Production");
  CHECK(created->description == "prod only");
  CHECK(created->rules == ProdRules());
  CHECK(created->origin == Origin::kApi);
  CHECK_FALSE(created->unrestricted());

  absl::StatusOr<AccessScope> got = roles.GetAccessScope(created->id);
  REQUIRE(got.ok());
  CHECK(got->rules == ProdRules());

  ScopeRules narrower;
  narrower.namespaces = {{"prod-eu", "payments"}};
  absl::StatusOr<AccessScope> updated =
      roles.UpdateAccessScope(created->id, AccessScopeSpec{"Payments", "", narrower});
  REQUIRE(updated.ok());
  CHECK(updated->name == "Payments");
  CHECK(updated->rules == narrower);
  CHECK(roles.ListAccessScopes()->size() == 2);

  REQUIRE(roles.DeleteAccessScope(created->id).ok());
  CHECK(roles.GetAccessScope(created->id).status().code() == StatusCode::kNotFound);
}

TEST_CASE("access scope errors: NOT_FOUND, bad id, ALREADY_EXISTS", "[access_scope_store]") {
  StorageFixture storage;
  BlockingRoleStore roles(storage.roles());
  const std::string id = NewUuidV4();
  for (const absl::Status& status :
       {roles.GetAccessScope(id).status(), roles.UpdateAccessScope(id, {"x", "", {}}).status(),
        roles.DeleteAccessScope(id)}) {
    CHECK(status.code() == StatusCode::kNotFound);
    CHECK(status.message() == absl::StrCat("access scope ", id, " not found"));
  }
  CHECK(roles.GetAccessScope("nope").status().message() == "access scope id is not a valid UUID");

  const absl::Status duplicate = roles.CreateAccessScope({"Unrestricted", "", {}}).status();
  CHECK(duplicate.code() == StatusCode::kAlreadyExists);
  CHECK(duplicate.message() == "an access scope named Unrestricted already exists");
}

TEST_CASE("the Unrestricted scope is read-only", "[access_scope_store]") {
  StorageFixture storage;
  BlockingRoleStore roles(storage.roles());
  const absl::Status updated =
      roles.UpdateAccessScope(kUnrestrictedScopeId, {"Everything", "", {}}).status();
  CHECK(updated.code() == StatusCode::kFailedPrecondition);
  CHECK(updated.message() == "access scope Unrestricted is built in and read-only");
  const absl::Status deleted = roles.DeleteAccessScope(kUnrestrictedScopeId);
  CHECK(deleted.code() == StatusCode::kFailedPrecondition);
  CHECK(deleted.message() == "access scope Unrestricted is built in and read-only");
}

TEST_CASE("deleting an access scope that roles use names them", "[access_scope_store]") {
  StorageFixture storage;
  BlockingRoleStore roles(storage.roles());
  absl::StatusOr<AccessScope> scope = roles.CreateAccessScope({"Prod", "", ProdRules()});
  REQUIRE(scope.ok());
  for (const char* name : {"Prod reader", "Prod admin"}) {
    REQUIRE(roles.CreateRole(RoleSpec{name, "", kAdminPermissionSetId, scope->id}).ok());
  }
  const absl::Status deleted = roles.DeleteAccessScope(scope->id);
  CHECK(deleted.code() == StatusCode::kFailedPrecondition);
  CHECK(deleted.message() == "access scope Prod is used by 2 roles: Prod admin, Prod reader");
  CHECK(roles.GetAccessScope(scope->id).ok());
}

}  // namespace
}  // namespace warden::storage::testing
