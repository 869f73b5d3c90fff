// End to end: the Prometheus metrics port, scraped as Prometheus would.

#include <catch2/catch.hpp>
#include <string>

#include "absl/strings/str_cat.h"
#include "tests/e2e/api_client.h"
#include "tests/e2e/prometheus_text.h"
#include "tests/e2e/warden_process.h"
#include "tests/support/free_port.h"
#include "tests/support/test_database.h"

namespace warden::testing {
namespace {

TEST_CASE("the metrics port serves RPC, latency and validation metrics") {
  TestDatabase database;
  int metrics_port = FreeTcpPort();
  WardenProcess server({{"WARDEN_DATABASE_URL", database.url()},
                        {"WARDEN_METRICS_LISTEN", absl::StrCat("127.0.0.1:", metrics_port)}});
  server.Start();
  ApiClient api(server.channel());
  REQUIRE(api.AuthStatus(server.AdminAuthorization()).ok());
  CHECK(api.AuthStatus(Bearer("not-a-token")).code() == grpc::StatusCode::UNAUTHENTICATED);
  auto minted = api.Generate(server.AdminAuthorization(), "metered", {"Analyst"});
  REQUIRE(minted.ok());
  REQUIRE(api.AuthStatus(Bearer(minted.response.token())).ok());

  const std::string text = ScrapeMetrics(metrics_port);
  REQUIRE(!text.empty());
  INFO(text);
  CHECK(SampleValue(text,
                    "warden_rpc_total{code=\"OK\",method=\"/warden.v1.AuthService/"
                    "GetAuthStatus\"}") >= 2);
  CHECK(SampleValue(text,
                    "warden_rpc_total{code=\"UNAUTHENTICATED\",method=\"/warden.v1."
                    "AuthService/GetAuthStatus\"}") >= 1);
  CHECK(SampleValue(text,
                    "warden_rpc_total{code=\"OK\",method=\"/warden.v1.TokenService/"
                    "GenerateToken\"}") >= 1);
  CHECK(SampleValue(text,
                    "warden_rpc_duration_seconds_count{method=\"/warden.v1.AuthService/"
                    "GetAuthStatus\"}") >= 3);
  CHECK(SampleValue(text, "warden_token_validations_total{outcome=\"ok\"}") >= 1);
  CHECK(SampleValue(text, "warden_token_validations_total{outcome=\"rejected\"}") >= 1);
  CHECK(SampleValue(text, "warden_revocations_applied_total") >= 0);
  CHECK(SampleValue(text, "warden_revocation_propagation_seconds_count") >= 0);
  CHECK(SampleValue(text, "warden_db_pool_size") == 4);
  // The scrape itself uses no connection, and every call above has been answered.
  CHECK(SampleValue(text, "warden_db_pool_in_use") >= 0);
  CHECK(SampleValue(text, "warden_db_pool_waiting") >= 0);
  // Nothing was refused or dropped: every call above was answered in time.
  CHECK(SampleValue(text, "warden_db_tasks_refused_total") == 0);
  CHECK(SampleValue(text, "warden_db_tasks_expired_total") == 0);
  CHECK(SampleValue(text, "warden_db_tasks_cancelled_total") == 0);
  CHECK(SampleValue(text, "warden_audit_pending") >= 0);
  // The GenerateToken above went through the mint batcher, alone or with company.
  CHECK(SampleValue(text, "warden_token_mint_batches_total") >= 1);
  CHECK(SampleValue(text, "warden_token_mint_batched_total") >=
        SampleValue(text, "warden_token_mint_batches_total"));
  CHECK(SampleValue(text, "warden_token_mint_fallbacks_total") == 0);
  CHECK(SampleValue(text, "warden_token_mint_waiting") >= 0);
}

TEST_CASE("a metrics address that cannot be bound stops start-up") {
  TestDatabase database;
  WardenProcess server(
      {{"WARDEN_DATABASE_URL", database.url()}, {"WARDEN_METRICS_LISTEN", "not-an-address"}});
  server.Start(/*wait_serving=*/false);
  CHECK(server.WaitForLog("cannot serve metrics on not-an-address", 1, absl::Seconds(30)));
}

}  // namespace
}  // namespace warden::testing
