// End to end: the expiration notifier inside the real server, and ListExpiringTokens.

#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/api_client.h"
#include "tests/e2e/warden_process.h"
#include "tests/support/test_database.h"

namespace warden::testing {
namespace {

constexpr char kRan[] = "Token expiration notifier: ";

// Forgets when the fleet last notified, as if no notifying run had ever happened.
void ForgetLastRun(const std::string& url) {
  pqxx::connection conn(url);
  pqxx::work tx(conn);
  tx.exec("DELETE FROM job_runs");
  tx.commit();
}

int Count(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST_CASE("the notifier warns once per backoff period, across restarts, in log and JSON") {
  TestDatabase database;
  std::map<std::string, std::string> env = {{"WARDEN_DATABASE_URL", database.url()},
                                            {"ROX_TOKEN_EXPIRATION_DETECTION_WINDOW", "48h"}};
  WardenProcess server(env);
  std::string json_path = server.data_dir() + "/expiring.jsonl";
  WardenProcess configured([&] {
    auto e = env;
    e["WARDEN_NOTIFIER_JSON_LOG"] = json_path;
    return e;
  }());
  configured.Start();
  ApiClient api(configured.channel());
  const std::string name = "deploy \"prod\" bot";
  auto soon = api.Generate(configured.AdminAuthorization(), name, {"Analyst"},
                           absl::Now() + absl::Hours(30));
  REQUIRE(soon.ok());
  REQUIRE(api.Generate(configured.AdminAuthorization(), "later", {"Analyst"},
                       absl::Now() + absl::Hours(100))
              .ok());
  configured.Stop();

  ForgetLastRun(database.url());
  configured.Start();
  REQUIRE(configured.WaitForLog(kRan, 2, absl::Seconds(30)));
  const std::string id = soon.response.metadata().id();
  const std::string line =
      "API Token " + name + " (ID " + id + ") will expire in less than 2 days.";
  CHECK(Count(configured.Log(), line) == 1);
  CHECK(Count(configured.Log(), line + " Rotate it: wardenctl token rotate " + id) == 1);
  CHECK_FALSE(absl::StrContains(configured.Log(), "API Token later"));

  std::string json = ReadFile(json_path);
  std::vector<std::string> records = absl::StrSplit(json, '\n', absl::SkipEmpty());
  REQUIRE(records.size() == 1);
  nlohmann::json record = nlohmann::json::parse(records[0]);
  CHECK(record["token_id"] == id);
  CHECK(record["token_name"] == name);
  CHECK(record["message"] == line);
  CHECK(record["slice"] == "day");

  // A restart inside the backoff period notifies nothing.
  configured.Stop();
  configured.Start();
  REQUIRE(configured.WaitForLog(kRan, 3, absl::Seconds(30)));
  CHECK(Count(configured.Log(), line) == 1);
  CHECK(Count(configured.Log(), line + " Rotate it: wardenctl token rotate " + id) == 1);
  CHECK_THAT(configured.Log(), Catch::Contains("skipped, the last notifying run"));
}

TEST_CASE("two replicas on one database notify once between them") {
  TestDatabase database;
  std::map<std::string, std::string> env = {{"WARDEN_DATABASE_URL", database.url()}};
  WardenProcess a(env);
  WardenProcess b(env);
  a.Start();
  ApiClient api(a.channel());
  REQUIRE(
      api.Generate(a.AdminAuthorization(), "expiring", {"Analyst"}, absl::Now() + absl::Hours(5))
          .ok());
  a.Stop();
  ForgetLastRun(database.url());
  a.Start(/*wait_serving=*/false);
  b.Start(/*wait_serving=*/false);
  REQUIRE(a.WaitForLog(kRan, 2, absl::Seconds(60)));
  REQUIRE(b.WaitForLog(kRan, 1, absl::Seconds(60)));
  // The glog line ("...] API Token ...") and the JSON record (default stderr) each once.
  const std::string warning = "] API Token expiring (ID ";
  const std::string record = "\"token_name\":\"expiring\"";
  int warnings = Count(a.Log(), warning) + Count(b.Log(), warning);
  CHECK(Count(a.Log(), record) + Count(b.Log(), record) == 1);
  CHECK(warnings == 1);
}

TEST_CASE("ListExpiringTokens shows live tokens in the window with their time left") {
  TestDatabase database;
  WardenProcess server({{"WARDEN_DATABASE_URL", database.url()}});
  server.Start();
  ApiClient api(server.channel());
  std::string admin = server.AdminAuthorization();
  absl::Time now = absl::Now();
  auto in = api.Generate(admin, "in", {"Analyst"}, now + absl::Hours(2));
  auto out = api.Generate(admin, "out", {"Analyst"}, now + absl::Hours(7));
  auto revoked = api.Generate(admin, "revoked", {"Analyst"}, now + absl::Hours(2));
  REQUIRE((in.ok() && out.ok() && revoked.ok()));
  REQUIRE(api.Revoke(admin, revoked.response.metadata().id()).ok());

  auto stub = v1::TokenService::NewStub(server.channel());
  v1::ListExpiringTokensRequest request;
  request.mutable_within()->set_seconds(5 * 3600);
  auto listed = CallWithAuthorization<v1::ListExpiringTokensResponse>(
      [&](auto* c, const auto& r, auto* o) { return stub->ListExpiringTokens(c, r, o); }, admin,
      request);
  REQUIRE(listed.ok());
  REQUIRE(listed.response.tokens_size() == 1);
  CHECK(listed.response.tokens(0).token().id() == in.response.metadata().id());
  CHECK(listed.response.tokens(0).time_left().seconds() == Approx(7200).margin(30));
  CHECK(listed.response.within().seconds() == 5 * 3600);

  request.mutable_within()->set_seconds(0);
  auto bad = CallWithAuthorization<v1::ListExpiringTokensResponse>(
      [&](auto* c, const auto& r, auto* o) { return stub->ListExpiringTokens(c, r, o); }, admin,
      request);
  CHECK(bad.code() == grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace warden::testing
