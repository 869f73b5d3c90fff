// End to end: RoleService — custom roles, their integrity rules, and their effect on tokens.

#include <catch2/catch.hpp>

#include "tests/e2e/api_client.h"
#include "tests/e2e/role_client.h"
#include "tests/e2e/warden_process.h"
#include "tests/support/test_database.h"

namespace warden::testing {
namespace {

using Stub = v1::RoleService::Stub;

class RoleFixture {
 public:
  RoleFixture()
      : server_({{"WARDEN_DATABASE_URL", database_.url()}}),
        api_(server_.channel()),
        roles_(server_.channel()) {
    server_.Start();
    admin_ = server_.AdminAuthorization();
  }

  // Creates a permission set and a role of the same name; returns the set's id.
  std::string MakeRole(const std::string& name, std::map<std::string, v1::AccessLevel> access) {
    auto set = roles_.CreatePermissionSet(admin_, name, access);
    INFO(set.message());
    REQUIRE(set.ok());
    auto role = roles_.CreateRole(admin_, name, set.response.permission_set().id());
    INFO(role.message());
    REQUIRE(role.ok());
    return set.response.permission_set().id();
  }

  std::string Mint(const std::string& authorization, const std::string& role) {
    auto minted = api_.Generate(authorization, role + " token", {role});
    INFO(minted.message());
    REQUIRE(minted.ok());
    return minted.response.token();
  }

