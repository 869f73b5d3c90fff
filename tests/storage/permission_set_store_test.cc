#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/random.h"
#include "domain/role.h"
#include "tests/storage/blocking_role_stores.h"
#include "tests/storage/storage_fixture.h"

namespace warden::storage::testing {
namespace {

using absl::StatusCode;

PermissionSetSpec Spec(std::string name, PermissionMap permissions = {}) {
  return PermissionSetSpec{std::move(name), "a description", std::move(permissions)};
}

RoleSpec RoleUsing(std::string name, const std::string& set_id) {
  return RoleSpec{std::move(name), "", set_id, kUnrestrictedScopeId};
}

TEST_CASE("ListResources returns the 24 default resources sorted", "[permission_set_store]") {
  StorageFixture storage;
  BlockingPermissionSetStore permission_sets(storage.permission_sets());
  absl::StatusOr<std::vector<std::string>> resources = permission_sets.ListResources();
  REQUIRE(resources.ok());
  CHECK(resources->size() == 24);
  CHECK(std::is_sorted(resources->begin(), resources->end()));
  CHECK(resources->front() == "Access");
}

TEST_CASE("a permission set round-trips through create, get, list, update and delete",
          "[permission_set_store]") {
  StorageFixture storage;
  BlockingPermissionSetStore permission_sets(storage.permission_sets());
  const PermissionMap permissions{
      {"Image", Access::kReadWrite}, {"Detection", Access::kRead}, {"Secret", Access::kNoAccess}};
  absl::StatusOr<PermissionSet> created =
      permission_sets.CreatePermissionSet(Spec("CI 'quoted'", permissions));
  REQUIRE(created.ok());
  CHECK(IsUuid(created->id));
  CHECK(created->name == "CI 'quoted'");
  CHECK(created->description == "a description");
  CHECK(created->permissions == permissions);
  CHECK(created->origin == Origin::kApi);

  absl::StatusOr<PermissionSet> got = permission_sets.GetPermissionSet(created->id);
  REQUIRE(got.ok());
  CHECK(got->name == created->name);
  CHECK(got->permissions == permissions);

  absl::StatusOr<std::vector<PermissionSet>> listed = permission_sets.ListPermissionSets();
  REQUIRE(listed.ok());
  CHECK(listed->size() == 8);  // the seven built-in sets and this one
  CHECK(std::any_of(listed->begin(), listed->end(),
                    [&](const PermissionSet& s) { return s.id == created->id; }));

  PermissionSetSpec changed = Spec("CI renamed", {{"Alert", Access::kRead}});
  changed.description = "";
  absl::StatusOr<PermissionSet> updated = permission_sets.UpdatePermissionSet(created->id, changed);
  REQUIRE(updated.ok());
  CHECK(updated->id == created->id);
  CHECK(updated->name == "CI renamed");
  CHECK(updated->description.empty());
  CHECK(updated->permissions == PermissionMap{{"Alert", Access::kRead}});

  // Emptying a set is allowed: it then grants nothing.
  absl::StatusOr<PermissionSet> emptied =
      permission_sets.UpdatePermissionSet(created->id, Spec("Empty"));
  REQUIRE(emptied.ok());
  CHECK(emptied->permissions.empty());

  REQUIRE(permission_sets.DeletePermissionSet(created->id).ok());
  CHECK(permission_sets.GetPermissionSet(created->id).status().code() == StatusCode::kNotFound);
}

TEST_CASE("unknown permission set ids are NOT_FOUND and malformed ones INVALID_ARGUMENT",
          "[permission_set_store]") {
  StorageFixture storage;
  BlockingPermissionSetStore permission_sets(storage.permission_sets());
  const std::string id = NewUuidV4();
  const std::string not_found = absl::StrCat("permission set ", id, " not found");
  for (const absl::Status& status : {permission_sets.GetPermissionSet(id).status(),
                                     permission_sets.UpdatePermissionSet(id, Spec("x")).status(),
                                     permission_sets.DeletePermissionSet(id)}) {
    CHECK(status.code() == StatusCode::kNotFound);
    CHECK(status.message() == not_found);
  }
  const std::string bad = "eyJhbGciOiJFUzI1NiJ9.secret";
  for (const absl::Status& status : {permission_sets.GetPermissionSet(bad).status(),
                                     permission_sets.UpdatePermissionSet(bad, Spec("x")).status(),
                                     permission_sets.DeletePermissionSet(bad)}) {
    CHECK(status.code() == StatusCode::kInvalidArgument);
    CHECK(status.message() == "permission set id is not a valid UUID");
  }
}

TEST_CASE("a duplicate permission set name is ALREADY_EXISTS", "[permission_set_store]") {
  StorageFixture storage;
  BlockingPermissionSetStore permission_sets(storage.permission_sets());
  absl::StatusOr<PermissionSet> first = permission_sets.CreatePermissionSet(Spec("Ops"));
  REQUIRE(first.ok());
  absl::StatusOr<PermissionSet> again = permission_sets.CreatePermissionSet(Spec("Ops"));
  CHECK(again.status().code() == StatusCode::kAlreadyExists);
  CHECK(again.status().message() == "a permission set named Ops already exists");

  // Renaming onto a built-in set's name too.
  absl::StatusOr<PermissionSet> renamed =
      permission_sets.UpdatePermissionSet(first->id, Spec("Analyst"));
  CHECK(renamed.status().code() == StatusCode::kAlreadyExists);
  CHECK(renamed.status().message() == "a permission set named Analyst already exists");
}

TEST_CASE("unknown resources are INVALID_ARGUMENT naming every one", "[permission_set_store]") {
  StorageFixture storage;
  BlockingPermissionSetStore permission_sets(storage.permission_sets());
  const PermissionMap permissions{
      {"Image", Access::kRead}, {"Zebra", Access::kRead}, {"Apple", Access::kReadWrite}};
  absl::StatusOr<PermissionSet> created =
      permission_sets.CreatePermissionSet(Spec("Ops", permissions));
  CHECK(created.status().code() == StatusCode::kInvalidArgument);
  CHECK(created.status().message() == "permission set Ops names unknown resources Apple, Zebra");

  absl::StatusOr<PermissionSet> ok = permission_sets.CreatePermissionSet(Spec("Ops"));
  REQUIRE(ok.ok());
  absl::StatusOr<PermissionSet> updated =
      permission_sets.UpdatePermissionSet(ok->id, Spec("Ops", {{"Nope", Access::kRead}}));
  CHECK(updated.status().code() == StatusCode::kInvalidArgument);
  CHECK(updated.status().message() == "permission set Ops names unknown resource Nope");
  // Nothing was written.
  CHECK(permission_sets.ListPermissionSets()->size() == 8);
  CHECK(permission_sets.GetPermissionSet(ok->id)->permissions.empty());
}

TEST_CASE("an access level outside the enum is INVALID_ARGUMENT", "[permission_set_store]") {
  StorageFixture storage;
  BlockingPermissionSetStore permission_sets(storage.permission_sets());
  absl::StatusOr<PermissionSet> created =
      permission_sets.CreatePermissionSet(Spec("Ops", {{"Image", static_cast<Access>(7)}}));
  CHECK(created.status().code() == StatusCode::kInvalidArgument);
  CHECK(created.status().message() ==
        "permission set Ops: access level 7 for resource Image is not valid");
}

TEST_CASE("built-in permission sets are read-only", "[permission_set_store]") {
  StorageFixture storage;
  BlockingPermissionSetStore permission_sets(storage.permission_sets());
  const absl::Status updated =
      permission_sets.UpdatePermissionSet(kAdminPermissionSetId, Spec("Admin")).status();
  CHECK(updated.code() == StatusCode::kFailedPrecondition);
  CHECK(updated.message() == "permission set Admin is built in and read-only");
  const absl::Status deleted = permission_sets.DeletePermissionSet(kAdminPermissionSetId);
  CHECK(deleted.code() == StatusCode::kFailedPrecondition);
  CHECK(deleted.message() == "permission set Admin is built in and read-only");
}

TEST_CASE("deleting a permission set that roles use names them", "[permission_set_store]") {
  StorageFixture storage;
  BlockingPermissionSetStore permission_sets(storage.permission_sets());
  BlockingRoleStore roles(storage.roles());
  absl::StatusOr<PermissionSet> set = permission_sets.CreatePermissionSet(Spec("Ops"));
  REQUIRE(set.ok());

  SECTION("a few roles: all named, sorted") {
    for (const char* name : {"zeta", "Alpha", "beta"}) {
      REQUIRE(roles.CreateRole(RoleUsing(name, set->id)).ok());
    }
    const absl::Status deleted = permission_sets.DeletePermissionSet(set->id);
    CHECK(deleted.code() == StatusCode::kFailedPrecondition);
    CHECK(deleted.message() == "permission set Ops is used by 3 roles: Alpha, beta, zeta");
  }
  SECTION("many roles: the first 20 and how many more") {
    for (int i = 0; i < 23; ++i) {
      REQUIRE(roles.CreateRole(RoleUsing(absl::StrCat("role ", i + 10), set->id)).ok());
    }
    const absl::Status deleted = permission_sets.DeletePermissionSet(set->id);
    CHECK(deleted.code() == StatusCode::kFailedPrecondition);
    CHECK(absl::StartsWith(deleted.message(),
                           "permission set Ops is used by 23 roles: role 10, role 11, "));
    CHECK(absl::EndsWith(deleted.message(), "role 28, role 29 and 3 more"));
  }
  SECTION("once the role is gone, the delete succeeds") {
    REQUIRE(roles.CreateRole(RoleUsing("only", set->id)).ok());
    CHECK(permission_sets.DeletePermissionSet(set->id).message() ==
          "permission set Ops is used by 1 role: only");
    REQUIRE(roles.DeleteRole("only", TestEpoch()).ok());
    CHECK(permission_sets.DeletePermissionSet(set->id).ok());
  }
}

}  // namespace
}  // namespace warden::storage::testing
