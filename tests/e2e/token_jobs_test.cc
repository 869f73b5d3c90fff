// End to end: the background token jobs of issue 18 inside the real server. The server has no
// injected clock, so a token is made to look idle (or long expired) by moving its row's times
// back in PostgreSQL while the server is stopped; the jobs run as soon as the server is ready
// (as the expiration notifier does), after the fleet's last run is forgotten. What is checked
// is what a user sees: the token refused over gRPC, ListTokens, the audit file, /metrics.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tests/e2e/api_client.h"
#include "tests/e2e/prometheus_text.h"
#include "tests/e2e/warden_process.h"
#include "tests/support/free_port.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_database.h"

namespace warden::testing {
namespace {

// Sets `assignments` on the row of the token named `name`, as if time had passed for it.
void SetOnToken(const std::string& url, const std::string& name, const std::string& assignments) {
  pqxx::connection conn(url);
  pqxx::work tx(conn);
  tx.exec0("UPDATE tokens SET " + assignments + " WHERE name = " + tx.quote(name));
  tx.commit();
}

// Forgets when the fleet last ran the background jobs, so that a restart runs them again.
void ForgetLastRuns(const std::string& url) {
  pqxx::connection conn(url);
  pqxx::work tx(conn);
  tx.exec0("DELETE FROM job_runs");
  tx.commit();
}

std::vector<v1::TokenMetadata> ListAll(ApiClient& api, const std::string& admin,
                                       bool include_expired) {
  v1::ListTokensRequest request;
  request.set_include_expired(include_expired);
  request.set_page_size(100);
  auto page = api.List(admin, request);
  INFO(page.message());
  REQUIRE(page.ok());
  return {page.response.tokens().begin(), page.response.tokens().end()};
}

const v1::TokenMetadata* Find(const std::vector<v1::TokenMetadata>& tokens, const std::string& id) {
  for (const v1::TokenMetadata& token : tokens) {
    if (token.id() == id) return &token;
  }
  return nullptr;
}

TEST_CASE("a token nobody used within the inactivity timeout is revoked, refused and audited") {
  TestDatabase database;
  const int metrics_port = FreeTcpPort();
  WardenProcess server({{"WARDEN_DATABASE_URL", database.url()},
                        {"WARDEN_TOKEN_INACTIVITY_TIMEOUT", "720h"},
                        {"WARDEN_NOTIFIER_JSON_LOG", "off"},
                        {"WARDEN_METRICS_LISTEN", absl::StrCat("127.0.0.1:", metrics_port)}});
  const std::string audit_path = server.data_dir() + "/audit.jsonl";
  server.SetEnv("WARDEN_AUDIT_LOG", audit_path);
  server.Start();
  ApiClient api(server.channel());
  const std::string admin = server.AdminAuthorization();
  auto idle = api.Generate(admin, "idle bot", {"Analyst"});
  auto busy = api.Generate(admin, "busy bot", {"Analyst"});
  auto soon = api.Generate(admin, "idle soon", {"Analyst"});
  REQUIRE((idle.ok() && busy.ok() && soon.ok()));
  REQUIRE(api.AuthStatus(Bearer(idle.response.token())).ok());
  const std::string idle_id = idle.response.metadata().id();
  REQUIRE(server.Stop() == 0);

  // 40 days without a use for "idle bot"; "busy bot" was issued as long ago but used an hour
  // ago; "idle soon" has been idle 27 days, within the default 168h warning window.
  SetOnToken(database.url(), "idle bot",
             "issued_at = now() - interval '40 days', last_used_at = NULL");
  SetOnToken(database.url(), "busy bot",
             "issued_at = now() - interval '40 days', last_used_at = now() - interval '1 hour'");
  SetOnToken(database.url(), "idle soon",
             "issued_at = now() - interval '27 days', last_used_at = NULL");
  ForgetLastRuns(database.url());
  server.Start();
  REQUIRE(server.WaitForLog("Token inactivity revoker: ", 2, absl::Seconds(60)));

  // Refused as a credential, and by ValidateToken, on this replica at once.
  CHECK(api.AuthStatus(Bearer(idle.response.token())).code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(api.Validate(admin, idle.response.token()).code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(api.AuthStatus(Bearer(busy.response.token())).ok());
  CHECK(api.AuthStatus(Bearer(soon.response.token())).ok());
  const std::vector<v1::TokenMetadata> tokens = ListAll(api, admin, false);
  REQUIRE(Find(tokens, idle_id) != nullptr);
  CHECK(Find(tokens, idle_id)->revoked());
  CHECK(Find(tokens, idle_id)->has_revoked_at());
  REQUIRE(Find(tokens, busy.response.metadata().id()) != nullptr);
  CHECK_FALSE(Find(tokens, busy.response.metadata().id())->revoked());

  const std::string log = server.Log();
  CHECK(absl::StrContains(
      log, "Revoked API Token idle bot (ID " + idle_id + "): neither used nor issued for 40 days"));
  CHECK(absl::StrContains(log, "] API Token idle soon (ID " + soon.response.metadata().id() +
                                   ") has not been used for 27 days and will be revoked in "
                                   "less than 3 days."));
  CHECK(SampleValue(ScrapeMetrics(metrics_port), "warden_tokens_revoked_inactive_total") == 1);

  REQUIRE(server.Stop() == 0);  // writes every queued audit record
  bool audited = false;
  for (absl::string_view line : absl::StrSplit(ReadFile(audit_path), '\n', absl::SkipEmpty())) {
    const nlohmann::json record = nlohmann::json::parse(line);
    if (record["action"] == "token.revoke" && record["target"] == idle_id) {
      CHECK(record["actor"] == "warden");
      CHECK(record["name"] == "idle bot");
      CHECK(record["reason"] == "inactive");
      audited = true;
    }
  }
  CHECK(audited);

  // Revocation is permanent: still refused after a restart, from the database.
  server.Start();
  CHECK(api.AuthStatus(Bearer(idle.response.token())).code() == grpc::StatusCode::UNAUTHENTICATED);
}

TEST_CASE("without an inactivity timeout no token is revoked for being unused") {
  TestDatabase database;
  WardenProcess server({{"WARDEN_DATABASE_URL", database.url()}});
  server.Start();
  ApiClient api(server.channel());
  auto idle = api.Generate(server.AdminAuthorization(), "idle bot", {"Analyst"});
  REQUIRE(idle.ok());
  REQUIRE(server.Stop() == 0);
  SetOnToken(database.url(), "idle bot", "issued_at = now() - interval '300 days'");
  ForgetLastRuns(database.url());
  server.Start();
  REQUIRE(server.WaitForLog("Token retention purger: ", 2, absl::Seconds(60)));
  CHECK(api.AuthStatus(Bearer(idle.response.token())).ok());
  CHECK_FALSE(absl::StrContains(server.Log(), "Token inactivity revoker"));
}

TEST_CASE("rows of tokens expired longer ago than the retention are deleted, and counted") {
  TestDatabase database;
  const int metrics_port = FreeTcpPort();
  WardenProcess server({{"WARDEN_DATABASE_URL", database.url()},
                        {"WARDEN_TOKEN_RETENTION", "240h"},
                        {"WARDEN_METRICS_LISTEN", absl::StrCat("127.0.0.1:", metrics_port)}});
  server.Start();
  ApiClient api(server.channel());
  const std::string admin = server.AdminAuthorization();
  auto old = api.Generate(admin, "expired 11 days ago", {"Analyst"});
  auto recent = api.Generate(admin, "expired 9 days ago", {"Analyst"});
  auto rotated = api.Generate(admin, "cut short 11 days ago, string valid", {"Analyst"});
  auto live = api.Generate(admin, "live", {"Analyst"});
  REQUIRE((old.ok() && recent.ok() && rotated.ok() && live.ok()));
  REQUIRE(server.Stop() == 0);
  // As the expiry sweep leaves expired rows (flagged), and as a rotation leaves the old
  // token: expires_at cut short, the string valid until signed_expires_at.
  const std::string expired = "issued_at = now() - interval '100 days', expired = true, ";
  SetOnToken(database.url(), "expired 11 days ago",
             expired + "expires_at = now() - interval '11 days'");
  SetOnToken(database.url(), "expired 9 days ago",
             expired + "expires_at = now() - interval '9 days'");
  SetOnToken(database.url(), "cut short 11 days ago, string valid",
             expired + "signed_expires_at = expires_at, expires_at = now() - interval '11 days'");
  ForgetLastRuns(database.url());
  server.Start();
  REQUIRE(server.WaitForLog("Token retention purger: ", 2, absl::Seconds(60)));

  const std::vector<v1::TokenMetadata> tokens = ListAll(api, admin, /*include_expired=*/true);
  CHECK(Find(tokens, old.response.metadata().id()) == nullptr);
  CHECK(Find(tokens, recent.response.metadata().id()) != nullptr);
  CHECK(Find(tokens, rotated.response.metadata().id()) != nullptr);
  CHECK(Find(tokens, live.response.metadata().id()) != nullptr);
  CHECK(api.Get(admin, old.response.metadata().id()).code() == grpc::StatusCode::NOT_FOUND);
  CHECK(absl::StrContains(server.Log(), "Token retention purger: 1 token row(s) deleted"));
  CHECK(SampleValue(ScrapeMetrics(metrics_port), "warden_tokens_deleted_total") == 1);
}

TEST_CASE("a retention of 0 or a too short inactivity timeout stops start-up, saying why") {
  for (const auto& [variable, value, expected] :
       {std::tuple{"WARDEN_TOKEN_RETENTION", "0", "cannot be 0"},
        std::tuple{"WARDEN_TOKEN_INACTIVITY_TIMEOUT", "12h", "at least 24h"}}) {
    SubprocessOptions options;
    options.argv = {WARDEN_SERVER_BINARY};
    options.env = {{"WARDEN_DATABASE_URL", "postgresql://127.0.0.1:1/x"},
                   {"WARDEN_DATA_DIR", "/tmp/unused"},
                   {variable, value}};
    auto process = Subprocess::Start(options);
    REQUIRE(process.ok());
    INFO(variable << "=" << value);
    CHECK((*process)->Wait() == 2);
    const std::string said = (*process)->ReadStderr();
    CHECK(absl::StrContains(said, variable));
    CHECK(absl::StrContains(said, expected));
  }
}

}  // namespace
}  // namespace warden::testing
