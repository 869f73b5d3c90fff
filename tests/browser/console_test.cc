// The web console in a real browser: Debian's chromium driven by playwright-core, against
// the real warden-server serving the console it embeds. Each case runs one scenario of
// web/tests/scenarios/ (a person's task, done through the page by role, label and visible
// text) and checks its outcome here over gRPC, as another client of Warden would see it.
// The token lifecycle (descriptions, rotation, cascade revocation, the creator filter) is in
// token_lifecycle_test.cc.

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/time/clock.h"
#include "tests/browser/console_fixture.h"
#include "tests/e2e/m2m_fixture.h"
#include "tests/e2e/sign_in_fixture.h"
#include "tests/e2e/tool_run.h"
#include "warden/v1/auth.grpc.pb.h"

namespace warden::testing {
namespace {

// The built-in access scope every role may use.
constexpr char kUnrestricted[] = "a0a0a0a0-0000-4000-8000-000000000001";

// A Warden server with HTTP and a fake OIDC issuer that M2M configurations can name.
class ConsoleM2mFixture : public M2mFixture {
 public:
  ConsoleM2mFixture() : M2mFixture(/*allow_private_issuers=*/true, /*serve_http=*/true) {}
};

TEST_CASE_METHOD(ConsoleFixture,
                 "a person generates a token, copies it, it works, and it is never shown again") {
  const Json made = Browse("generate", {{"name", "deploy bot"}, {"role", "Analyst"}});
  const std::string token = made.at("copied");
  REQUIRE_FALSE(token.empty());
  // The copied token authenticates over gRPC, with the role chosen in the page.
  auto status = api_.AuthStatus(Bearer(token));
  REQUIRE(status.ok());
  CHECK(std::vector<std::string>(status.response.identity().roles().begin(),
                                 status.response.identity().roles().end()) ==
        std::vector<std::string>{"Analyst"});
  const std::vector<v1::TokenMetadata> made_here = Named("deploy bot");
  REQUIRE(made_here.size() == 1);
  // The default the dialog filled in: the server's default lifetime, one year.
  const absl::Time expires = absl::FromUnixSeconds(made_here[0].expiration().seconds());
  CHECK(absl::AbsDuration(expires - (absl::Now() + absl::Hours(8760))) < absl::Minutes(5));
}

TEST_CASE_METHOD(ConsoleFixture, "a person revokes a token and Warden refuses it at once") {
  const v1::GenerateTokenResponse minted = Mint("old laptop", {"Analyst"});
  REQUIRE(api_.AuthStatus(Bearer(minted.token())).ok());
  const Json seen = Browse("revoke", {{"name", "old laptop"}});
  CHECK(seen.at("notice") == "Revoked 1 token: old laptop.");
  auto refused = api_.AuthStatus(Bearer(minted.token()));
  CHECK(refused.code() == grpc::StatusCode::UNAUTHENTICATED);
  auto after = api_.Get(Admin(), minted.metadata().id());
  REQUIRE(after.ok());
  CHECK(after.response.token().revoked());
}

TEST_CASE_METHOD(ConsoleFixture,
                 "an Analyst is not offered Admin, and forcing it shows the server's refusal") {
  const v1::GenerateTokenResponse analyst = Mint("analyst session", {"Analyst"});
  // What the server says when this caller asks for Admin, over gRPC.
  auto direct = api_.Generate(Bearer(analyst.token()), "forced", {"Admin"});
  REQUIRE(direct.code() == grpc::StatusCode::PERMISSION_DENIED);
  // An Analyst may not mint at all (no Integration write): no Generate button.
  const Json seen = Browse(
      "forced-role", {{"token", analyst.token()}, {"role", "Admin"}, {"can_generate", false}});
  CHECK(seen.at("offered_admin") == false);
  CHECK(seen.at("message") == direct.message());
  CHECK(Named("forced").empty());
}

TEST_CASE_METHOD(ConsoleFixture,
                 "a token issuer forcing Admin sees the escalation refusal in the server's words") {
  // A custom role that may mint tokens (Access read, Integration read-write) but holds less
  // than Admin.
  v1::CreatePermissionSetRequest set;
  set.mutable_permission_set()->set_name("Token issuing");
  auto& access = *set.mutable_permission_set()->mutable_resource_to_access();
  access["Access"] = v1::ACCESS_LEVEL_READ_ACCESS;
  access["Integration"] = v1::ACCESS_LEVEL_READ_WRITE_ACCESS;
  auto created_set = CallWithAuthorization<v1::CreatePermissionSetResponse>(
      [&](auto* c, const auto& r, auto* p) { return roles_->CreatePermissionSet(c, r, p); },
      Admin(), set);
  REQUIRE(created_set.ok());
  v1::CreateRoleRequest role;
  role.mutable_role()->set_name("Token Issuer");
  role.mutable_role()->set_permission_set_id(created_set.response.permission_set().id());
  role.mutable_role()->set_access_scope_id(kUnrestricted);
  REQUIRE(CallWithAuthorization<v1::CreateRoleResponse>(
              [&](auto* c, const auto& r, auto* p) { return roles_->CreateRole(c, r, p); }, Admin(),
              role)
              .ok());
  const v1::GenerateTokenResponse issuer = Mint("issuer session", {"Token Issuer"});
  auto direct = api_.Generate(Bearer(issuer.token()), "forced", {"Admin"});
  REQUIRE(direct.code() == grpc::StatusCode::PERMISSION_DENIED);
  const Json seen =
      Browse("forced-role", {{"token", issuer.token()}, {"role", "Admin"}, {"can_generate", true}});
  CHECK(seen.at("offered_admin") == false);
  CHECK(seen.at("message") == direct.message());
  CHECK(Named("forced").empty());
}

TEST_CASE_METHOD(ConsoleFixture,
                 "tokens expiring within the window raise the banner and a days-left badge") {
  Mint("expires in 60 hours", {"Analyst"}, absl::Hours(60));
  Mint("expires in 30 days", {"Analyst"}, absl::Hours(24 * 30));
  const Json seen =
      Browse("expiry", {{"soon", "expires in 60 hours"}, {"later", "expires in 30 days"}});
  CHECK(seen.at("banner") == "1 token expires in less than 7 days");
  CHECK(seen.at("soon_badge") == "Expires in less than 3 days");
  CHECK(seen.at("later_badge") == "");
}

TEST_CASE_METHOD(ConsoleFixture,
                 "a custom role is created, edited and deleted through the permission matrix") {
  Browse("roles-create", {{"set", "Pipeline access"}, {"role", "Pipeline"}});
  v1::GetRoleRequest get;
  get.set_name("Pipeline");
  auto role = CallWithAuthorization<v1::GetRoleResponse>(
      [&](auto* c, const auto& r, auto* p) { return roles_->GetRole(c, r, p); }, Admin(), get);
  REQUIRE(role.ok());
  v1::GetPermissionSetRequest get_set;
  get_set.set_id(role.response.role().permission_set_id());
  auto set = CallWithAuthorization<v1::GetPermissionSetResponse>(
      [&](auto* c, const auto& r, auto* p) { return roles_->GetPermissionSet(c, r, p); }, Admin(),
      get_set);
  REQUIRE(set.ok());
  const auto& access = set.response.permission_set().resource_to_access();
  CHECK(access.at("Image") ==
        v1::ACCESS_LEVEL_READ_WRITE_ACCESS);  // edited from Read to Read-write
  CHECK(access.at("Detection") == v1::ACCESS_LEVEL_READ_ACCESS);
  CHECK(access.count("Administration") == 0);

  Browse("roles-delete", {{"set", "Pipeline access"}, {"role", "Pipeline"}});
  role = CallWithAuthorization<v1::GetRoleResponse>(
      [&](auto* c, const auto& r, auto* p) { return roles_->GetRole(c, r, p); }, Admin(), get);
  CHECK(role.code() == grpc::StatusCode::NOT_FOUND);
}

TEST_CASE_METHOD(ConsoleM2mFixture,
                 "a machine-to-machine configuration added in the console exchanges tokens") {
  Browse(
      server_, "m2m-add",
      {{"issuer", issuer_.url()}, {"audience", "warden-test"}, {"role", "Continuous Integration"}});
  auto listed = CallWithAuthorization<v1::ListAuthMachineToMachineConfigsResponse>(
      [&](auto* c, const auto& r, auto* p) {
        return stub_->ListAuthMachineToMachineConfigs(c, r, p);
      },
      admin_, v1::ListAuthMachineToMachineConfigsRequest());
  REQUIRE(listed.ok());
  REQUIRE(listed.response.configs_size() == 1);
  const v1::AuthMachineToMachineConfig& config = listed.response.configs(0);
  CHECK(config.issuer() == issuer_.url());
  REQUIRE(config.mappings_size() == 1);
  CHECK(config.mappings(0).role() == "Continuous Integration");
  // The issuer's ID tokens now trade for Warden tokens with the mapped role.
  auto traded = Exchange(issuer_.IdToken({{"repository", "org/repo"}}));
  REQUIRE(traded.ok());
  auto status = api_.AuthStatus(Bearer(traded.response.access_token()));
  REQUIRE(status.ok());
  CHECK(status.response.identity().roles(0) == "Continuous Integration");
  CHECK(Exchange(issuer_.IdToken({{"repository", "other/org/repo"}})).code() ==
        grpc::StatusCode::UNAUTHENTICATED);
}

TEST_CASE_METHOD(ConsoleFixture,
                 "when the session ends the person signs in again and returns to the same page") {
  const Json seen = Browse("session-expiry");
  CHECK(seen.at("notice") == "Your session has expired. Sign in again.");
  CHECK(seen.at("returned_to") == "#/roles");
}

TEST_CASE_METHOD(ConsoleFixture, "an idle session ends at its expiry, back at sign-in") {
  const Json seen = Browse("session-timeout");
  CHECK(seen.at("notice") == "Your session has expired. Sign in again.");
  CHECK(seen.at("at") == "#/sign-in?next=%2Fwhoami");
}

TEST_CASE_METHOD(ConsoleFixture, "the console works from the keyboard alone") {
  const Json seen = Browse("keyboard");
  CHECK(seen.at("after_navigation") == "main");
}

TEST_CASE_METHOD(ConsoleFixture, "every page renders, at desktop and phone width") {
  Mint("nightly export", {"Analyst"}, absl::Hours(60));
  Mint("grafana", {"Analyst"}, absl::Hours(24 * 30),
       "Reads alerts for the on-call wall screen in the operations room");
  const char* dir = std::getenv("WARDEN_SCREENSHOTS_DIR");
  const Json seen = Browse(
      "screenshots",
      {{"dir", dir != nullptr && *dir != '\0' ? std::string(dir) : WARDEN_BROWSER_ARTIFACTS}});
  CHECK(seen.at("pages").size() >= 8);
}

// A Warden server with HTTP, a real OpenID Provider and the provider "corp" (issue 17).
class ConsoleSignInFixture : public SignInFixture {
 public:
  ConsoleSignInFixture() { AddProvider(Provider()); }

