// End to end: the abuse limits (docs/security.md) — GenerateToken per identity, failed
// authentications per address, live tokens per creator — and the audit trail.

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "tests/e2e/api_client.h"
#include "tests/e2e/role_client.h"
#include "tests/e2e/warden_process.h"
#include "tests/support/test_database.h"

namespace warden::testing {
namespace {

// Limits that do not refill within a test: a budget of `burst`, then nothing.
std::map<std::string, std::string> Env(const TestDatabase& database,
                                       std::map<std::string, std::string> extra) {
  extra.emplace("WARDEN_DATABASE_URL", database.url());
  return extra;
}

TEST_CASE("GenerateToken is rate-limited per identity: RESOURCE_EXHAUSTED beyond the burst") {
  TestDatabase database;
  WardenProcess server(
      Env(database, {{"WARDEN_GENERATE_RATE_LIMIT", "0.0001"}, {"WARDEN_GENERATE_BURST", "3"}}));
  server.Start();
  ApiClient api(server.channel());
  const std::string admin = server.AdminAuthorization();
  std::vector<std::string> minted;
  for (int i = 0; i < 3; ++i) {
    auto reply = api.Generate(admin, "burst-" + std::to_string(i), {"Admin"});
    REQUIRE(reply.ok());
    minted.push_back(reply.response.token());
  }
  auto refused = api.Generate(admin, "one-too-many", {"Analyst"});
  CHECK(refused.code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
  CHECK(absl::StrContains(refused.message(), "too many GenerateToken calls"));
  // A token the admin minted is no new identity with a budget of its own: it spends its
  // root's. Reads are not limited.
  auto chained = api.Generate(Bearer(minted[0]), "from-a-token", {"Analyst"});
  CHECK(chained.code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
  CHECK(api.AuthStatus(admin).ok());
  CHECK(api.AuthStatus(Bearer(minted[0])).ok());
}

TEST_CASE("wrong passwords lock out that user's password from that address: RESOURCE_EXHAUSTED") {
  TestDatabase database;
  WardenProcess server(Env(database, {{"WARDEN_AUTH_FAILURE_RATE_LIMIT", "0.0001"},
                                      {"WARDEN_AUTH_FAILURE_BURST", "5"}}));
  server.Start();
  ApiClient api(server.channel());
  for (int i = 0; i < 5; ++i) {
    CHECK(api.AuthStatus(BasicAuthorization("admin", "guess-" + std::to_string(i))).code() ==
          grpc::StatusCode::UNAUTHENTICATED);
  }
  // Spent: even the right password is refused now, so guessing cannot go faster.
  auto locked = api.AuthStatus(server.AdminAuthorization());
  CHECK(locked.code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
  CHECK(absl::StrContains(locked.message(), "too many failed authentications"));
  CHECK(server.HealthStatus() == "SERVING");  // health needs no credentials
}

// Before, failures were keyed by the peer address alone, so anyone behind
// the same NAT, sidecar or gateway could lock everybody out.
TEST_CASE("someone else's failures from a shared address do not lock out a good token") {
  TestDatabase database;
  WardenProcess server(Env(database, {{"WARDEN_AUTH_FAILURE_RATE_LIMIT", "0.0001"},
                                      {"WARDEN_AUTH_FAILURE_BURST", "5"}}));
  server.Start();
  ApiClient api(server.channel());
  auto minted = api.Generate(server.AdminAuthorization(), "behind-the-nat", {"Analyst"});
  REQUIRE(minted.ok());
  // The attacker shares our address: forged tokens, then wrong passwords, past the budget.
  for (int i = 0; i < 10; ++i) {
    CHECK(api.AuthStatus(Bearer("forged-" + std::to_string(i))).code() ==
          grpc::StatusCode::UNAUTHENTICATED);
  }
  for (int i = 0; i < 10; ++i) {
    api.AuthStatus(BasicAuthorization("admin", "guess-" + std::to_string(i)));
  }
  CHECK(api.AuthStatus(BasicAuthorization("admin", "one more")).code() ==
        grpc::StatusCode::RESOURCE_EXHAUSTED);
  // Our token still works from the same address.
  auto status = api.AuthStatus(Bearer(minted.response.token()));
  CHECK(status.ok());
  CHECK(status.response.identity().name() == "behind-the-nat");
}

TEST_CASE("a creator may hold only so many live tokens, and revoking frees a place") {
  TestDatabase database;
  WardenProcess server(Env(database, {{"WARDEN_MAX_LIVE_TOKENS_PER_CREATOR", "3"}}));
  server.Start();
  ApiClient api(server.channel());
  const std::string admin = server.AdminAuthorization();
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    auto reply = api.Generate(admin, "live-" + std::to_string(i), {"Analyst"});
    REQUIRE(reply.ok());
    ids.push_back(reply.response.metadata().id());
  }
  auto capped = api.Generate(admin, "fourth", {"Analyst"});
  CHECK(capped.code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
  CHECK(absl::StrContains(capped.message(), "already has 3 live tokens"));
  REQUIRE(api.Revoke(admin, ids[0]).ok());
  CHECK(api.Generate(admin, "fourth", {"Analyst"}).ok());
}

// Before, every minted child was a new creator with a cap of its own, so
// a chain of tokens could hold any number.
TEST_CASE("a chain of tokens minting tokens shares its root's live-token cap") {
  TestDatabase database;
  WardenProcess server(Env(database, {{"WARDEN_MAX_LIVE_TOKENS_PER_CREATOR", "3"}}));
  server.Start();
  ApiClient api(server.channel());
  std::string parent = server.AdminAuthorization();
  for (int depth = 0; depth < 3; ++depth) {
    auto child = api.Generate(parent, "depth-" + std::to_string(depth), {"Admin"});
    REQUIRE(child.ok());
    parent = Bearer(child.response.token());
  }
  auto capped = api.Generate(parent, "depth-3", {"Analyst"});
  CHECK(capped.code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
  CHECK(absl::StrContains(capped.message(), "already has 3 live tokens"));
  CHECK(api.Generate(server.AdminAuthorization(), "the root itself", {"Analyst"}).code() ==
        grpc::StatusCode::RESOURCE_EXHAUSTED);
}

TEST_CASE("every change leaves one audit line saying who did what, never a secret") {
  TestDatabase database;
  char dir[] = "/tmp/warden-audit-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  const std::string audit_path = std::string(dir) + "/audit.jsonl";
  WardenProcess server(Env(database, {{"WARDEN_AUDIT_LOG", audit_path}}));
  server.Start();
  ApiClient api(server.channel());
  RoleClient roles(server.channel());
  const std::string admin = server.AdminAuthorization();

  auto minted = api.Generate(admin, "audited", {"Analyst"});
  REQUIRE(minted.ok());
  const std::string token_id = minted.response.metadata().id();
  REQUIRE(api.Revoke(admin, token_id).ok());
  auto set = roles.CreatePermissionSet(admin, "AuditedSet",
                                       {{"Integration", v1::ACCESS_LEVEL_READ_ACCESS}});
  REQUIRE(set.ok());
  REQUIRE(roles.CreateRole(admin, "AuditedRole", set.response.permission_set().id()).ok());
  CHECK_FALSE(api.Revoke(admin, "00000000-0000-4000-8000-000000000000").ok());  // no line
  // The audit writer runs apart from the answers; a clean shutdown writes every record.
  REQUIRE(server.Stop() == 0);

  std::ifstream in(audit_path);
  std::stringstream text;
  text << in.rdbuf();
  const std::string audit = text.str();
  std::vector<nlohmann::json> records;
  for (absl::string_view line : absl::StrSplit(audit, '\n', absl::SkipEmpty())) {
    records.push_back(nlohmann::json::parse(line));
  }
  REQUIRE(records.size() == 4);
  CHECK(records[0]["action"] == "token.create");
  CHECK(records[0]["target"] == token_id);
  CHECK(records[0]["actor"] == "user:admin");
  CHECK(records[0]["roles"] == nlohmann::json::array({"Analyst"}));
  CHECK(records[1]["action"] == "token.revoke");
  CHECK(records[1]["target"] == token_id);
  CHECK(records[2]["action"] == "permission_set.create");
  CHECK(records[3]["action"] == "role.create");
  CHECK(records[3]["target"] == "AuditedRole");
  for (const nlohmann::json& record : records) CHECK(record.contains("time"));
  CHECK_FALSE(absl::StrContains(audit, minted.response.token()));
  CHECK_FALSE(absl::StrContains(audit, server.admin_password()));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace warden::testing
