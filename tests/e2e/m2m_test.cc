// End to end: machine-to-machine tokens against a fake OIDC issuer served over HTTPS by the
// test itself (discovery + JWKS), with a CA the test makes and the server is told to trust.

#include <catch2/catch.hpp>

#include "absl/strings/str_cat.h"
#include "common/random.h"
#include "tests/e2e/m2m_fixture.h"
#include "tests/support/free_port.h"

namespace warden::testing {
namespace {

using oidc::testing::Json;
using oidc::testing::MakeKey;
using oidc::testing::TestKey;

TEST_CASE_METHOD(M2mFixture, "an ID token is traded for a Warden token with the matched roles") {
  auto added = Add(Config());
  INFO(added.message());
  REQUIRE(added.ok());
  CHECK(added.response.config().token_expiration_duration() == "10m");

  auto exchanged =
      Exchange(issuer_.IdToken({{"repository", "org/repo"}, {"ref", "refs/heads/main"}}));
  INFO(exchanged.message());
  REQUIRE(exchanged.ok());
  int64_t lifetime = exchanged.response.expiration().seconds() - absl::ToUnixSeconds(absl::Now());
  CHECK(lifetime == Approx(600).margin(5));

  auto who = api_.AuthStatus(Bearer(exchanged.response.access_token()));
  REQUIRE(who.ok());
  CHECK(who.response.identity().kind() == v1::IDENTITY_KIND_M2M);
  std::vector<std::string> roles(who.response.identity().roles().begin(),
                                 who.response.identity().roles().end());
  CHECK(roles == std::vector<std::string>{"Analyst", "Continuous Integration"});

  // Only the mappings that match count; the expression must match the whole value.
  auto one = Exchange(issuer_.IdToken({{"repository", "org/repo"}, {"ref", "refs/heads/dev"}}));
  REQUIRE(one.ok());
  auto evil = Exchange(issuer_.IdToken({{"repository", "org/repo-evil"}, {"ref", "refs/heads/x"}}));
  CHECK(evil.code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK_THAT(evil.message(), Catch::Contains("no mapping"));
}

TEST_CASE_METHOD(M2mFixture, "bad ID tokens are refused with the right code") {
  REQUIRE(Add(Config()).ok());
  Json claims = {{"repository", "org/repo"}};
  absl::Time now = absl::Now();

  Json wrong_audience = claims;
  wrong_audience["aud"] = "someone-else";
  CHECK(Exchange(issuer_.IdToken(wrong_audience)).code() == grpc::StatusCode::UNAUTHENTICATED);
  Json in_list = claims;
  in_list["aud"] = {"other", "warden-test"};
  CHECK(Exchange(issuer_.IdToken(in_list)).ok());
  Json no_audience = claims;
  no_audience["aud"] = nullptr;
  CHECK(Exchange(issuer_.IdToken(no_audience)).code() == grpc::StatusCode::UNAUTHENTICATED);

  Json expired = claims;
  expired["exp"] = absl::ToUnixSeconds(now - absl::Seconds(90));
  auto late = Exchange(issuer_.IdToken(expired));
  CHECK(late.code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(late.message() == "token has expired");
  Json early = claims;
  early["nbf"] = absl::ToUnixSeconds(now + absl::Seconds(120));
  CHECK(Exchange(issuer_.IdToken(early)).code() == grpc::StatusCode::UNAUTHENTICATED);

  TestKey stranger = MakeKey(jose::JwsAlgorithm::kRs256, "issuer-key-1");  // same kid, wrong key
  CHECK(Exchange(issuer_.IdToken(claims, &stranger)).code() == grpc::StatusCode::UNAUTHENTICATED);

  Json other_issuer = claims;
  other_issuer["iss"] = "https://unknown.example.com";
  CHECK(Exchange(issuer_.IdToken(other_issuer)).code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(Exchange("not-a-jwt").code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(Exchange("").code() == grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_CASE_METHOD(M2mFixture, "a flood of unknown key ids does not hammer the issuer") {
  REQUIRE(Add(Config()).ok());
  const int fetches_after_add = issuer_.jwks_fetches();
  CHECK(fetches_after_add == 1);
  for (int i = 0; i < 100; ++i) {
    TestKey random = MakeKey(jose::JwsAlgorithm::kEs256, NewUuidV4());
    CHECK(Exchange(issuer_.IdToken({{"repository", "org/repo"}}, &random)).code() ==
          grpc::StatusCode::UNAUTHENTICATED);
  }
  CHECK(issuer_.jwks_fetches() - fetches_after_add <= 1);
}

TEST_CASE_METHOD(M2mFixture,
                 "an ID token works directly as a bearer token, and dies with its config") {
  auto added = Add(Config());
  REQUIRE(added.ok());
  std::string id_token = issuer_.IdToken({{"repository", "org/repo"}});
  auto direct = api_.AuthStatus(Bearer(id_token));
  INFO(direct.message());
  REQUIRE(direct.ok());
  CHECK(direct.response.identity().kind() == v1::IDENTITY_KIND_M2M);
  CHECK(direct.response.identity().roles(0) == "Continuous Integration");

  auto exchanged = Exchange(id_token);
  REQUIRE(exchanged.ok());
  REQUIRE(api_.AuthStatus(Bearer(exchanged.response.access_token())).ok());

  v1::DeleteAuthMachineToMachineConfigRequest remove;
  remove.set_id(added.response.config().id());
  auto deleted = CallWithAuthorization<v1::DeleteAuthMachineToMachineConfigResponse>(
      [this](auto* ctx, const auto& r, auto* o) {
        return stub_->DeleteAuthMachineToMachineConfig(ctx, r, o);
      },
      admin_, remove);
  REQUIRE(deleted.ok());
  CHECK(api_.AuthStatus(Bearer(exchanged.response.access_token())).code() ==
        grpc::StatusCode::UNAUTHENTICATED);
  CHECK(api_.AuthStatus(Bearer(id_token)).code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(Exchange(id_token).code() == grpc::StatusCode::UNAUTHENTICATED);
}

TEST_CASE_METHOD(M2mFixture, "each rule of Add is checked, and a failed add stores nothing") {
  auto with = [this](auto change) {
    v1::AuthMachineToMachineConfig config = Config();
    change(config);
    return Add(config);
  };
  CHECK(with([](auto& c) { c.set_token_expiration_duration("48h"); }).code() ==
        grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(with([](auto& c) { c.set_token_expiration_duration("soon"); }).code() ==
        grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(with([](auto& c) { c.set_issuer("http://127.0.0.1:1"); }).code() ==
        grpc::StatusCode::INVALID_ARGUMENT);
  auto no_audience = with([](auto& c) { c.clear_audiences(); });
  CHECK(no_audience.code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK_THAT(no_audience.message(), Catch::Contains("allow_any_audience"));
  CHECK(with([](auto& c) { c.mutable_mappings(0)->set_value_expression("org/(repo"); }).code() ==
        grpc::StatusCode::INVALID_ARGUMENT);
  auto unknown_role = with([](auto& c) { c.mutable_mappings(0)->set_role("Wizard"); });
  CHECK(unknown_role.code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK_THAT(unknown_role.message(), Catch::Contains("Wizard"));
  CHECK(with([](auto& c) {
          c.set_type(v1::AUTH_MACHINE_TO_MACHINE_CONFIG_TYPE_GITHUB_ACTIONS);
        }).code() == grpc::StatusCode::INVALID_ARGUMENT);  // GitHub's issuer is fixed
  auto unreachable = with([](auto& c) { c.set_issuer("https://127.0.0.1:1"); });
  CHECK((unreachable.code() == grpc::StatusCode::UNAVAILABLE ||
         unreachable.code() == grpc::StatusCode::FAILED_PRECONDITION));

  v1::ListAuthMachineToMachineConfigsRequest list;
  auto listed = CallWithAuthorization<v1::ListAuthMachineToMachineConfigsResponse>(
      [this](auto* ctx, const auto& r, auto* o) {
        return stub_->ListAuthMachineToMachineConfigs(ctx, r, o);
      },
      admin_, list);
  REQUIRE(listed.ok());
  CHECK(listed.response.configs_size() == 0);

  REQUIRE(Add(Config()).ok());
  CHECK(Add(Config()).code() == grpc::StatusCode::ALREADY_EXISTS);
  auto opt_out = with([this](auto& c) {
    c.clear_audiences();
    c.set_allow_any_audience(true);
    c.set_issuer(issuer_.url() + "/other");
  });
  CHECK(opt_out.code() != grpc::StatusCode::INVALID_ARGUMENT);  // allowed; discovery decides
}

// The SSRF defence: an M2M configuration names a URL Warden fetches, so
// without it an administrator's client (or a stolen admin token) could probe Warden's own
// network and read the answers in the error messages.
class PublicIssuersOnlyFixture : public M2mFixture {
 public:
  PublicIssuersOnlyFixture() : M2mFixture(/*allow_private_issuers=*/false) {}
};

TEST_CASE_METHOD(PublicIssuersOnlyFixture,
                 "an issuer on a loopback address is refused, and never contacted") {
  const std::string by_name = absl::StrCat("https://localhost:", issuer_.port());
  for (const std::string& url : {issuer_.url(), by_name}) {  // A name is checked once resolved.
    v1::AuthMachineToMachineConfig config = Config();
    config.set_issuer(url);
    auto added = Add(config);
    CHECK(added.code() == grpc::StatusCode::FAILED_PRECONDITION);
    CHECK(added.message() == KeysRefused(url, "the issuer's address is not allowed"));
  }
  CHECK(issuer_.requests() == 0);
  // The operator learns why from the log.
  CHECK_THAT(server_.Log(), Catch::Contains("127.0.0.1 (loopback)"));
  CHECK_THAT(server_.Log(), Catch::Contains("WARDEN_M2M_ALLOW_PRIVATE_ISSUERS"));
}

TEST_CASE_METHOD(M2mFixture, "a jwks_uri on an address never allowed is refused, not fetched") {
  // 0.0.0.0 reaches the local host on Linux, so it would reach the fake issuer itself.
  issuer_.SetJwksUri(absl::StrCat("https://0.0.0.0:", issuer_.port(), "/jwks"));
  auto added = Add(Config());
  CHECK(added.code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(added.message() ==
        KeysRefused(issuer_.url(), "the address of the issuer's keys is not allowed"));
  CHECK(issuer_.requests() == 1);  // The discovery document only.
  CHECK(issuer_.jwks_fetches() == 0);
}

TEST_CASE_METHOD(M2mFixture, "a port nobody listens on is answered without libcurl's words") {
  const std::string closed = absl::StrCat("https://127.0.0.1:", FreeTcpPort());
  v1::AuthMachineToMachineConfig config = Config();
  config.set_issuer(closed);
  auto added = Add(config);
  CHECK(added.code() == grpc::StatusCode::UNAVAILABLE);
  // Exactly the caller's own URL and a fixed reason: no "Failed to connect", no port but the
  // one the caller wrote, no address Warden resolved.
  CHECK(added.message() == KeysRefused(closed, "cannot fetch the issuer's OpenID configuration"));
  // The details are in the server log, for the operator.
  CHECK_THAT(server_.Log(),
             Catch::Contains(absl::StrCat("GET ", closed, "/.well-known/openid-configuration: ")));
}

}  // namespace
}  // namespace warden::testing
