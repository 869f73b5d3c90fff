// What every HTTP answer is subject to (security headers, CORS), the routes that are not
// Connect (health, JWKS, discovery) and what has no route at all.

#include "server/http/router.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "server/http/console_assets.h"
#include "server/http/well_known.h"
#include "tests/unit/http/http_fixture.h"

namespace warden::http {
namespace {

using testing::ConnectRequest;
using testing::FakeRoutes;
using testing::HeaderOf;
using testing::HttpFixture;
using testing::MakeRequest;
using testing::Serve;
using Json = nlohmann::json;

constexpr char kGetToken[] = "/warden.v1.TokenService/GetToken";
constexpr char kOrigin[] = "https://console.example.com";

// The Access-Control-* headers of an answer.
std::set<std::string> CorsHeaders(const HttpResponse& response) {
  std::set<std::string> names;
  for (const auto& [name, value] : response.headers) {
    if (name.rfind("Access-Control-", 0) == 0) names.insert(name);
  }
  return names;
}

// A request of every kind the router answers, successful or not.
std::vector<HttpRequest> EveryKindOfRequest(const std::string& bearer) {
  HttpRequest bad_query = MakeRequest("GET", "/v1/apitokens", "", {{"authorization", bearer}});
  bad_query.query.emplace("revoked", "maybe");
  return {
      bad_query,
      ConnectRequest(kGetToken, R"({"id":"t-1"})", bearer),
      ConnectRequest(kGetToken, R"({"id":"t-1"})"),
      ConnectRequest(kGetToken, "{", bearer),
      ConnectRequest(kGetToken, "{}", bearer, "text/plain"),
      MakeRequest("GET", kGetToken),
      ConnectRequest("/warden.v1.TokenService/NoSuchMethod", "{}", bearer),
      MakeRequest("GET", "/healthz"),
      MakeRequest("GET", "/readyz"),
      MakeRequest("GET", "/.well-known/jwks.json"),
      MakeRequest("GET", "/.well-known/openid-configuration"),
      MakeRequest("GET", "/v1/apitokens/t-1", "", {{"authorization", bearer}}),
      MakeRequest("OPTIONS", kGetToken, "", {{"origin", kOrigin}}),
      MakeRequest("GET", "/"),
      MakeRequest("DELETE", "/index.html"),
  };
}

TEST_CASE_METHOD(HttpFixture, "unknown Connect procedures are 404 unimplemented") {
  std::unique_ptr<Router> router = MakeRouter(FakeRoutes());
  gate_.SetReady();
  for (const char* path :
       {"/warden.v1.X/Y", "/warden.v1.TokenService/NoSuchMethod",
        "/warden.v1.TokenService/WatchRevocations", "/warden.v1.AuthService/WatchRevocations",
        "/warden.v1.TokenService", "/warden.v1.TokenService/GetToken/"}) {
    INFO(path);
    std::string label;
    HttpResponse response = router->Handle(ConnectRequest(path, "{}", Bearer({"Admin"})), &label);
    CHECK(response.status == 404);
    CHECK(Json::parse(response.body)["code"] == "unimplemented");
    CHECK(label == "other");  // metrics labels stay bounded whatever the path
  }
}

TEST_CASE_METHOD(HttpFixture, "paths with no route are 404 not_found") {
  std::unique_ptr<Router> router = MakeRouter(FakeRoutes());
  gate_.SetReady();
  const HttpRequest requests[] = {
      MakeRequest("POST", "/"),
      MakeRequest("GET", "/index.html"),
      MakeRequest("GET", "/assets/missing.js"),
      MakeRequest("POST", "/healthz"),
      MakeRequest("DELETE", "/.well-known/jwks.json"),
      MakeRequest("GET", "/warden.v1"),
      MakeRequest("GET", "/v2/apitokens"),
      MakeRequest("GET", "/../etc/passwd"),
      ConnectRequest("/WARDEN.V1.TokenService/GetToken", "{}", Bearer({"Admin"})),
  };
  for (const HttpRequest& request : requests) {
    INFO(request.method << " " << request.path);
    std::string label;
    HttpResponse response = router->Handle(request, &label);
    CHECK(response.status == 404);
    CHECK(Json::parse(response.body)["code"] == "not_found");
    CHECK(label == "other");
  }
}

TEST_CASE_METHOD(HttpFixture, "every answer carries the security headers") {
  std::unique_ptr<Router> router = MakeRouter(FakeRoutes());
  gate_.SetReady();
  for (const HttpRequest& request : EveryKindOfRequest(Bearer({"Admin"}))) {
    INFO(request.method << " " << request.path);
    HttpResponse response = Serve(*router, request);
    CHECK(HeaderOf(response, "X-Content-Type-Options") == "nosniff");
    CHECK(HeaderOf(response, "X-Frame-Options") == "DENY");
    CHECK(HeaderOf(response, "Referrer-Policy") == "no-referrer");
    CHECK_THAT(
        HeaderOf(response, "Content-Security-Policy"),
        Catch::StartsWith("default-src 'none'") && Catch::Contains("frame-ancestors 'none'"));
    CHECK(response.headers.count("Content-Security-Policy") == 1);
    CHECK(response.headers.count("Cache-Control") == 1);
    CHECK(response.headers.count("Strict-Transport-Security") == 0);  // not over TLS
    const bool public_keys = request.path.rfind("/.well-known/", 0) == 0;
    const bool console_page =
        request.method == "GET" && request.path == "/" && !ConsoleAssets().empty();
    CHECK(HeaderOf(response, "Cache-Control") ==
          (public_keys    ? "public, max-age=" + std::to_string(kJwksMaxAgeSeconds)
           : console_page ? "no-cache"
                          : "no-store"));
  }
}

TEST_CASE_METHOD(HttpFixture, "over TLS every answer also carries Strict-Transport-Security") {
  RouterOptions options;
  options.tls = true;
  std::unique_ptr<Router> router = MakeRouter(FakeRoutes(), options);
  for (const HttpRequest& request : EveryKindOfRequest(Bearer({"Admin"}))) {
    INFO(request.method << " " << request.path);
    CHECK(HeaderOf(Serve(*router, request), "Strict-Transport-Security") == "max-age=31536000");
  }
}

TEST_CASE_METHOD(HttpFixture, "without configured origins there is no CORS at all") {
  std::unique_ptr<Router> router = MakeRouter(FakeRoutes());
  gate_.SetReady();
  for (HttpRequest request : EveryKindOfRequest(Bearer({"Admin"}))) {
    request.headers.erase("origin");
    request.headers.emplace("origin", kOrigin);
    INFO(request.method << " " << request.path);
    HttpResponse response = Serve(*router, request);
    CHECK(CorsHeaders(response).empty());
    CHECK(response.headers.count("Vary") == 0);
  }
  // A preflight is refused.
  HttpResponse preflight =
      Serve(*router, MakeRequest("OPTIONS", kGetToken, "",
                                 {{"origin", kOrigin}, {"access-control-request-method", "POST"}}));
  CHECK(preflight.status == 403);
}

TEST_CASE_METHOD(HttpFixture, "a configured origin gets CORS headers, any other none") {
  RouterOptions options;
  options.cors_origins = {kOrigin, "http://localhost:5173"};
  std::unique_ptr<Router> router = MakeRouter(FakeRoutes(), options);
  gate_.SetReady();
  for (HttpRequest request : EveryKindOfRequest(Bearer({"Admin"}))) {
    INFO(request.method << " " << request.path);
    request.headers.erase("origin");
    request.headers.emplace("origin", kOrigin);
    HttpResponse allowed = Serve(*router, request);
    CHECK(HeaderOf(allowed, "Access-Control-Allow-Origin") == kOrigin);
    CHECK(HeaderOf(allowed, "Vary") == "Origin");
    CHECK(allowed.headers.count("Access-Control-Allow-Credentials") == 0);

    for (const char* other : {"https://evil.example.com", "https://console.example.com.evil.io",
                              "http://console.example.com", "null", "*"}) {
      INFO(other);
      request.headers.erase("origin");
      request.headers.emplace("origin", other);
      CHECK(CorsHeaders(Serve(*router, request)).empty());
    }
  }
}

TEST_CASE_METHOD(HttpFixture, "a preflight from an allowed origin is 204 with what it may send") {
  RouterOptions options;
  options.cors_origins = {kOrigin};
  std::unique_ptr<Router> router = MakeRouter(FakeRoutes(), options);
  gate_.SetReady();
  HttpResponse response = Serve(
      *router, MakeRequest("OPTIONS", kGetToken, "",
                           {{"origin", kOrigin},
                            {"access-control-request-method", "POST"},
                            {"access-control-request-headers", "authorization,content-type"}}));
  CHECK(response.status == 204);
  CHECK(response.body.empty());
  CHECK(HeaderOf(response, "Access-Control-Allow-Origin") == kOrigin);
  CHECK_THAT(HeaderOf(response, "Access-Control-Allow-Methods"), Catch::Contains("POST"));
  for (const char* header :
       {"Authorization", "Content-Type", "Connect-Protocol-Version", "Connect-Timeout-Ms"}) {
    CHECK_THAT(HeaderOf(response, "Access-Control-Allow-Headers"), Catch::Contains(header));
  }
  CHECK_FALSE(HeaderOf(response, "Access-Control-Max-Age").empty());
}

TEST_CASE_METHOD(HttpFixture, "a preflight from any other origin is 403 without CORS headers") {
  RouterOptions options;
  options.cors_origins = {kOrigin};
  std::unique_ptr<Router> router = MakeRouter(FakeRoutes(), options);
  gate_.SetReady();
  for (const char* origin : {"https://evil.example.com", "null", ""}) {
    INFO(origin);
    HttpResponse response = Serve(
        *router, MakeRequest("OPTIONS", kGetToken, "",
                             {{"origin", origin}, {"access-control-request-method", "POST"}}));
    CHECK(response.status == 403);
    CHECK(Json::parse(response.body)["code"] == "permission_denied");
    CHECK(CorsHeaders(response).empty());
  }
  HttpResponse no_origin = Serve(*router, MakeRequest("OPTIONS", kGetToken));
  CHECK(no_origin.status == 403);
  CHECK(CorsHeaders(no_origin).empty());
}

TEST_CASE_METHOD(HttpFixture, "/healthz is 200 always, /readyz 503 until the server is ready") {
  std::unique_ptr<Router> router = MakeRouter(FakeRoutes());
  for (const char* method : {"GET", "HEAD"}) {
    INFO(method);
    CHECK(Serve(*router, MakeRequest(method, "/healthz")).status == 200);
    CHECK(Serve(*router, MakeRequest(method, "/readyz")).status == 503);
  }
  gate_.SetReady();
  for (const char* method : {"GET", "HEAD"}) {
    INFO(method);
    CHECK(Serve(*router, MakeRequest(method, "/healthz")).status == 200);
    HttpResponse ready = Serve(*router, MakeRequest(method, "/readyz"));
    CHECK(ready.status == 200);
    CHECK(ready.body == "ready\n");
  }
}

// The public keys of a ring with one key of each algorithm (the first signs).
class KeysFixture : public HttpFixture {
 public:
  KeysFixture()
      : ring_(*jose::KeyRing::Create({jose::SigningKey::Generate(jose::JwsAlgorithm::kEs256),
                                      jose::SigningKey::Generate(jose::JwsAlgorithm::kRs256),
                                      jose::SigningKey::Generate(jose::JwsAlgorithm::kEdDsa)})) {}

