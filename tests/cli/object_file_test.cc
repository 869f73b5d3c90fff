// `create -f FILE`: one permission set, scope or role from YAML (a declarative file entry)
// or JSON (the protobuf mapping), with errors naming the file and the line.

#include "client/wardenctl/object_file.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace warden::cli {
namespace {

std::string Error(const absl::Status& status) {
  CHECK(status.code() == absl::StatusCode::kInvalidArgument);
  return std::string(status.message());
}

TEST_CASE("a permission set from YAML, as in the declarative file") {
  auto set = ParsePermissionSetText(R"(# the issuer
name: Token Issuer
description: Mints tokens for CI
resources:
  Access: READ_ACCESS
  Integration: READ_WRITE_ACCESS
  Image: NO_ACCESS
)",
                                    "issuer.yaml");
  INFO(set.status());
  REQUIRE(set.ok());
  CHECK(set->name() == "Token Issuer");
  CHECK(set->description() == "Mints tokens for CI");
  REQUIRE(set->resource_to_access().size() == 3);
  CHECK(set->resource_to_access().at("Access") == v1::ACCESS_LEVEL_READ_ACCESS);
  CHECK(set->resource_to_access().at("Integration") == v1::ACCESS_LEVEL_READ_WRITE_ACCESS);
  CHECK(set->resource_to_access().at("Image") == v1::ACCESS_LEVEL_NO_ACCESS);

  auto flow = ParsePermissionSetText("---\n{name: Nothing}\n", "nothing");
  INFO(flow.status());
  REQUIRE(flow.ok());
  CHECK(flow->name() == "Nothing");
  CHECK(flow->resource_to_access().empty());
}

TEST_CASE("YAML errors are the declarative parser's, with the file's own line numbers") {
  CHECK(
      Error(ParsePermissionSetText("name: CI\nresources:\n  Image: READ\n", "ci.yaml").status()) ==
      "ci.yaml:3: permission set \"CI\": access level of resource \"Image\" is \"READ\", not "
      "NO_ACCESS, READ_ACCESS or READ_WRITE_ACCESS");
  CHECK(Error(ParsePermissionSetText("name: CI\nresorces: {}\n", "ci.yaml").status())
            .rfind("ci.yaml:2: ", 0) == 0);
  CHECK(Error(ParsePermissionSetText("description: no name\n", "ci.yaml").status()) ==
        "ci.yaml:1: permission set: name is required");
  CHECK(Error(ParseRoleText("\n\nname: r\n", "role.yaml").status()) ==
        "role.yaml:3: role \"r\": permissionSet is required");
  CHECK(Error(ParseAccessScopeText("name: a\nrules: {clusters: [x, x]}\n", "s.yaml").status())
            .find("cluster \"x\" is listed twice") != std::string::npos);
  CHECK(Error(ParsePermissionSetText("name: [unclosed\n", "bad.yaml").status())
            .find("YAML syntax error") != std::string::npos);
  CHECK(Error(ParsePermissionSetText("name: a\n---\nname: b\n", "two.yaml").status()) ==
        "two.yaml:2: only one YAML document is allowed");
  CHECK(Error(ParsePermissionSetText("name: a\n...\n", "end.yaml").status()) ==
        "end.yaml:2: only one YAML document is allowed");
  CHECK(Error(ParsePermissionSetText("# only a comment\n\n", "empty.yaml").status()) ==
        "empty.yaml: the file is empty");
  CHECK(Error(ParsePermissionSetText("---\n", "empty.yaml").status()) ==
        "empty.yaml: the file is empty");
  // A whole declarative file is not one entry.
  CHECK(Error(ParsePermissionSetText("permissionSets:\n  - name: a\n", "all.yaml").status())
            .find("unknown key \"permissionSets\"") != std::string::npos);
}

