// End to end: RoleService writes follow the no-escalation rule. Each
// test is the attack as a token holding only role-management rights would run it; before,
// every one of them ended with an Admin token.

#include <catch2/catch.hpp>

#include "tests/e2e/api_client.h"
#include "tests/e2e/role_client.h"
#include "tests/e2e/warden_process.h"
#include "tests/support/test_database.h"

namespace warden::testing {
namespace {

using Stub = v1::RoleService::Stub;

// A server, the admin, and an attacker: a token whose only role ("Role Manager") grants
// Access READ_WRITE, as someone trusted to manage roles but nothing else would hold.
class EscalationFixture {
 public:
  EscalationFixture()
      : server_({{"WARDEN_DATABASE_URL", database_.url()}}),
        api_(server_.channel()),
        roles_(server_.channel()) {
    server_.Start();
    admin_ = server_.AdminAuthorization();
    auto set = roles_.CreatePermissionSet(admin_, "Role management",
                                          {{"Access", v1::ACCESS_LEVEL_READ_WRITE_ACCESS}});
    REQUIRE(set.ok());
    own_set_id_ = set.response.permission_set().id();
    REQUIRE(roles_.CreateRole(admin_, "Role Manager", own_set_id_).ok());
    auto minted = api_.Generate(admin_, "role manager", {"Role Manager"});
    REQUIRE(minted.ok());
    attacker_ = Bearer(minted.response.token());
  }

  std::string AdminSetId() {
    auto sets = roles_.Call(&Stub::ListPermissionSets, attacker_, v1::ListPermissionSetsRequest());
    REQUIRE(sets.ok());
    for (const auto& set : sets.response.permission_sets()) {
      if (set.name() == "Admin") return set.id();
    }
    FAIL("no Admin permission set");
    return "";
  }

  // What an attack would end with: an Admin token. Must be refused.
  void CheckNoAdminToken() {
    auto admin_token = api_.Generate(attacker_, "loot", {"Admin"});
    CHECK(admin_token.code() == grpc::StatusCode::PERMISSION_DENIED);
    auto status = api_.AuthStatus(attacker_);
    REQUIRE(status.ok());
    const auto& permissions = status.response.identity().permissions();
    const auto image = permissions.find("Image");
    CHECK((image == permissions.end() || image->second != v1::ACCESS_LEVEL_READ_WRITE_ACCESS));
  }

