// End to end: the server process as an operator sees it — start-up, logs, signals, restarts.

#include <grpcpp/create_channel.h>

#include <catch2/catch.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/e2e/api_client.h"
#include "tests/e2e/warden_process.h"
#include "tests/support/free_port.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_database.h"

namespace warden::testing {
namespace {

TEST_CASE("a dev run generates a key, keeps it across restarts, and stops cleanly on SIGTERM") {
  TestDatabase database;
  WardenProcess server({{"WARDEN_DATABASE_URL", database.url()}});
  server.Start();
  CHECK_THAT(server.Log(), Catch::Contains("generated a development ES256 key"));
  ApiClient api(server.channel());
  auto minted = api.Generate(server.AdminAuthorization(), "survivor", {"Analyst"});
  REQUIRE(minted.ok());

  CHECK(server.Stop() == 0);
  CHECK_THAT(server.Log(), Catch::Contains("warden-server stopped"));
  server.Start();
  CHECK_THAT(server.Log(), Catch::Contains("using the development signing key"));
  CHECK(api.AuthStatus(Bearer(minted.response.token())).ok());
}

TEST_CASE("bad configuration stops start-up with a message naming the setting") {
  SubprocessOptions options;
  options.argv = {WARDEN_SERVER_BINARY};
  options.env = {{"WARDEN_DATABASE_URL", "postgresql://127.0.0.1:1/x"},
                 {"WARDEN_DATA_DIR", "/tmp/unused"},
                 {"WARDEN_TOKEN_MAX_LIFETIME", "forever"}};
  auto process = Subprocess::Start(options);
  REQUIRE(process.ok());
  CHECK((*process)->Wait() == 2);
  CHECK_THAT((*process)->ReadStderr(), Catch::Contains("WARDEN_TOKEN_MAX_LIFETIME"));

  options.env = {{"WARDEN_DATA_DIR", "/tmp/unused"}};
  auto no_db = Subprocess::Start(options);
  REQUIRE(no_db.ok());
  CHECK((*no_db)->Wait() == 2);
  CHECK_THAT((*no_db)->ReadStderr(), Catch::Contains("WARDEN_DATABASE_URL"));
}

TEST_CASE("the health-only port serves health and nothing else") {
  TestDatabase database;
  std::string health_address = absl::StrCat("127.0.0.1:", FreeTcpPort());
  WardenProcess server(
      {{"WARDEN_DATABASE_URL", database.url()}, {"WARDEN_HEALTH_LISTEN", health_address}});
  server.Start();
  auto channel = grpc::CreateChannel(health_address, grpc::InsecureChannelCredentials());
  auto health = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  SetDeadline(&context);
  grpc::health::v1::HealthCheckResponse response;
  REQUIRE(health->Check(&context, {}, &response).ok());
  CHECK(response.status() == grpc::health::v1::HealthCheckResponse::SERVING);
  ApiClient api(channel);
  CHECK(api.AuthStatus(server.AdminAuthorization()).code() == grpc::StatusCode::UNIMPLEMENTED);
}

TEST_CASE("--help documents every setting") {
  SubprocessOptions options;
  options.argv = {WARDEN_SERVER_BINARY, "--help"};
  auto process = Subprocess::Start(options);
  REQUIRE(process.ok());
  CHECK((*process)->Wait() == 0);
  std::string help = (*process)->ReadStdout();
  CHECK_THAT(help, Catch::Contains("WARDEN_SIGNING_KEYS") && Catch::Contains("WARDEN_LISTEN"));
}

}  // namespace
}  // namespace warden::testing
