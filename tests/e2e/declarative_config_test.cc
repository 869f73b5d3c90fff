// End to end: roles from a declarative YAML file, applied at start-up and on SIGHUP.

#include <catch2/catch.hpp>
#include <csignal>
#include <fstream>

#include "tests/e2e/api_client.h"
#include "tests/e2e/role_client.h"
#include "tests/e2e/warden_process.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_database.h"

namespace warden::testing {
namespace {

using Stub = v1::RoleService::Stub;

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

constexpr char kFirst[] = R"(# roles for CI
permissionSets:
  - name: Token Issuer
    resources:
      Access: READ_ACCESS
      Integration: READ_WRITE_ACCESS
      Image: READ_ACCESS
roles:
  - name: Token Issuer
    permissionSet: Token Issuer
)";

constexpr char kSecond[] = R"(permissionSets:
  - name: Token Issuer
    resources:
      Access: READ_ACCESS
      Integration: READ_ACCESS
  - name: Image Reader
    resources:
      Image: READ_ACCESS
roles:
  - name: Token Issuer
    permissionSet: Token Issuer
  - name: Image Reader
    description: reads images
    permissionSet: Image Reader
)";

constexpr char kBroken[] = R"(permissionSets:
  - name: Token Issuer
    resources:
      Access: READ
)";

std::map<std::string, v1::Role> RolesByName(RoleClient& roles, const std::string& auth) {
  auto listed = roles.Call(&Stub::ListRoles, auth, v1::ListRolesRequest());
  REQUIRE(listed.ok());
  std::map<std::string, v1::Role> out;
  for (const v1::Role& role : listed.response.roles()) out[role.name()] = role;
  return out;
}

TEST_CASE("declarative roles load at start, reload on SIGHUP, and a bad file changes nothing") {
  TestDatabase database;
  WardenProcess holder({{"WARDEN_DATABASE_URL", database.url()}});  // lends its directory
  std::string path = holder.data_dir() + "/roles.yaml";
  WriteFile(path, kFirst);
  WardenProcess configured(
      {{"WARDEN_DATABASE_URL", database.url()}, {"WARDEN_DECLARATIVE_CONFIG", path}});
  configured.Start();
  std::string admin = configured.AdminAuthorization();
  ApiClient api(configured.channel());
  RoleClient roles(configured.channel());

  auto loaded = RolesByName(roles, admin);
  REQUIRE(loaded.count("Token Issuer") == 1);
  CHECK(loaded["Token Issuer"].origin() == v1::ORIGIN_DECLARATIVE);
  auto issuer = api.Generate(admin, "issuer", {"Token Issuer"});
  REQUIRE(issuer.ok());
  CHECK(api.Generate(Bearer(issuer.response.token()), "x", {"Analyst"}).code() ==
        grpc::StatusCode::PERMISSION_DENIED);  // READ Image only: Analyst reads more

  // Read-only through the API.
  v1::DeleteRoleRequest remove;
  remove.set_name("Token Issuer");
  auto denied = roles.Call(&Stub::DeleteRole, admin, remove);
  CHECK(denied.code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK_THAT(denied.message(), Catch::Contains("declarative"));

  // Reload with changes: the issuer loses Integration write at once.
  WriteFile(path, kSecond);
  configured.Signal(SIGHUP);
  REQUIRE(configured.WaitForLog("applied declarative configuration", 2, absl::Seconds(30)));
  auto reloaded = RolesByName(roles, admin);
  CHECK(reloaded.count("Image Reader") == 1);
  CHECK(reloaded["Image Reader"].description() == "reads images");
  auto status = api.AuthStatus(Bearer(issuer.response.token()));
  REQUIRE(status.ok());
  CHECK(status.response.identity().permissions().at("Integration") == v1::ACCESS_LEVEL_READ_ACCESS);

  // A broken file is rejected whole, naming the line; the previous state stays.
  WriteFile(path, kBroken);
  configured.Signal(SIGHUP);
  REQUIRE(configured.WaitForLog("rejected declarative configuration", 1, absl::Seconds(30)));
  CHECK_THAT(configured.Log(), Catch::Contains("roles.yaml:4"));
  auto kept = RolesByName(roles, admin);
  CHECK(kept.count("Image Reader") == 1);
  CHECK(configured.HealthStatus() == "SERVING");
}

TEST_CASE("a broken declarative file stops start-up with the line") {
  TestDatabase database;
  WardenProcess holder({{"WARDEN_DATABASE_URL", database.url()}});
  std::string path = holder.data_dir() + "/roles.yaml";
  WriteFile(path, kBroken);
  SubprocessOptions options;
  options.argv = {WARDEN_SERVER_BINARY};
  options.env = {{"WARDEN_DATABASE_URL", database.url()},
                 {"WARDEN_DATA_DIR", holder.data_dir() + "/data"},
                 {"WARDEN_LISTEN", "127.0.0.1:0"},
                 {"WARDEN_DECLARATIVE_CONFIG", path}};
  auto process = Subprocess::Start(options);
  REQUIRE(process.ok());
  CHECK((*process)->Wait() != 0);
  CHECK_THAT((*process)->ReadStderr(), Catch::Contains("roles.yaml:4"));
}

}  // namespace
}  // namespace warden::testing
