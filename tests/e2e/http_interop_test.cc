// End to end: independent clients of the HTTP port. Two off-the-shelf JWT libraries —
// panva's `jose` (npm) and PyJWT's PyJWKClient (Debian) — verify Warden tokens with nothing
// but /.well-known/jwks.json, also after a key rotation (tests/interop/jwks_*); and
// `buf curl --protocol connect` drives the token lifecycle from the .proto files alone.

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "tests/e2e/api_client.h"
#include "tests/e2e/http_client.h"
#include "tests/e2e/tool_run.h"
#include "tests/e2e/warden_process.h"
#include "tests/support/test_database.h"

namespace warden::testing {
namespace {

using Json = nlohmann::json;

// The kid of a compact token's JOSE header.
std::string KidOf(const std::string& token) {
  std::string header;
  REQUIRE(absl::WebSafeBase64Unescape(token.substr(0, token.find('.')), &header));
  return Json::parse(header).value("kid", "");
}

// A Warden server with HTTP, its keys given as WARDEN_SIGNING_KEYS.
class JwksFixture {
 public:
  JwksFixture() : server_({{"WARDEN_DATABASE_URL", database_.url()}}), http_(0) {
    es256_ = MakeSigningKey(server_.data_dir(), "es256",
                            "-algorithm EC -pkeyopt ec_paramgen_curve:P-256");
    rs256_ =
        MakeSigningKey(server_.data_dir(), "rs256", "-algorithm RSA -pkeyopt rsa_keygen_bits:2048");
    server_.ServeHttp();
    http_ = HttpClient(server_.http_port());
  }

  void StartWithKeys(const std::string& keys) {
    server_.SetEnv("WARDEN_SIGNING_KEYS", keys);
    server_.Start();
    const Json discovery = http_.Get("/.well-known/openid-configuration").Json();
    REQUIRE(discovery.is_object());
    issuer_ = discovery.at("issuer");
    const Json keys_info =
        http_.Connect("/warden.v1.AuthService/GetPublicKeys", "application/json", "{}").Json();
    REQUIRE(keys_info.is_object());
    audience_ = keys_info.at("audience");
  }

  std::string Mint(const std::string& name) {
    ApiClient api(server_.channel());
    auto minted = api.Generate(server_.AdminAuthorization(), name, {"Analyst"});
    REQUIRE(minted.ok());
    return minted.response.token();
  }

  // The kids the JWKS URL publishes.
  std::vector<std::string> PublishedKids() {
    HttpReply jwks = http_.Get("/.well-known/jwks.json");
    REQUIRE(jwks.status == 200);
    CHECK_THAT(jwks.Header("cache-control"), Catch::StartsWith("public, max-age="));
    const Json published = jwks.Json();
    std::vector<std::string> kids;
    for (const Json& key : published.at("keys")) {
      CHECK(key.at("use") == "sig");
      CHECK(!key.at("alg").get<std::string>().empty());
      CHECK_FALSE(key.contains("d"));  // public halves only
      kids.push_back(key.at("kid"));
    }
    return kids;
  }

  // Verifies `token` with both libraries through the JWKS URL; each must accept it, naming
  // its kid, unless `accept` is false, when each must refuse it.
  void CheckVerified(const std::string& token, bool accept = true) {
    const std::string url = server_.http_url() + "/.well-known/jwks.json";
    const std::vector<std::vector<std::string>> verifiers = {
        {WARDEN_NODE_EXECUTABLE, WARDEN_INTEROP_DIR "/jwks_jose.mjs"},
        {WARDEN_INTEROP_PYTHON, WARDEN_INTEROP_DIR "/jwks_pyjwt.py"}};
    for (std::vector<std::string> argv : verifiers) {
      argv.insert(argv.end(), {url, issuer_, audience_, token});
      const ToolRun run = RunTool(argv);
      INFO(argv[1] << " exit " << run.exit_code << "\nstdout: " << run.out
                   << "\nstderr: " << run.err);
      if (!accept) {
        CHECK(run.exit_code == 1);
        continue;
      }
      REQUIRE(run.exit_code == 0);
      const Json verified = Json::parse(run.out);
      CHECK(verified.at("kid") == KidOf(token));
      CHECK(verified.at("claims").at("iss") == issuer_);
      CHECK(verified.at("claims").at("name").is_string());
    }
  }