TEST_CASE("a scope and a role from YAML") {
  auto scope = ParseAccessScopeText(R"(name: team-a
rules:
  clusters: [prod-eu]
  namespaces:
    - {cluster: prod-us, namespace: payments}
)",
                                    "team-a.yml");
  INFO(scope.status());
  REQUIRE(scope.ok());
  CHECK(scope->name() == "team-a");
  REQUIRE(scope->rules().clusters_size() == 1);
  CHECK(scope->rules().clusters(0) == "prod-eu");
  REQUIRE(scope->rules().namespaces_size() == 1);
  CHECK(scope->rules().namespaces(0).cluster() == "prod-us");
  CHECK(scope->rules().namespaces(0).namespace_() == "payments");

  auto role = ParseRoleText("name: Team A reader\npermissionSet: Analyst\naccessScope: team-a\n",
                            "role.yaml");
  REQUIRE(role.ok());
  CHECK(role->name() == "Team A reader");
  CHECK(role->permission_set_id() == "Analyst");  // a name, resolved by the command
  CHECK(role->access_scope_id() == "team-a");
  CHECK(ParseRoleText("name: r\npermissionSet: Analyst\n", "r.yaml")->access_scope_id().empty());
}

TEST_CASE("JSON in the protobuf mapping, bare or as `get -o json` prints it") {
  auto set = ParsePermissionSetText(
      R"({"name": "Deployer", "resourceToAccess": {"Deployment": "ACCESS_LEVEL_READ_WRITE_ACCESS",
          "Image": "read", "Alert": "NO_ACCESS"}})",
      "deployer.json");
  INFO(set.status());
  REQUIRE(set.ok());
  CHECK(set->name() == "Deployer");
  CHECK(set->resource_to_access().at("Deployment") == v1::ACCESS_LEVEL_READ_WRITE_ACCESS);
  CHECK(set->resource_to_access().at("Image") == v1::ACCESS_LEVEL_READ_ACCESS);
  CHECK(set->resource_to_access().at("Alert") == v1::ACCESS_LEVEL_NO_ACCESS);

  // No extension: '{' means JSON.
  auto wrapped = ParsePermissionSetText(
      R"( {"permissionSet": {"id": "x", "name": "Copy", "origin": "ORIGIN_BUILT_IN"}})", "copy");
  INFO(wrapped.status());
  REQUIRE(wrapped.ok());
  CHECK(wrapped->name() == "Copy");

  auto scope = ParseAccessScopeText(
      R"({"name": "team-b", "rules": {"clusters": ["c1"],
          "namespaces": [{"cluster": "c2", "namespace": "n"}]}})",
      "scope.json");
  INFO(scope.status());
  REQUIRE(scope.ok());
  CHECK(scope->rules().namespaces(0).namespace_() == "n");

  auto role = ParseRoleText(R"({"role": {"name": "r", "permissionSetId": "Analyst"}})", "r.json");
  REQUIRE(role.ok());
  CHECK(role->permission_set_id() == "Analyst");

  CHECK(Error(ParsePermissionSetText(R"({"name": "x", "resources": {}})", "x.json").status())
            .rfind("x.json: ", 0) == 0);
  CHECK(Error(ParsePermissionSetText(R"({"name": "x",})", "x.json").status())
            .find("x.json: parse error at line 1") == 0);
  CHECK(Error(ParsePermissionSetText(R"(["x"])", "x.json").status()) ==
        "x.json: expected a JSON object");
  CHECK(
      Error(
          ParsePermissionSetText(R"({"resourceToAccess": {"Image": "write"}})", "x.json").status())
          .rfind("x.json: ", 0) == 0);
  // A .yaml file is YAML even when it starts with '{'.
  CHECK(ParsePermissionSetText("{name: flow}", "flow.yaml").ok());
}

TEST_CASE("ReadObjectFile reads a file, and names the path when it cannot") {
  const std::string dir = std::filesystem::temp_directory_path() / "wardenctl-object-file-test";
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/set.yaml";
  std::ofstream(path) << "name: a\n";
  CHECK(*ReadObjectFile(path) == "name: a\n");
  absl::StatusOr<std::string> missing = ReadObjectFile(dir + "/missing.yaml");
  CHECK(missing.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(missing.status().message().find("missing.yaml") != absl::string_view::npos);
  CHECK(ReadObjectFile(dir).status().code() == absl::StatusCode::kFailedPrecondition);
  std::ofstream(dir + "/big.json") << std::string(300 * 1024, ' ');
  CHECK(ReadObjectFile(dir + "/big.json").status().code() == absl::StatusCode::kInvalidArgument);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace warden::cli
