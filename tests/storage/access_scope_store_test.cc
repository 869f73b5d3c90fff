#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/random.h"
#include "domain/role.h"
#include "tests/storage/blocking_role_stores.h"
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
  BlockingAccessScopeStore access_scopes(storage.access_scopes());
  absl::StatusOr<std::vector<AccessScope>> scopes = access_scopes.ListAccessScopes();
  REQUIRE(scopes.ok());
  REQUIRE(scopes->size() == 1);
  CHECK(scopes->front().id == kUnrestrictedScopeId);
  CHECK(scopes->front().unrestricted());
  CHECK(scopes->front().rules == ScopeRules{});
}

TEST_CASE("an access scope and its rules round-trip through create, get, update and delete",
          "[access_scope_store]") {
  StorageFixture storage;
  BlockingAccessScopeStore access_scopes(storage.access_scopes());
  absl::StatusOr<AccessScope> created =
      access_scopes.CreateAccessScope(AccessScopeSpec{"Production", "prod only", ProdRules()});
  REQUIRE(created.ok());
  CHECK(IsUuid(created->id));
  CHECK(created->name == "Production");
  CHECK(created->description == "prod only");
  CHECK(created->rules == ProdRules());
  CHECK(created->origin == Origin::kApi);
  CHECK_FALSE(created->unrestricted());

  absl::StatusOr<AccessScope> got = access_scopes.GetAccessScope(created->id);
  REQUIRE(got.ok());
  CHECK(got->rules == ProdRules());

  ScopeRules narrower;
  narrower.namespaces = {{"prod-eu", "payments"}};
  absl::StatusOr<AccessScope> updated =
      access_scopes.UpdateAccessScope(created->id, AccessScopeSpec{"Payments", "", narrower});
  REQUIRE(updated.ok());
  CHECK(updated->name == "Payments");
  CHECK(updated->rules == narrower);
  CHECK(access_scopes.ListAccessScopes()->size() == 2);

  REQUIRE(access_scopes.DeleteAccessScope(created->id).ok());
  CHECK(access_scopes.GetAccessScope(created->id).status().code() == StatusCode::kNotFound);
}

TEST_CASE("access scope errors: NOT_FOUND, bad id, ALREADY_EXISTS", "[access_scope_store]") {
  StorageFixture storage;
  BlockingAccessScopeStore access_scopes(storage.access_scopes());
  const std::string id = NewUuidV4();
  for (const absl::Status& status : {access_scopes.GetAccessScope(id).status(),
                                     access_scopes.UpdateAccessScope(id, {"x", "", {}}).status(),
                                     access_scopes.DeleteAccessScope(id)}) {
    CHECK(status.code() == StatusCode::kNotFound);
    CHECK(status.message() == absl::StrCat("access scope ", id, " not found"));
  }
  CHECK(access_scopes.GetAccessScope("nope").status().message() ==
        "access scope id is not a valid UUID");

  const absl::Status duplicate = access_scopes.CreateAccessScope({"Unrestricted", "", {}}).status();
  CHECK(duplicate.code() == StatusCode::kAlreadyExists);
  CHECK(duplicate.message() == "an access scope named Unrestricted already exists");
}

TEST_CASE("the Unrestricted scope is read-only", "[access_scope_store]") {
  StorageFixture storage;
  BlockingAccessScopeStore access_scopes(storage.access_scopes());
  const absl::Status updated =
      access_scopes.UpdateAccessScope(kUnrestrictedScopeId, {"Everything", "", {}}).status();
  CHECK(updated.code() == StatusCode::kFailedPrecondition);
  CHECK(updated.message() == "access scope Unrestricted is built in and read-only");
  const absl::Status deleted = access_scopes.DeleteAccessScope(kUnrestrictedScopeId);
  CHECK(deleted.code() == StatusCode::kFailedPrecondition);
  CHECK(deleted.message() == "access scope Unrestricted is built in and read-only");
}

TEST_CASE("deleting an access scope that roles use names them", "[access_scope_store]") {
  StorageFixture storage;
  BlockingAccessScopeStore access_scopes(storage.access_scopes());
  BlockingRoleStore roles(storage.roles());
  absl::StatusOr<AccessScope> scope = access_scopes.CreateAccessScope({"Prod", "", ProdRules()});
  REQUIRE(scope.ok());
  for (const char* name : {"Prod reader", "Prod admin"}) {
    REQUIRE(roles.CreateRole(RoleSpec{name, "", kAdminPermissionSetId, scope->id}).ok());
  }
  const absl::Status deleted = access_scopes.DeleteAccessScope(scope->id);
  CHECK(deleted.code() == StatusCode::kFailedPrecondition);
  CHECK(deleted.message() == "access scope Prod is used by 2 roles: Prod admin, Prod reader");
  CHECK(access_scopes.GetAccessScope(scope->id).ok());
}

}  // namespace
}  // namespace warden::storage::testing
