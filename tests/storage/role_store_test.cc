#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/random.h"
#include "domain/access.h"
#include "domain/role.h"
#include "tests/storage/blocking_role_stores.h"
#include "tests/storage/storage_fixture.h"
#include "tests/support/default_resources.h"

namespace warden::storage::testing {
namespace {

using absl::StatusCode;

const std::vector<std::string>& kDefaultResources = DefaultResources();

std::map<std::string, Role> ByName(const std::vector<Role>& roles) {
  std::map<std::string, Role> out;
  for (const Role& role : roles) out.emplace(role.name, role);
  return out;
}

TEST_CASE("the seed holds the seven default roles", "[role_store]") {
  StorageFixture storage;
  absl::StatusOr<std::vector<Role>> roles = storage.LoadRoles();
  REQUIRE(roles.ok());

  std::vector<std::string> names;
  for (const Role& role : *roles) names.push_back(role.name);
  CHECK(names == std::vector<std::string>{"Admin", "Analyst", "Continuous Integration",
                                          "Network Graph Viewer", "None", "Sensor Creator",
                                          "Vulnerability Report Creator"});
  for (const Role& role : *roles) {
    INFO(role.name);
    CHECK(role.built_in());
    CHECK(role.permission_set.built_in());
    CHECK_FALSE(role.permission_set.id.empty());
    CHECK(role.access_scope.unrestricted());
    CHECK(role.access_scope.id == "a0a0a0a0-0000-4000-8000-000000000001");
  }
}

TEST_CASE("Admin has READ_WRITE on all 24 resources", "[role_store]") {
  StorageFixture storage;
  absl::StatusOr<std::vector<Role>> roles = storage.LoadRoles();
  REQUIRE(roles.ok());
  const PermissionMap admin = ByName(*roles).at("Admin").permission_set.permissions;
  CHECK(admin.size() == 24);
  for (const std::string& resource : kDefaultResources) {
    INFO(resource);
    CHECK(AccessFor(admin, resource) == Access::kReadWrite);
  }
}

TEST_CASE("Analyst reads everything but Administration", "[role_store]") {
  StorageFixture storage;
  absl::StatusOr<std::vector<Role>> roles = storage.LoadRoles();
  REQUIRE(roles.ok());
  const PermissionMap analyst = ByName(*roles).at("Analyst").permission_set.permissions;
  CHECK(AccessFor(analyst, "Administration") == Access::kNoAccess);
  CHECK(analyst.size() == 23);
  for (const std::string& resource : kDefaultResources) {
    if (resource == "Administration") continue;
    INFO(resource);
    CHECK(AccessFor(analyst, resource) == Access::kRead);
  }
}

TEST_CASE("the smaller default roles grant exactly what SPEC lists", "[role_store]") {
  StorageFixture storage;
  absl::StatusOr<std::vector<Role>> roles = storage.LoadRoles();
  REQUIRE(roles.ok());
  const std::map<std::string, Role> by_name = ByName(*roles);
  auto permissions = [&](const std::string& name) {
    return by_name.at(name).permission_set.permissions;
  };
  CHECK(permissions("Continuous Integration") ==
        PermissionMap{{"Detection", Access::kRead}, {"Image", Access::kReadWrite}});
  CHECK(permissions("Sensor Creator") ==
        PermissionMap{{"Administration", Access::kReadWrite}, {"Cluster", Access::kReadWrite}});
  CHECK(permissions("Network Graph Viewer") == PermissionMap{{"Deployment", Access::kRead},
                                                             {"NetworkGraph", Access::kRead},
                                                             {"NetworkPolicy", Access::kRead}});
  CHECK(permissions("Vulnerability Report Creator") ==
        PermissionMap{{"Integration", Access::kRead},
                      {"WorkflowAdministration", Access::kReadWrite}});
  CHECK(permissions("None").empty());
}

TEST_CASE("LoadAll reports origins and scope rules", "[role_store]") {
  StorageFixture storage;
  BlockingAccessScopeStore access_scopes(storage.access_scopes());
  BlockingRoleStore roles(storage.roles());
  ScopeRules rules;
  rules.clusters = {"prod"};
  rules.namespaces = {{"staging", "payments"}};
  absl::StatusOr<AccessScope> scope = access_scopes.CreateAccessScope({"Prod", "", rules});
  REQUIRE(scope.ok());
  REQUIRE(roles.CreateRole({"Prod admin", "admin in prod", kAdminPermissionSetId, scope->id}).ok());

  absl::StatusOr<std::vector<Role>> all = roles.LoadAll();
  REQUIRE(all.ok());
  const std::map<std::string, Role> by_name = ByName(*all);
  const Role& role = by_name.at("Prod admin");
  CHECK(role.origin == Origin::kApi);
  CHECK(role.description == "admin in prod");
  CHECK(role.permission_set.origin == Origin::kBuiltIn);
  CHECK(role.permission_set.permissions.size() == 24);
  CHECK(role.access_scope.origin == Origin::kApi);
  CHECK(role.access_scope.rules == rules);
  CHECK(by_name.at("Admin").origin == Origin::kBuiltIn);
}

TEST_CASE("a role round-trips through create, get, update and delete", "[role_store]") {
  StorageFixture storage;
  BlockingPermissionSetStore permission_sets(storage.permission_sets());
  BlockingAccessScopeStore access_scopes(storage.access_scopes());
  BlockingRoleStore roles(storage.roles());
  absl::StatusOr<PermissionSet> set =
      permission_sets.CreatePermissionSet({"Readers", "", {{"Image", Access::kRead}}});
  REQUIRE(set.ok());

  absl::StatusOr<Role> created =
      roles.CreateRole({"Image reader", "reads images", set->id, kUnrestrictedScopeId});
  REQUIRE(created.ok());
  CHECK(created->name == "Image reader");
  CHECK(created->description == "reads images");
  CHECK(created->origin == Origin::kApi);
  CHECK(created->permission_set.id == set->id);
  CHECK(created->permission_set.permissions == PermissionMap{{"Image", Access::kRead}});
  CHECK(created->access_scope.unrestricted());

  absl::StatusOr<Role> got = roles.GetRole("Image reader");
  REQUIRE(got.ok());
  CHECK(got->permission_set.id == set->id);

  // Editing the role's permission set takes effect for the role (and its tokens).
  REQUIRE(
      permission_sets.UpdatePermissionSet(set->id, {"Readers", "", {{"Image", Access::kReadWrite}}})
          .ok());
  CHECK(roles.GetRole("Image reader")->permission_set.permissions ==
        PermissionMap{{"Image", Access::kReadWrite}});

  absl::StatusOr<AccessScope> scope = access_scopes.CreateAccessScope({"Prod", "", {}});
  REQUIRE(scope.ok());
  absl::StatusOr<Role> updated =
      roles.UpdateRole({"Image reader", "", kAdminPermissionSetId, scope->id});
  REQUIRE(updated.ok());
  CHECK(updated->description.empty());
  CHECK(updated->permission_set.name == "Admin");
  CHECK(updated->access_scope.name == "Prod");

  REQUIRE(roles.DeleteRole("Image reader", TestEpoch()).ok());
  CHECK(roles.GetRole("Image reader").status().code() == StatusCode::kNotFound);
}

TEST_CASE("role errors: NOT_FOUND, ALREADY_EXISTS, unknown or malformed references",
          "[role_store]") {
  StorageFixture storage;
  BlockingRoleStore roles(storage.roles());
  const RoleSpec ghost{"Ghost", "", kAdminPermissionSetId, kUnrestrictedScopeId};
  for (const absl::Status& status :
       {roles.GetRole("Ghost").status(), roles.UpdateRole(ghost).status(),
        roles.DeleteRole("Ghost", TestEpoch())}) {
    CHECK(status.code() == StatusCode::kNotFound);
    CHECK(status.message() == "role Ghost not found");
  }

  const absl::Status duplicate =
      roles.CreateRole({"Admin", "", kAdminPermissionSetId, kUnrestrictedScopeId}).status();
  CHECK(duplicate.code() == StatusCode::kAlreadyExists);
  CHECK(duplicate.message() == "a role named Admin already exists");

  const std::string unknown = NewUuidV4();
  const absl::Status no_set = roles.CreateRole({"R", "", unknown, kUnrestrictedScopeId}).status();
  CHECK(no_set.code() == StatusCode::kInvalidArgument);
  CHECK(no_set.message() == absl::StrCat("permission set ", unknown, " does not exist"));
  const absl::Status no_scope =
      roles.CreateRole({"R", "", kAdminPermissionSetId, unknown}).status();
  CHECK(no_scope.code() == StatusCode::kInvalidArgument);
  CHECK(no_scope.message() == absl::StrCat("access scope ", unknown, " does not exist"));
  const absl::Status malformed =
      roles.CreateRole({"R", "", "admin", kUnrestrictedScopeId}).status();
  CHECK(malformed.code() == StatusCode::kInvalidArgument);
  CHECK(malformed.message() == "permission set id is not a valid UUID");

  REQUIRE(roles.CreateRole({"R", "", kAdminPermissionSetId, kUnrestrictedScopeId}).ok());
  const absl::Status update_no_set =
      roles.UpdateRole({"R", "", unknown, kUnrestrictedScopeId}).status();
  CHECK(update_no_set.code() == StatusCode::kInvalidArgument);
  CHECK(update_no_set.message() == absl::StrCat("permission set ", unknown, " does not exist"));
  CHECK(roles.GetRole("R")->permission_set.id == kAdminPermissionSetId);
}

TEST_CASE("built-in roles are read-only", "[role_store]") {
  StorageFixture storage;
  BlockingRoleStore roles(storage.roles());
  const absl::Status updated =
      roles.UpdateRole({"Admin", "mine now", kAdminPermissionSetId, kUnrestrictedScopeId}).status();
  CHECK(updated.code() == StatusCode::kFailedPrecondition);
  CHECK(updated.message() == "role Admin is built in and read-only");
  const absl::Status deleted = roles.DeleteRole("Continuous Integration", TestEpoch());
  CHECK(deleted.code() == StatusCode::kFailedPrecondition);
  CHECK(deleted.message() == "role Continuous Integration is built in and read-only");
}

TEST_CASE("deleting a role that live tokens hold names ten of them and the count", "[role_store]") {
  StorageFixture storage;
  BlockingRoleStore roles(storage.roles());
  REQUIRE(roles.CreateRole({"Deployer", "", kAdminPermissionSetId, kUnrestrictedScopeId}).ok());
  std::vector<TokenMetadata> tokens;
  for (int i = 0; i < 12; ++i) {
    TokenMetadata token = NewToken(TestEpoch() + absl::Seconds(i), absl::StrCat("deploy ", i));
    token.roles = {"Analyst", "Deployer"};
    REQUIRE(storage.Insert(token).ok());
    tokens.push_back(token);
  }
  const absl::Status deleted = roles.DeleteRole("Deployer", TestEpoch() + absl::Hours(1));
  CHECK(deleted.code() == StatusCode::kFailedPrecondition);
  std::string expected = "role Deployer is used by 12 live tokens: ";
  for (int i = 0; i < 10; ++i) {
    absl::StrAppend(&expected, i == 0 ? "" : ", ", tokens[i].name, " (", tokens[i].id, ")");
  }
  absl::StrAppend(&expected, " and 2 more");
  CHECK(deleted.message() == expected);
  CHECK(roles.GetRole("Deployer").ok());
}

TEST_CASE("a role held only by expired or revoked tokens can be deleted", "[role_store]") {
  StorageFixture storage;
  BlockingRoleStore roles(storage.roles());
  REQUIRE(roles.CreateRole({"Deployer", "", kAdminPermissionSetId, kUnrestrictedScopeId}).ok());
  TokenMetadata expired = NewToken(TestEpoch(), "expired");
  expired.roles = {"Deployer"};
  expired.expires_at = TestEpoch() + absl::Hours(1);
  TokenMetadata revoked = NewToken(TestEpoch(), "revoked");
  revoked.roles = {"Deployer"};
  REQUIRE(storage.Insert(expired).ok());
  REQUIRE(storage.Insert(revoked).ok());
  REQUIRE(storage.Revoke(revoked.id, TestEpoch() + absl::Minutes(1)).ok());

  // At the instant it expires, a token is no longer live.
  const absl::Status deleted = roles.DeleteRole("Deployer", expired.expires_at);
  INFO(deleted.ToString());
  CHECK(deleted.ok());
  CHECK(roles.GetRole("Deployer").status().code() == StatusCode::kNotFound);
}

TEST_CASE("a token whose role was deleted is refused by Insert", "[role_store]") {
  StorageFixture storage;
  BlockingRoleStore roles(storage.roles());
  REQUIRE(roles.CreateRole({"Temp", "", kAdminPermissionSetId, kUnrestrictedScopeId}).ok());
  REQUIRE(roles.DeleteRole("Temp", TestEpoch()).ok());

  TokenMetadata token = NewToken(TestEpoch());
  token.roles = {"Analyst", "Temp"};
  const absl::Status one = storage.Insert(token);
  CHECK(one.code() == StatusCode::kFailedPrecondition);
  CHECK(one.message() == "role Temp no longer exists");

  token.roles = {"Temp", "Analyst", "Never", "Temp"};
  const absl::Status two = storage.Insert(token);
  CHECK(two.code() == StatusCode::kFailedPrecondition);
  CHECK(two.message() == "roles Temp, Never no longer exist");
  CHECK(storage.Get(token.id).status().code() == StatusCode::kNotFound);
}

}  // namespace
}  // namespace warden::storage::testing