  TestDatabase database_;
  WardenProcess server_;
  ApiClient api_;
  RoleClient roles_;
  std::string admin_;
};

constexpr auto kRead = v1::ACCESS_LEVEL_READ_ACCESS;
constexpr auto kWrite = v1::ACCESS_LEVEL_READ_WRITE_ACCESS;

TEST_CASE_METHOD(RoleFixture, "a custom Token Issuer may grant what it holds and no more") {
  std::string issuer_set =
      MakeRole("Token Issuer", {{"Access", kRead}, {"Integration", kWrite}, {"Image", kRead}});
  MakeRole("Image Reader", {{"Image", kRead}});
  std::string issuer = Mint(admin_, "Token Issuer");

  auto allowed = api_.Generate(Bearer(issuer), "reader", {"Image Reader"});
  INFO(allowed.message());
  CHECK(allowed.ok());
  CHECK(allowed.response.metadata().created_by().rfind("token:", 0) == 0);

  auto denied = api_.Generate(Bearer(issuer), "ci", {"Continuous Integration"});
  CHECK(denied.code() == grpc::StatusCode::PERMISSION_DENIED);
  CHECK_THAT(denied.message(),
             Catch::Contains("Image in scope Unrestricted (requested READ_WRITE_ACCESS, held "
                             "READ_ACCESS)"));

  auto allowed_roles = api_.AllowedRoles(Bearer(issuer));
  REQUIRE(allowed_roles.ok());
  std::vector<std::string> names(allowed_roles.response.role_names().begin(),
                                 allowed_roles.response.role_names().end());
  CHECK(names == std::vector<std::string>{"Image Reader", "Token Issuer"});
}

TEST_CASE_METHOD(RoleFixture, "a role that loses Integration write stops revoking at once") {
  std::string set_id = MakeRole("Revoker", {{"Access", kRead}, {"Integration", kWrite}});
  std::string revoker = Mint(admin_, "Revoker");
  auto victim = api_.Generate(admin_, "victim", {"Analyst"});
  REQUIRE(victim.ok());

  v1::UpdatePermissionSetRequest update;
  update.mutable_permission_set()->set_id(set_id);
  update.mutable_permission_set()->set_name("Revoker");
  (*update.mutable_permission_set()->mutable_resource_to_access())["Integration"] = kRead;
  auto updated = roles_.Call(&Stub::UpdatePermissionSet, admin_, update);
  INFO(updated.message());
  REQUIRE(updated.ok());

  auto denied = api_.Revoke(Bearer(revoker), victim.response.metadata().id());
  CHECK(denied.code() == grpc::StatusCode::PERMISSION_DENIED);
  CHECK_THAT(denied.message(), Catch::Contains("Integration (needs READ_WRITE_ACCESS"));
  auto status = api_.AuthStatus(Bearer(revoker));
  REQUIRE(status.ok());
  CHECK(status.response.identity().permissions().at("Integration") == kRead);
}

TEST_CASE_METHOD(RoleFixture, "objects in use cannot be deleted, and the error names the users") {
  std::string set_id = MakeRole("Deployer", {{"Deployment", kWrite}});
  auto live = api_.Generate(admin_, "deploy-bot", {"Deployer"});
  REQUIRE(live.ok());

  v1::DeletePermissionSetRequest delete_set;
  delete_set.set_id(set_id);
  auto set_in_use = roles_.Call(&Stub::DeletePermissionSet, admin_, delete_set);
  CHECK(set_in_use.code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK_THAT(set_in_use.message(), Catch::Contains("Deployer"));

  v1::DeleteRoleRequest delete_role;
  delete_role.set_name("Deployer");
  auto role_in_use = roles_.Call(&Stub::DeleteRole, admin_, delete_role);
  CHECK(role_in_use.code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK_THAT(role_in_use.message(), Catch::Contains("deploy-bot"));

  // A revoked token no longer holds the role in use.
  REQUIRE(api_.Revoke(admin_, live.response.metadata().id()).ok());
  CHECK(roles_.Call(&Stub::DeleteRole, admin_, delete_role).ok());
  CHECK(roles_.Call(&Stub::DeletePermissionSet, admin_, delete_set).ok());
  v1::GetRoleRequest get;
  get.set_name("Deployer");
  CHECK(roles_.Call(&Stub::GetRole, admin_, get).code() == grpc::StatusCode::NOT_FOUND);
  // Tokens that named the deleted role are rejected.
  CHECK(api_.AuthStatus(Bearer(live.response.token())).code() == grpc::StatusCode::UNAUTHENTICATED);
}

TEST_CASE_METHOD(RoleFixture, "built-in objects are read-only") {
  v1::UpdateRoleRequest update;
  update.mutable_role()->set_name("Admin");
  auto sets = roles_.Call(&Stub::ListPermissionSets, admin_, v1::ListPermissionSetsRequest());
  REQUIRE(sets.ok());
  REQUIRE(sets.response.permission_sets_size() == 7);
  update.mutable_role()->set_permission_set_id(sets.response.permission_sets(0).id());
  CHECK(roles_.Call(&Stub::UpdateRole, admin_, update).code() ==
        grpc::StatusCode::FAILED_PRECONDITION);

  v1::DeleteRoleRequest delete_role;
  delete_role.set_name("Analyst");
  auto denied = roles_.Call(&Stub::DeleteRole, admin_, delete_role);
  CHECK(denied.code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK_THAT(denied.message(), Catch::Contains("built in"));

  v1::DeletePermissionSetRequest delete_set;
  delete_set.set_id(sets.response.permission_sets(0).id());
  CHECK(roles_.Call(&Stub::DeletePermissionSet, admin_, delete_set).code() ==
        grpc::StatusCode::FAILED_PRECONDITION);

  auto scopes = roles_.Call(&Stub::ListAccessScopes, admin_, v1::ListAccessScopesRequest());
  REQUIRE(scopes.ok());
  REQUIRE(scopes.response.access_scopes_size() == 1);
  CHECK(scopes.response.access_scopes(0).name() == "Unrestricted");
  CHECK(scopes.response.access_scopes(0).origin() == v1::ORIGIN_BUILT_IN);
  v1::DeleteAccessScopeRequest delete_scope;
  delete_scope.set_id(scopes.response.access_scopes(0).id());
  CHECK(roles_.Call(&Stub::DeleteAccessScope, admin_, delete_scope).code() ==
        grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_CASE_METHOD(RoleFixture, "bad role requests are rejected with the reason") {
  CHECK(roles_.CreatePermissionSet(admin_, "", {{"Image", kRead}}).code() ==
        grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(roles_.CreatePermissionSet(admin_, std::string(129, 'x'), {}).code() ==
        grpc::StatusCode::INVALID_ARGUMENT);
  auto unknown = roles_.CreatePermissionSet(admin_, "typo", {{"Imagez", kRead}});
  CHECK(unknown.code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK_THAT(unknown.message(), Catch::Contains("Imagez"));
  CHECK(roles_.CreatePermissionSet(admin_, "unset", {{"Image", v1::ACCESS_LEVEL_UNSPECIFIED}})
            .code() == grpc::StatusCode::INVALID_ARGUMENT);

  std::string set_id = MakeRole("Once", {{"Image", kRead}});
  CHECK(roles_.CreatePermissionSet(admin_, "Once", {}).code() == grpc::StatusCode::ALREADY_EXISTS);
  CHECK(roles_.CreateRole(admin_, "Once", set_id).code() == grpc::StatusCode::ALREADY_EXISTS);
  CHECK(roles_.CreateRole(admin_, "Dangling", "5f0c3f5e-8d2a-4b5e-9a51-0c1d2e3f4a5b").code() ==
        grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(roles_.CreateRole(admin_, "Malformed", "not-an-id").code() ==
        grpc::StatusCode::INVALID_ARGUMENT);

  v1::GetPermissionSetRequest get;
  get.set_id("5f0c3f5e-8d2a-4b5e-9a51-0c1d2e3f4a5b");
  CHECK(roles_.Call(&Stub::GetPermissionSet, admin_, get).code() == grpc::StatusCode::NOT_FOUND);
  v1::DeleteRoleRequest missing;
  missing.set_name("Nobody");
  CHECK(roles_.Call(&Stub::DeleteRole, admin_, missing).code() == grpc::StatusCode::NOT_FOUND);
}

TEST_CASE_METHOD(RoleFixture, "reading roles needs READ Access, writing needs READ_WRITE Access") {
  std::string analyst = Mint(admin_, "Analyst");
  auto listed = roles_.Call(&Stub::ListRoles, Bearer(analyst), v1::ListRolesRequest());
  REQUIRE(listed.ok());
  CHECK(listed.response.roles_size() == 7);
  auto resources = roles_.Call(&Stub::ListResources, Bearer(analyst), v1::ListResourcesRequest());
  REQUIRE(resources.ok());
  CHECK(resources.response.resources_size() == 24);
  CHECK(roles_.CreatePermissionSet(Bearer(analyst), "mine", {}).code() ==
        grpc::StatusCode::PERMISSION_DENIED);
}

TEST_CASE_METHOD(RoleFixture, "scopes carry their rules and restrict what a scoped role covers") {
  v1::CreateAccessScopeRequest create;
  create.mutable_access_scope()->set_name("team-a");
  create.mutable_access_scope()->mutable_rules()->add_clusters("prod-eu");
  v1::NamespaceRef* ns = create.mutable_access_scope()->mutable_rules()->add_namespaces();
  ns->set_cluster("prod-us");
  ns->set_namespace_("payments");
  auto scope = roles_.Call(&Stub::CreateAccessScope, admin_, create);
  INFO(scope.message());
  REQUIRE(scope.ok());
  CHECK(scope.response.access_scope().origin() == v1::ORIGIN_API);

  v1::GetAccessScopeRequest get;
  get.set_id(scope.response.access_scope().id());
  auto got = roles_.Call(&Stub::GetAccessScope, admin_, get);
  REQUIRE(got.ok());
  CHECK(got.response.access_scope().rules().clusters(0) == "prod-eu");
  CHECK(got.response.access_scope().rules().namespaces(0).namespace_() == "payments");

  auto set = roles_.CreatePermissionSet(
      admin_, "Scoped Issuer", {{"Access", kRead}, {"Integration", kWrite}, {"Image", kWrite}});
  REQUIRE(set.ok());
  REQUIRE(roles_
              .CreateRole(admin_, "Scoped Issuer", set.response.permission_set().id(),
                          scope.response.access_scope().id())
              .ok());
  std::string scoped = Mint(admin_, "Scoped Issuer");
  // Scoped Image write does not cover the unrestricted Continuous Integration role.
  auto denied = api_.Generate(Bearer(scoped), "ci", {"Continuous Integration"});
  CHECK(denied.code() == grpc::StatusCode::PERMISSION_DENIED);
  CHECK_THAT(denied.message(), Catch::Contains("in scope Unrestricted"));

  v1::DeleteAccessScopeRequest delete_scope;
  delete_scope.set_id(scope.response.access_scope().id());
  auto in_use = roles_.Call(&Stub::DeleteAccessScope, admin_, delete_scope);
  CHECK(in_use.code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK_THAT(in_use.message(), Catch::Contains("Scoped Issuer"));
}

}  // namespace
}  // namespace warden::testing