  // The router over a validator of `ring_` that expects `issuer`.
  std::unique_ptr<Router> RouterFor(const std::string& issuer) {
    jose::VerifyOptions options = Options();
    options.issuer = issuer;
    validators_.push_back(std::make_unique<TokenValidator>(ring_, options, state_, clock_));
    return std::make_unique<Router>(RouterOptions{}, gate_, FakeRoutes(), *validators_.back());
  }

  jose::KeyRing ring_;
  std::vector<std::unique_ptr<TokenValidator>> validators_;
};

TEST_CASE_METHOD(KeysFixture, "the JWKS lists every key's public half, kid, alg and use") {
  std::unique_ptr<Router> router = RouterFor("https://warden.example.com");
  // Served while starting too: verifiers need no database.
  HttpResponse response = Serve(*router, MakeRequest("GET", "/.well-known/jwks.json"));
  REQUIRE(response.status == 200);
  CHECK(response.content_type == "application/json");
  const Json keys = Json::parse(response.body)["keys"];
  REQUIRE(keys.size() == 3);
  std::set<std::string> algorithms;
  for (size_t i = 0; i < keys.size(); ++i) {
    INFO(keys[i].dump());
    CHECK(keys[i]["kid"] == ring_.keys()[i]->kid());
    CHECK(keys[i]["use"] == "sig");
    algorithms.insert(keys[i]["alg"].get<std::string>());
    CHECK(keys[i] == ring_.keys()[i]->PublicJwk());
    for (const char* secret : {"d", "p", "q", "dp", "dq", "qi"})
      CHECK_FALSE(keys[i].contains(secret));
  }
  CHECK(algorithms == std::set<std::string>{"ES256", "RS256", "EdDSA"});
}

TEST_CASE_METHOD(KeysFixture, "discovery names the issuer, the JWKS under it and the algorithms") {
  for (const std::string& issuer :
       {std::string("https://warden.example.com"), std::string("https://warden.example.com/")}) {
    INFO(issuer);
    std::unique_ptr<Router> router = RouterFor(issuer);
    HttpResponse response = Serve(*router, MakeRequest("GET", "/.well-known/openid-configuration"));
    REQUIRE(response.status == 200);
    const Json discovery = Json::parse(response.body);
    CHECK(discovery["issuer"] == issuer);
    CHECK(discovery["jwks_uri"] == "https://warden.example.com/.well-known/jwks.json");
    CHECK(discovery["id_token_signing_alg_values_supported"].get<std::set<std::string>>() ==
          std::set<std::string>{"ES256", "RS256", "EdDSA"});
  }
  // With a path in the issuer, the JWKS is under it.
  CHECK(Json::parse(Serve(*RouterFor("https://example.com/warden"),
                          MakeRequest("GET", "/.well-known/openid-configuration"))
                        .body)["jwks_uri"] == "https://example.com/warden/.well-known/jwks.json");
}

TEST_CASE_METHOD(KeysFixture, "the documents are serialized once per key set") {
  std::unique_ptr<Router> router = RouterFor("https://warden.example.com");
  const std::string jwks = Serve(*router, MakeRequest("GET", "/.well-known/jwks.json")).body;
  CHECK(Serve(*router, MakeRequest("GET", "/.well-known/jwks.json")).body == jwks);
  // A new key set (the ring replaced under the validator) is served from the next request.
  ring_ = *jose::KeyRing::Create({jose::SigningKey::Generate(jose::JwsAlgorithm::kEdDsa)});
  const Json keys =
      Json::parse(Serve(*router, MakeRequest("GET", "/.well-known/jwks.json")).body)["keys"];
  REQUIRE(keys.size() == 1);
  CHECK(keys[0] == ring_.keys()[0]->PublicJwk());
  const Json discovery =
      Json::parse(Serve(*router, MakeRequest("GET", "/.well-known/openid-configuration")).body);
  CHECK(discovery["id_token_signing_alg_values_supported"] == Json::array({"EdDSA"}));
  HttpResponse again = Serve(*router, MakeRequest("GET", "/.well-known/jwks.json"));
  CHECK(again.headers.find("Cache-Control")->second ==
        "public, max-age=" + std::to_string(kJwksMaxAgeSeconds));
}

}  // namespace
}  // namespace warden::http