  TestDatabase database_;
  WardenProcess server_;
  ApiClient api_;
  RoleClient roles_;
  std::string admin_;
  std::string attacker_;
  std::string own_set_id_;
};

TEST_CASE_METHOD(EscalationFixture,
                 "UpdateRole cannot point the caller's own role at Admin's permission set") {
  v1::UpdateRoleRequest update;
  update.mutable_role()->set_name("Role Manager");
  update.mutable_role()->set_permission_set_id(AdminSetId());
  auto refused = roles_.Call(&Stub::UpdateRole, attacker_, update);
  CHECK(refused.code() == grpc::StatusCode::PERMISSION_DENIED);
  CHECK_THAT(refused.message(), Catch::Contains("role Role Manager"));
  CHECK_THAT(refused.message(),
             Catch::Contains("Image in scope Unrestricted (requested READ_WRITE_ACCESS, held "
                             "NO_ACCESS)"));
  CheckNoAdminToken();
  // The admin holds everything, so the same edit is the admin's to make.
  CHECK(roles_.Call(&Stub::UpdateRole, admin_, update).ok());
}

TEST_CASE_METHOD(EscalationFixture,
                 "UpdatePermissionSet cannot raise the caller's own permission set") {
  v1::UpdatePermissionSetRequest update;
  update.mutable_permission_set()->set_id(own_set_id_);
  update.mutable_permission_set()->set_name("Role management");
  (*update.mutable_permission_set()->mutable_resource_to_access())["Access"] =
      v1::ACCESS_LEVEL_READ_WRITE_ACCESS;
  (*update.mutable_permission_set()->mutable_resource_to_access())["Image"] =
      v1::ACCESS_LEVEL_READ_WRITE_ACCESS;
  auto refused = roles_.Call(&Stub::UpdatePermissionSet, attacker_, update);
  CHECK(refused.code() == grpc::StatusCode::PERMISSION_DENIED);
  CHECK_THAT(refused.message(), Catch::Contains("Image in scope Unrestricted"));
  CheckNoAdminToken();
  // Within what the caller holds, the edit is allowed (here: dropping nothing, renaming).
  update.mutable_permission_set()->mutable_resource_to_access()->erase("Image");
  update.mutable_permission_set()->set_name("Role management, renamed");
  CHECK(roles_.Call(&Stub::UpdatePermissionSet, attacker_, update).ok());
}

TEST_CASE_METHOD(EscalationFixture,
                 "CreatePermissionSet then CreateRole cannot build a role beyond the caller") {
  auto set = roles_.CreatePermissionSet(
      attacker_, "Everything",
      {{"Image", v1::ACCESS_LEVEL_READ_WRITE_ACCESS}, {"Secret", v1::ACCESS_LEVEL_READ_ACCESS}});
  REQUIRE(set.ok());  // a set alone grants nothing
  auto role = roles_.CreateRole(attacker_, "Backdoor", set.response.permission_set().id());
  CHECK(role.code() == grpc::StatusCode::PERMISSION_DENIED);
  CHECK_THAT(role.message(), Catch::Contains("role Backdoor"));
  CHECK_THAT(role.message(), Catch::Contains("Secret in scope Unrestricted"));
  auto listed = roles_.Call(&Stub::GetRole, admin_, [] {
    v1::GetRoleRequest get;
    get.set_name("Backdoor");
    return get;
  }());
  CHECK(listed.code() == grpc::StatusCode::NOT_FOUND);  // rolled back
  // A role within the caller's own permissions is fine.
  auto modest =
      roles_.CreatePermissionSet(attacker_, "Modest", {{"Access", v1::ACCESS_LEVEL_READ_ACCESS}});
  REQUIRE(modest.ok());
  CHECK(roles_.CreateRole(attacker_, "Access reader", modest.response.permission_set().id()).ok());
}

TEST_CASE_METHOD(EscalationFixture,
                 "UpdateAccessScope cannot widen the scope of a role the caller holds") {
  // The attacker also holds Image READ_WRITE, but only in cluster "staging".
  v1::CreateAccessScopeRequest create;
  create.mutable_access_scope()->set_name("Staging");
  create.mutable_access_scope()->mutable_rules()->add_clusters("staging");
  auto scope = roles_.Call(&Stub::CreateAccessScope, admin_, create);
  REQUIRE(scope.ok());
  auto images =
      roles_.CreatePermissionSet(admin_, "Images", {{"Image", v1::ACCESS_LEVEL_READ_WRITE_ACCESS}});
  REQUIRE(images.ok());
  REQUIRE(roles_
              .CreateRole(admin_, "Staging images", images.response.permission_set().id(),
                          scope.response.access_scope().id())
              .ok());
  auto minted = api_.Generate(admin_, "scoped manager", {"Role Manager", "Staging images"});
  REQUIRE(minted.ok());
  const std::string scoped = Bearer(minted.response.token());

  v1::UpdateAccessScopeRequest widen;
  *widen.mutable_access_scope() = scope.response.access_scope();
  widen.mutable_access_scope()->mutable_rules()->add_clusters("production");
  auto refused = roles_.Call(&Stub::UpdateAccessScope, scoped, widen);
  CHECK(refused.code() == grpc::StatusCode::PERMISSION_DENIED);
  CHECK_THAT(refused.message(), Catch::Contains("role Staging images"));
  CHECK_THAT(refused.message(), Catch::Contains("Image in scope Staging"));
  // Unchanged: still staging only.
  v1::GetAccessScopeRequest get;
  get.set_id(scope.response.access_scope().id());
  auto stored = roles_.Call(&Stub::GetAccessScope, admin_, get);
  REQUIRE(stored.ok());
  CHECK(stored.response.access_scope().rules().clusters_size() == 1);
  CHECK(roles_.Call(&Stub::UpdateAccessScope, admin_, widen).ok());
}

}  // namespace
}  // namespace warden::testing