  Json Browse(const std::string& name, const Json& input = Json::object()) {
    return testing::Browse(server_, name, input, {{"WARDEN_TRUSTED_SPKI", ProviderSpki()}});
  }
  // What Chromium is told to trust: the base64 SHA-256 of the provider's public key.
  std::string ProviderSpki() const {
    const ToolRun run =
        RunTool({"bash", "-c",
                 "openssl x509 -in \"$1\" -pubkey -noout | openssl pkey -pubin -outform der | "
                 "openssl dgst -sha256 -binary | base64",
                 "spki", idp_->certificate_file()});
    REQUIRE(run.exit_code == 0);
    return std::string(absl::StripAsciiWhitespace(run.out));
  }
};

TEST_CASE_METHOD(ConsoleSignInFixture,
                 "a person signs in with their company's provider and may grant only their roles") {
  // What the person may grant, as the API tells that person.
  Reply<v1::CompleteSignInResponse> api_session = SignIn("carol@example.com", "carol-pw");
  REQUIRE(api_session.ok());
  Reply<v1::ListAllowedTokenRolesResponse> allowed =
      api_.AllowedRoles(Bearer(api_session.response.session().token()));
  REQUIRE(allowed.ok());
  Json roles = Json::array();
  for (const std::string& role : allowed.response.role_names()) roles.push_back(role);
  CHECK(roles.dump() == R"(["Token Issuer"])");

  const Json done = Browse("oidc-signin", {{"providerName", "corp"},
                                           {"email", "carol@example.com"},
                                           {"password", "carol-pw"},
                                           {"expectName", "carol@example.com"},
                                           {"expectRoles", roles}});
  CHECK(done.at("offered") == roles);
  // Signing out ended the console's session on the server.
  Reply<v1::GetTokenResponse> session = api_.Get(admin_, done.at("session_token_id"));
  REQUIRE(session.ok());
  CHECK(session.response.token().created_by() == "user:corp:carol");
  CHECK(session.response.token().revoked());
}

TEST_CASE_METHOD(ConsoleSignInFixture,
                 "a person whose groups map to nothing sees why, and is not signed in") {
  const Json refused = Browse("oidc-signin-refused", {{"providerName", "corp"},
                                                      {"email", "eve@example.com"},
                                                      {"password", "eve-pw"},
                                                      {"expectMessage", "no rule"}});
  CHECK_THAT(refused.at("message").get<std::string>(),
             Catch::Matchers::Contains("eve@example.com signed in at corp"));
}

TEST_CASE_METHOD(ConsoleFixture,
                 "a sign-in callback the console did not start is refused without asking Warden") {
  const Json refused = Browse("oidc-state-attack");
  CHECK(refused.at("complete_sign_in_calls") == 0);
}

}  // namespace
}  // namespace warden::testing
