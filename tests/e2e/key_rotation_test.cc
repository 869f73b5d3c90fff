// End to end: configured PEM keys of each algorithm, and rotation without downtime.

#include <catch2/catch.hpp>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "tests/e2e/api_client.h"
#include "tests/e2e/warden_process.h"
#include "tests/support/test_database.h"

namespace warden::testing {
namespace {

// The JOSE header's "alg" of a compact token.
std::string HeaderOf(const std::string& token) {
  std::string header;
  REQUIRE(absl::WebSafeBase64Unescape(token.substr(0, token.find('.')), &header));
  return header;
}

TEST_CASE("tokens signed by a retiring key keep working until that key is removed") {
  TestDatabase database;
  WardenProcess probe({{"WARDEN_DATABASE_URL", database.url()}});
  const std::string dir = probe.data_dir();
  std::string es256 =
      MakeSigningKey(dir, "es256", "-algorithm EC -pkeyopt ec_paramgen_curve:P-256");
  std::string rs256 = MakeSigningKey(dir, "rs256", "-algorithm RSA -pkeyopt rsa_keygen_bits:2048");
  std::string eddsa = MakeSigningKey(dir, "eddsa", "-algorithm ED25519");

  auto run = [&](const std::string& keys) {
    auto server = std::make_unique<WardenProcess>(std::map<std::string, std::string>{
        {"WARDEN_DATABASE_URL", database.url()}, {"WARDEN_SIGNING_KEYS", keys}});
    server->Start();
    return server;
  };

  auto first = run(es256);
  ApiClient api(first->channel());
  auto old_token = api.Generate(first->AdminAuthorization(), "old", {"Analyst"});
  REQUIRE(old_token.ok());
  CHECK_THAT(HeaderOf(old_token.response.token()), Catch::Contains("\"alg\":\"ES256\""));
  first->Stop();

  // Publish the new key (verifies only), then make it the signer: old tokens still work.
  auto second = run(rs256 + "," + es256);
  ApiClient api2(second->channel());
  CHECK(api2.AuthStatus(Bearer(old_token.response.token())).ok());
  auto new_token = api2.Generate(second->AdminAuthorization(), "new", {"Analyst"});
  REQUIRE(new_token.ok());
  CHECK_THAT(HeaderOf(new_token.response.token()), Catch::Contains("\"alg\":\"RS256\""));
  second->Stop();

  // Retire the old key: its tokens stop working, the new ones do not.
  auto third = run(eddsa + "," + rs256);
  ApiClient api3(third->channel());
  auto retired = api3.AuthStatus(Bearer(old_token.response.token()));
  CHECK(retired.code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(api3.AuthStatus(Bearer(new_token.response.token())).ok());
  auto ed_token = api3.Generate(third->AdminAuthorization(), "ed", {"Analyst"});
  REQUIRE(ed_token.ok());
  CHECK_THAT(HeaderOf(ed_token.response.token()), Catch::Contains("\"alg\":\"EdDSA\""));
  CHECK(api3.AuthStatus(Bearer(ed_token.response.token())).ok());
  CHECK_FALSE(absl::StrContains(third->Log(), "generated a development"));
}

}  // namespace
}  // namespace warden::testing
