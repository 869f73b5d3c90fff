#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "domain/role.h"
#include "tests/storage/blocking_role_stores.h"
#include "tests/storage/storage_fixture.h"

namespace warden::storage::testing {
namespace {

using absl::StatusCode;

ScopeRules ProdRules() {
  ScopeRules rules;
  rules.clusters = {"prod"};
  rules.namespaces = {{"staging", "payments"}};
  return rules;
}

// Two sets, one scope, three roles: one on the file's set and scope, one on a built-in set
// with the default (Unrestricted) scope, one on the file's other set.
DeclarativeConfig BaseConfig() {
  DeclarativeConfig config;
  config.permission_sets = {
      {"Deploy readers", "reads deployments", {{"Deployment", Access::kRead}}},
      {"Image writers", "", {{"Image", Access::kReadWrite}}}};
  config.access_scopes = {{"Production", "prod only", ProdRules()}};
  config.roles = {{"Deploy reader", "", "Deploy readers", "Production"},
                  {"Declared analyst", "analyst everywhere", "Analyst", ""},
                  {"Image writer", "", "Image writers", ""}};
  return config;
}

std::map<std::string, Role> RolesByName(StorageFixture& storage) {
  absl::StatusOr<std::vector<Role>> all = BlockingRoleStore(storage.roles()).LoadAll();
  REQUIRE(all.ok());
  std::map<std::string, Role> out;
  for (const Role& role : *all) out.emplace(role.name, role);
  return out;
}

std::map<std::string, PermissionSet> SetsByName(StorageFixture& storage) {
  absl::StatusOr<std::vector<PermissionSet>> all =
      BlockingPermissionSetStore(storage.permission_sets()).ListPermissionSets();
  REQUIRE(all.ok());
  std::map<std::string, PermissionSet> out;
  for (const PermissionSet& set : *all) out.emplace(set.name, set);
  return out;
}

// Everything a reader of the role tables could see, to compare states.
std::string Snapshot(StorageFixture& storage) {
  std::string out;
  for (const auto& [name, role] : RolesByName(storage)) {
    absl::StrAppend(&out, name, "|", role.description, "|", role.permission_set.id, "|",
                    role.access_scope.id, "|", static_cast<int>(role.origin), "\n");
  }
  for (const auto& [name, set] : SetsByName(storage)) {
    absl::StrAppend(&out, name, "|", set.id, "|", set.description, "|");
    for (const auto& [resource, access] : set.permissions) {
      absl::StrAppend(&out, resource, "=", static_cast<int>(access), ",");
    }
    absl::StrAppend(&out, "\n");
  }
  absl::StatusOr<std::vector<AccessScope>> scopes =
      BlockingAccessScopeStore(storage.access_scopes()).ListAccessScopes();
  REQUIRE(scopes.ok());
  for (const AccessScope& scope : *scopes) {
    absl::StrAppend(&out, scope.name, "|", scope.id, "|", scope.rules.clusters.size(), "\n");
  }
  return out;
}

TEST_CASE("applying a declarative configuration creates its objects", "[declarative]") {
  StorageFixture storage;
  BlockingDeclarativeStore declarative(storage.declarative());
  absl::StatusOr<DeclarativeResult> result =
      declarative.ApplyDeclarative(BaseConfig(), TestEpoch());
  INFO(result.status().ToString());
  REQUIRE(result.ok());
  CHECK(result->permission_sets == DeclarativeChanges{2, 0, 0});
  CHECK(result->access_scopes == DeclarativeChanges{1, 0, 0});
  CHECK(result->roles == DeclarativeChanges{3, 0, 0});

  const std::map<std::string, Role> by_name = RolesByName(storage);
  const Role& reader = by_name.at("Deploy reader");
  CHECK(reader.origin == Origin::kDeclarative);
  CHECK(reader.permission_set.name == "Deploy readers");
  CHECK(reader.permission_set.origin == Origin::kDeclarative);
  CHECK(reader.permission_set.permissions == PermissionMap{{"Deployment", Access::kRead}});
  CHECK(reader.access_scope.name == "Production");
  CHECK(reader.access_scope.origin == Origin::kDeclarative);
  CHECK(reader.access_scope.rules == ProdRules());
  const Role& analyst = by_name.at("Declared analyst");
  CHECK(analyst.description == "analyst everywhere");
  CHECK(analyst.permission_set.id == "b0b0b0b0-0000-4000-8000-000000000002");
  CHECK(analyst.access_scope.unrestricted());
}

TEST_CASE("applying the same configuration again changes nothing", "[declarative]") {
  StorageFixture storage;
  BlockingDeclarativeStore declarative(storage.declarative());
  REQUIRE(declarative.ApplyDeclarative(BaseConfig(), TestEpoch()).ok());
  const std::string before = Snapshot(storage);
  absl::StatusOr<DeclarativeResult> again = declarative.ApplyDeclarative(BaseConfig(), TestEpoch());
  REQUIRE(again.ok());
  CHECK(again->total() == 0);
  CHECK(Snapshot(storage) == before);  // same ids too
}

TEST_CASE("a changed configuration updates only what changed", "[declarative]") {
  StorageFixture storage;
  BlockingDeclarativeStore declarative(storage.declarative());
  REQUIRE(declarative.ApplyDeclarative(BaseConfig(), TestEpoch()).ok());
  const std::string set_id = SetsByName(storage).at("Deploy readers").id;

  DeclarativeConfig changed = BaseConfig();
  changed.permission_sets[0].permissions = {{"Deployment", Access::kReadWrite},
                                            {"Alert", Access::kRead}};
  changed.access_scopes[0].rules.clusters.push_back("prod-2");
  changed.roles[1].access_scope_name = "Production";
  absl::StatusOr<DeclarativeResult> result = declarative.ApplyDeclarative(changed, TestEpoch());
  INFO(result.status().ToString());
  REQUIRE(result.ok());
  CHECK(result->permission_sets == DeclarativeChanges{0, 1, 0});
  CHECK(result->access_scopes == DeclarativeChanges{0, 1, 0});
  CHECK(result->roles == DeclarativeChanges{0, 1, 0});

  const std::map<std::string, Role> by_name = RolesByName(storage);
  CHECK(by_name.at("Deploy reader").permission_set.id == set_id);  // updated in place
  CHECK(by_name.at("Deploy reader").permission_set.permissions ==
        PermissionMap{{"Alert", Access::kRead}, {"Deployment", Access::kReadWrite}});
  CHECK(by_name.at("Deploy reader").access_scope.rules.clusters ==
        std::vector<std::string>{"prod", "prod-2"});
  CHECK(by_name.at("Declared analyst").access_scope.name == "Production");
}

TEST_CASE("objects dropped from the configuration are removed", "[declarative]") {
  StorageFixture storage;
  BlockingAccessScopeStore access_scopes(storage.access_scopes());
  BlockingRoleStore roles(storage.roles());
  BlockingDeclarativeStore declarative(storage.declarative());
  REQUIRE(declarative.ApplyDeclarative(BaseConfig(), TestEpoch()).ok());

  DeclarativeConfig smaller;
  smaller.permission_sets = {BaseConfig().permission_sets[1]};
  smaller.roles = {BaseConfig().roles[2]};
  absl::StatusOr<DeclarativeResult> result = declarative.ApplyDeclarative(smaller, TestEpoch());
  INFO(result.status().ToString());
  REQUIRE(result.ok());
  CHECK(result->permission_sets == DeclarativeChanges{0, 0, 1});
  CHECK(result->access_scopes == DeclarativeChanges{0, 0, 1});
  CHECK(result->roles == DeclarativeChanges{0, 0, 2});

  const std::map<std::string, Role> by_name = RolesByName(storage);
  CHECK(by_name.count("Deploy reader") == 0);
  CHECK(by_name.count("Declared analyst") == 0);
  CHECK(by_name.count("Image writer") == 1);
  CHECK(by_name.count("Admin") == 1);  // other origins are never touched
  CHECK(SetsByName(storage).count("Deploy readers") == 0);
  CHECK(access_scopes.ListAccessScopes()->size() == 1);

  // An empty configuration removes every declarative object.
  absl::StatusOr<DeclarativeResult> emptied = declarative.ApplyDeclarative({}, TestEpoch());
  REQUIRE(emptied.ok());
  CHECK(emptied->total() == 2);
  CHECK(roles.LoadAll()->size() == 7);
}

TEST_CASE("declarative objects are read-only through the API", "[declarative]") {
  StorageFixture storage;
  BlockingPermissionSetStore permission_sets(storage.permission_sets());
  BlockingAccessScopeStore access_scopes(storage.access_scopes());
  BlockingRoleStore roles(storage.roles());
  BlockingDeclarativeStore declarative(storage.declarative());
  REQUIRE(declarative.ApplyDeclarative(BaseConfig(), TestEpoch()).ok());
  const Role reader = RolesByName(storage).at("Deploy reader");

  const absl::Status role = roles.DeleteRole("Deploy reader", TestEpoch());
  CHECK(role.code() == StatusCode::kFailedPrecondition);
  CHECK(role.message() == "role Deploy reader is managed by the declarative configuration");
  CHECK(roles.UpdateRole({"Deploy reader", "", kAdminPermissionSetId, kUnrestrictedScopeId})
            .status()
            .message() == "role Deploy reader is managed by the declarative configuration");
  const absl::Status set =
      permission_sets.UpdatePermissionSet(reader.permission_set.id, {"x", "", {}}).status();
  CHECK(set.code() == StatusCode::kFailedPrecondition);
  CHECK(set.message() ==
        "permission set Deploy readers is managed by the declarative configuration");
  const absl::Status scope = access_scopes.DeleteAccessScope(reader.access_scope.id);
  CHECK(scope.code() == StatusCode::kFailedPrecondition);
  CHECK(scope.message() == "access scope Production is managed by the declarative configuration");

  // API roles may still use declarative sets and scopes.
  CHECK(roles.CreateRole({"Mine", "", reader.permission_set.id, reader.access_scope.id}).ok());
}

TEST_CASE("a configuration naming a built-in or API object is refused whole", "[declarative]") {
  StorageFixture storage;
  BlockingPermissionSetStore permission_sets(storage.permission_sets());
  BlockingDeclarativeStore declarative(storage.declarative());
  REQUIRE(permission_sets.CreatePermissionSet({"Taken", "", {}}).ok());
  const std::string before = Snapshot(storage);

  DeclarativeConfig config = BaseConfig();
  config.permission_sets.push_back({"Taken", "", {}});
  config.roles.push_back({"Admin", "", "Analyst", ""});
  absl::StatusOr<DeclarativeResult> result = declarative.ApplyDeclarative(config, TestEpoch());
  CHECK(result.status().code() == StatusCode::kFailedPrecondition);
  CHECK(result.status().message() ==
        "declarative configuration: permission set Taken already exists and is not "
        "declarative; role Admin already exists and is not declarative");
  CHECK(Snapshot(storage) == before);
}

TEST_CASE("a bad configuration is INVALID_ARGUMENT and changes nothing", "[declarative]") {
  StorageFixture storage;
  BlockingDeclarativeStore declarative(storage.declarative());
  REQUIRE(declarative.ApplyDeclarative(BaseConfig(), TestEpoch()).ok());
  const std::string before = Snapshot(storage);

  DeclarativeConfig config = BaseConfig();
  config.permission_sets[0].permissions["Unicorns"] = Access::kRead;
  config.permission_sets[1].description = "a change that must not stick";
  absl::StatusOr<DeclarativeResult> unknown_resource =
      declarative.ApplyDeclarative(config, TestEpoch());
  CHECK(unknown_resource.status().code() == StatusCode::kInvalidArgument);
  CHECK(unknown_resource.status().message() ==
        "declarative configuration: permission set Deploy readers names unknown resource "
        "Unicorns");

  config = BaseConfig();
  config.roles.push_back({"Lost", "", "No such set", "No such scope"});
  absl::StatusOr<DeclarativeResult> unknown_reference =
      declarative.ApplyDeclarative(config, TestEpoch());
  CHECK(unknown_reference.status().code() == StatusCode::kInvalidArgument);
  CHECK(unknown_reference.status().message() ==
        "declarative configuration: role Lost names unknown permission set No such set; role "
        "Lost names unknown access scope No such scope");

  config = BaseConfig();
  config.roles.push_back(config.roles[0]);
  absl::StatusOr<DeclarativeResult> twice = declarative.ApplyDeclarative(config, TestEpoch());
  CHECK(twice.status().code() == StatusCode::kInvalidArgument);
  CHECK(twice.status().message() ==
        "declarative configuration: role Deploy reader is defined more than once");

  CHECK(Snapshot(storage) == before);
}

TEST_CASE("removing declarative objects still in use fails and keeps the previous state",
          "[declarative]") {
  StorageFixture storage;
  BlockingRoleStore roles(storage.roles());
  BlockingDeclarativeStore declarative(storage.declarative());
  REQUIRE(declarative.ApplyDeclarative(BaseConfig(), TestEpoch()).ok());
  TokenMetadata token = NewToken(TestEpoch(), "reader token");
  token.roles = {"Deploy reader"};
  REQUIRE(storage.Insert(token).ok());
  const PermissionSet writers = SetsByName(storage).at("Image writers");
  REQUIRE(roles.CreateRole({"API writer", "", writers.id, kUnrestrictedScopeId}).ok());
  const std::string before = Snapshot(storage);

  // Drops the role the token holds and the set an API role uses, and changes a set: the
  // change must not stick either.
  DeclarativeConfig config = BaseConfig();
  config.roles = {config.roles[1]};
  config.permission_sets = {config.permission_sets[0]};
  config.permission_sets[0].permissions = {{"Image", Access::kRead}};
  absl::StatusOr<DeclarativeResult> result =
      declarative.ApplyDeclarative(config, TestEpoch() + absl::Hours(1));
  CHECK(result.status().code() == StatusCode::kFailedPrecondition);
  const std::string message(result.status().message());
  CHECK(absl::StrContains(message, absl::StrCat("role Deploy reader is used by 1 live token: "
                                                "reader token (",
                                                token.id, ")")));
  // The declarative role Image writer is removed first, in the same transaction.
  CHECK(absl::StrContains(message, "permission set Image writers is used by 1 role: API writer"));
  CHECK(Snapshot(storage) == before);

  // Once the token has expired, the same removal goes through (the API role keeps its set,
  // so the file must keep it too).
  config.permission_sets.push_back(BaseConfig().permission_sets[1]);
  config.roles.push_back(BaseConfig().roles[2]);
  absl::StatusOr<DeclarativeResult> later =
      declarative.ApplyDeclarative(config, token.expires_at + absl::Seconds(1));
  INFO(later.status().ToString());
  REQUIRE(later.ok());
  CHECK(later->roles == DeclarativeChanges{0, 0, 1});
  CHECK(later->permission_sets == DeclarativeChanges{0, 1, 0});
}

}  // namespace
}  // namespace warden::storage::testing