  TestDatabase database_;
  WardenProcess server_;
  HttpClient http_;
  std::string es256_;
  std::string rs256_;
  std::string issuer_;
  std::string audience_;
};

bool Has(const std::vector<std::string>& kids, const std::string& kid) {
  return std::find(kids.begin(), kids.end(), kid) != kids.end();
}

TEST_CASE_METHOD(JwksFixture,
                 "jose and PyJWT verify Warden tokens via the JWKS URL, also after a rotation") {
  StartWithKeys(es256_);
  const std::string old_token = Mint("before the rotation");
  const std::string old_kid = KidOf(old_token);
  CHECK(PublishedKids() == std::vector<std::string>{old_kid});
  CheckVerified(old_token);
  // A changed signature byte (not the last character, whose low bits are padding).
  std::string forged = old_token;
  char& in_signature = forged[forged.size() - 10];
  in_signature = in_signature == 'A' ? 'B' : 'A';
  CheckVerified(forged, /*accept=*/false);
  REQUIRE(server_.Stop() == 0);

  // Rotate: a new first (signing) key, the old one kept for verifying.
  StartWithKeys(rs256_ + "," + es256_);
  const std::string new_token = Mint("after the rotation");
  const std::string new_kid = KidOf(new_token);
  CHECK(new_kid != old_kid);
  const std::vector<std::string> kids = PublishedKids();
  CHECK(kids.size() == 2);
  CHECK(Has(kids, new_kid));
  CHECK(Has(kids, old_kid));
  CheckVerified(new_token);
  CheckVerified(old_token);
}

TEST_CASE("buf curl --protocol connect mints, lists, validates and revokes over HTTP") {
  TestDatabase database;
  WardenProcess server({{"WARDEN_DATABASE_URL", database.url()}});
  server.ServeHttp();
  server.Start();
  auto buf = [&](const std::string& method, const Json& body, const std::string& authorization) {
    const ToolRun run =
        RunTool({WARDEN_BUF_EXECUTABLE, "curl", "--protocol", "connect", "--schema",
                 WARDEN_PROTO_DIR, "-H", "Authorization: " + authorization, "-d", body.dump(),
                 absl::StrCat(server.http_url(), "/warden.v1.", method)});
    INFO("buf curl " << method << " exit " << run.exit_code << "\nstdout: " << run.out
                     << "\nstderr: " << run.err);
    REQUIRE(run.exit_code == 0);
    const Json answer = Json::parse(run.out, nullptr, false);
    REQUIRE(answer.is_object());
    return answer;
  };
  const std::string admin = server.AdminAuthorization();

  const Json minted =
      buf("TokenService/GenerateToken", {{"name", "from buf"}, {"roles", {"Analyst"}}}, admin);
  const std::string token = minted.at("token");
  const std::string id = minted.at("metadata").at("id");
  CHECK(minted.at("metadata").at("name") == "from buf");

  const Json listed = buf("TokenService/ListTokens", {{"revoked", false}}, admin);
  REQUIRE(listed.at("tokens").size() == 1);
  CHECK(listed.at("tokens")[0].at("id") == id);

  const Json validated = buf("AuthService/ValidateToken", {{"token", token}}, admin);
  CHECK(validated.at("identity").at("name") == "from buf");
  CHECK(validated.at("identity").at("kind") == "IDENTITY_KIND_API_TOKEN");

  const Json revoked = buf("TokenService/RevokeToken", {{"id", id}}, admin);
  CHECK(revoked.at("token").at("revoked") == true);

  // A refusal: buf reports Connect's error and exits non-zero.
  const ToolRun refused =
      RunTool({WARDEN_BUF_EXECUTABLE, "curl", "--protocol", "connect", "--schema", WARDEN_PROTO_DIR,
               "-H", "Authorization: " + Bearer(token), "-d", "{}",
               server.http_url() + "/warden.v1.AuthService/GetAuthStatus"});
  INFO(refused.out << refused.err);
  CHECK(refused.exit_code != 0);
  CHECK_THAT(refused.out + refused.err, Catch::Contains("unauthenticated"));
}

}  // namespace
}  // namespace warden::testing
