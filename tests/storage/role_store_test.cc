#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "domain/access.h"
#include "domain/role.h"
#include "tests/storage/storage_fixture.h"

namespace warden::storage::testing {
namespace {

const std::vector<std::string> kDefaultResources = {"Access",
                                                    "Administration",
                                                    "Alert",
                                                    "CVE",
                                                    "Cluster",
                                                    "Compliance",
                                                    "Deployment",
                                                    "DeploymentExtension",
                                                    "Detection",
                                                    "Image",
                                                    "Integration",
                                                    "K8sRole",
                                                    "K8sRoleBinding",
                                                    "K8sSubject",
                                                    "Namespace",
                                                    "NetworkGraph",
                                                    "NetworkPolicy",
                                                    "Node",
                                                    "Secret",
                                                    "ServiceAccount",
                                                    "VulnerabilityManagementApprovals",
                                                    "VulnerabilityManagementRequests",
                                                    "WatchedImage",
                                                    "WorkflowAdministration"};

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
    CHECK(role.built_in);
    CHECK(role.permission_set.built_in);
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

}  // namespace
}  // namespace warden::storage::testing
