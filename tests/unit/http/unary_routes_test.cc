#include "server/http/unary_routes.h"

#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "common/thread_pool.h"
#include "server/api/auth_api.h"
#include "server/api/auth_provider_api.h"
#include "server/api/role_api.h"
#include "server/api/token_api.h"
#include "server/m2m/m2m_authority.h"
#include "server/oidc/issuer_key_cache.h"
#include "server/roles/role_authority.h"
#include "server/tokens/token_authority.h"
#include "tests/support/fake_auth_provider_records.h"
#include "tests/support/fake_m2m_config_records.h"
#include "tests/support/fake_role_tables.h"
#include "tests/support/fake_token_records.h"
#include "tests/support/recording_audit_trail.h"
#include "tests/unit/http/http_fixture.h"
#include "tests/unit/oidc/fake_http_fetcher.h"

namespace warden::http {
namespace {

using testing::ConnectRequest;
using testing::HttpFixture;
using testing::MakeRequest;
using testing::Serve;
using warden::testing::FakeAuthProviderRecords;
using warden::testing::FakeM2mConfigRecords;
using warden::testing::FakeRoleTables;
using warden::testing::FakeSignInStateRecords;
using warden::testing::FakeTokenRecords;
using warden::testing::RecordingAuditTrail;
using Json = nlohmann::json;

// The four APIs as the server wires them, over the in-memory records of tests/support
// instead of PostgreSQL.
class ApiWorld : public HttpFixture {
 public:
  ApiWorld()
      : m2m_configs_(roles_),
        issuer_keys_(fetcher_, clock_, {}),
        blocking_pool_(1, 1),
        token_authority_(token_records_, keys_, roles_, revocations_, audit_, clock_,
                         TokenPolicy{Options().issuer, Options().audience},
                         [](std::function<void(absl::Status)> done) { done(absl::OkStatus()); }),
        role_authority_(role_tables_, role_tables_, role_tables_, roles_, audit_, clock_),
        m2m_authority_(m2m_configs_, m2m_, token_records_, roles_, issuer_keys_, blocking_pool_,
                       keys_, audit_, clock_, M2mAuthority::Options{}),
        token_api_(token_authority_),
        role_api_(role_authority_),
        provider_records_(roles_),
        sign_in_states_(clock_),
        provider_client_(fetcher_, clock_, {}),
        provider_authority_(provider_records_, providers_, roles_, provider_client_, issuer_keys_,
                            blocking_pool_, audit_, ""),
        sign_in_(providers_, provider_client_, issuer_keys_, sign_in_states_, token_records_, keys_,
                 blocking_pool_, audit_, clock_, {}),
        auth_api_(validator_, roles_, m2m_authority_, token_authority_),
        provider_api_(provider_authority_, sign_in_, roles_, [] { return true; }) {}
  // Every task has finished before the objects it uses go.
  ~ApiWorld() { blocking_pool_.Shutdown(); }

  std::vector<UnaryRoute> Routes() {
    return UnaryRoutes(token_api_, role_api_, auth_api_, provider_api_);
  }

  FakeTokenRecords token_records_;
  FakeRoleTables role_tables_;
  FakeM2mConfigRecords m2m_configs_;
  RecordingAuditTrail audit_;
  oidc::testing::FakeHttpFetcher fetcher_;
  oidc::IssuerKeyCache issuer_keys_;
  ThreadPool blocking_pool_;
  TokenAuthority token_authority_;
  RoleAuthority role_authority_;
  M2mAuthority m2m_authority_;
  TokenApi token_api_;
  RoleApi role_api_;
  FakeAuthProviderRecords provider_records_;
  FakeSignInStateRecords sign_in_states_;
  ProviderClient provider_client_;
  AuthProviderAuthority provider_authority_;
  SignInAuthority sign_in_;
  AuthApi auth_api_;
  AuthProviderApi provider_api_;
};

TEST_CASE_METHOD(ApiWorld, "every unary method has exactly one route, at its Connect path") {
  std::map<Method, int> routes_of;
  for (const UnaryRoute& route : Routes()) ++routes_of[route.method];
  for (const MethodInfo& info : AllMethods()) {
    INFO(info.name);
    CHECK(routes_of[info.method] == (info.method == Method::kWatchRevocations ? 0 : 1));
  }
  for (const UnaryRoute& route : Routes()) {
    const google::protobuf::MethodDescriptor* method = testing::MethodDescriptorOf(route.method);
    REQUIRE(method != nullptr);
    INFO(method->full_name());
    CHECK(route.path == "/warden.v1." + method->service()->name() + "/" + method->name());
    CHECK(ConnectPath(route.method) == route.path);
    CHECK(static_cast<bool>(route.call));
  }
}

TEST_CASE_METHOD(ApiWorld, "each route's message types are its method's, as the protos declare") {
  for (const UnaryRoute& route : Routes()) {
    const google::protobuf::MethodDescriptor* method = testing::MethodDescriptorOf(route.method);
    REQUIRE(method != nullptr);
    INFO(method->full_name());
    CHECK(route.request_prototype->GetDescriptor() == method->input_type());
    CHECK(route.response_prototype->GetDescriptor() == method->output_type());
    CHECK_FALSE(method->client_streaming());
    CHECK_FALSE(method->server_streaming());
  }
}

TEST_CASE_METHOD(ApiWorld, "the real routes answer over Connect through the application layer") {
  gate_.SetReady();
  std::unique_ptr<Router> router = MakeRouter(Routes());
  std::string label;

  // Anonymous: the public keys, no Authorization header.
  HttpResponse keys = router->Handle(MakeRequest("POST", "/warden.v1.AuthService/GetPublicKeys",
                                                 "{}", {{"content-type", "application/json"}}),
                                     &label);
  REQUIRE(keys.status == 200);
  const Json published = Json::parse(keys.body);
  CHECK(published["issuer"] == "https://warden.test");
  CHECK(published["audience"] == "warden");
  CHECK(Json::parse(published["jwks"].get<std::string>())["keys"][0]["kid"] ==
        keys_.signer().kid());

  // ValidateToken: the caller's token admits the call, the presented one is checked.
  const std::string presented = Mint(Claims({"Analyst"}));
  HttpResponse valid = router->Handle(
      MakeRequest("POST", "/warden.v1.AuthService/ValidateToken", Json{{"token", presented}}.dump(),
                  {{"content-type", "application/json"}, {"authorization", Bearer({"Analyst"})}}),
      &label);
  REQUIRE(valid.status == 200);
  CHECK(Json::parse(valid.body)["identity"]["roles"] == Json::array({"Analyst"}));
  CHECK(label == "/warden.v1.AuthService/ValidateToken");

  HttpResponse invalid = router->Handle(
      MakeRequest("POST", "/warden.v1.AuthService/ValidateToken",
                  Json{{"token", "not-a-token"}}.dump(),
                  {{"content-type", "application/json"}, {"authorization", Bearer({"Analyst"})}}),
      &label);
  CHECK(invalid.status == 401);
  CHECK(Json::parse(invalid.body)["code"] == "unauthenticated");
}

TEST_CASE_METHOD(
    ApiWorld, "a token minted over Connect is read, revoked over StackRox's path, then refused") {
  gate_.SetReady();
  std::unique_ptr<Router> router = MakeRouter(Routes());
  const std::string admin = Bearer({kAdminRoleName});

  HttpResponse minted = Serve(*router, ConnectRequest("/warden.v1.TokenService/GenerateToken",
                                                      R"({"name":"ci","roles":["Admin"]})", admin));
  REQUIRE(minted.status == 200);
  const Json mint = Json::parse(minted.body);
  const std::string id = mint["metadata"]["id"];
  const std::string token = mint["token"];
  CHECK(mint["metadata"]["roles"] == Json::array({"Admin"}));

  HttpResponse got = Serve(
      *router, ConnectRequest("/warden.v1.TokenService/GetToken", Json{{"id", id}}.dump(), admin));
  REQUIRE(got.status == 200);
  CHECK(Json::parse(got.body)["token"]["name"] == "ci");

  HttpResponse revoked = Serve(
      *router, MakeRequest("PATCH", "/v1/apitokens/revoke/" + id, "", {{"authorization", admin}}));
  REQUIRE(revoked.status == 200);

  // The minted token no longer admits a call, on either kind of route.
  HttpResponse refused = Serve(
      *router, ConnectRequest("/warden.v1.AuthService/GetAuthStatus", "{}", "Bearer " + token));
  CHECK(refused.status == 401);
  CHECK_THAT(Json::parse(refused.body)["message"].get<std::string>(), Catch::Contains("revoked"));
  CHECK(Serve(*router,
              MakeRequest("GET", "/v1/auth/status", "", {{"authorization", "Bearer " + token}}))
            .status == 401);
}

}  // namespace
}  // namespace warden::http
