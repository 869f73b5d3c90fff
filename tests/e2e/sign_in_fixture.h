#pragma once

// People signing in, end to end: the real warden-server (gRPC and HTTP), a real OpenID
// Provider (panva's oidc-provider over HTTPS with a test CA, tests/oidc) with people whose
// groups differ, and a browserless login driver that fills the provider's own login form.

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "tests/e2e/api_client.h"
#include "tests/e2e/oidc_login.h"
#include "tests/e2e/oidc_provider.h"
#include "tests/e2e/role_client.h"
#include "tests/e2e/warden_process.h"
#include "tests/support/test_database.h"
#include "warden/v1/auth_provider.grpc.pb.h"

namespace warden::testing {

class SignInFixture {
 public:
  // bob's groups give Analyst; carol's give Token Issuer (mint within Alert READ); eve's
  // give nothing.
  SignInFixture() : server_(ServerEnv()), api_(server_.channel()), roles_(server_.channel()) {
    server_.ServeHttp();
    OidcProviderOptions options;
    options.users = {{"bob", "bob@example.com", "bob-pw", "Bob Analyst", {"analysts", "devs"}},
                     {"carol", "carol@example.com", "carol-pw", "Carol", {"token-issuers"}},
                     {"eve", "eve@example.com", "eve-pw", "Eve", {"marketing"}}};
    // One client for the console and wardenctl, as an operator registers Warden: the
    // console's callback and loopback redirects (RFC 8252: any port), and the device flow.
    OidcClient console;
    console.client_id = "warden-console";
    console.client_secret = "console-secret";
    console.application_type = "native";
    console.redirect_uris = {"http://127.0.0.1/auth/callback", "http://127.0.0.1/callback"};
    console.grant_types = {"authorization_code", kDeviceCodeGrant};
    OidcClient other;
    other.client_id = "another-app";
    other.client_secret = "another-secret";
    other.redirect_uris = {server_.http_url() + "/auth/callback"};
    options.clients = {console, other};
    options.extra_config = {{"device_flow", {{"interval", 1}}}};
    absl::StatusOr<std::unique_ptr<OidcProvider>> idp = OidcProvider::Start(std::move(options));
    INFO(idp.status().ToString());
    REQUIRE(idp.ok());
    idp_ = *std::move(idp);
    secret_file_ = idp_->WriteClientSecretFile("warden-console");
    const std::string secrets_dir = secret_file_.substr(0, secret_file_.rfind('/'));
    server_.SetEnv("WARDEN_M2M_CA_FILE", idp_->ca_file());
    server_.SetEnv("WARDEN_AUTH_PROVIDER_SECRETS_DIR", secrets_dir);
    server_.SetEnv("WARDEN_AUDIT_LOG", audit_path());
    server_.Start();
    // The generated admin password stops working once a provider exists: keep an Admin token.
    Reply<v1::GenerateTokenResponse> admin =
        api_.Generate(server_.AdminAuthorization(), "test admin", {"Admin"});
    REQUIRE(admin.ok());
    admin_ = Bearer(admin.response.token());
    MakeTokenIssuerRole();
  }

  std::map<std::string, std::string> ServerEnv() const {
    return {{"WARDEN_DATABASE_URL", database_.url()},
            {"WARDEN_M2M_ALLOW_PRIVATE_ISSUERS", "true"},
            {"WARDEN_AUTH_FAILURE_RATE_LIMIT", "0"}};
  }

  // "Token Issuer": may mint tokens (Access READ, Integration READ_WRITE), reads alerts.
  void MakeTokenIssuerRole() {
    auto set = roles_.CreatePermissionSet(admin_, "Token Issuer",
                                          {{"Access", v1::ACCESS_LEVEL_READ_ACCESS},
                                           {"Integration", v1::ACCESS_LEVEL_READ_WRITE_ACCESS},
                                           {"Alert", v1::ACCESS_LEVEL_READ_ACCESS}});
    REQUIRE(set.ok());
    REQUIRE(roles_.CreateRole(admin_, "Token Issuer", set.response.permission_set().id()).ok());
  }

  // The audit trail, one JSON line per change; complete once the server has stopped.
  std::string audit_path() const { return server_.data_dir() + "/audit.jsonl"; }

  v1::AuthProvider Provider() const {
    v1::AuthProvider provider;
    provider.set_name("corp");
    provider.set_issuer(idp_->issuer());
    provider.set_client_id("warden-console");
    provider.set_client_secret_file(secret_file_.substr(secret_file_.rfind('/') + 1));
    provider.add_scopes("openid");
    provider.add_scopes("email");
    provider.add_scopes("groups");
    auto rule = [&](const char* value, const char* role) {
      v1::AuthProviderRule* r = provider.add_rules();
      r->set_key("groups");
      r->set_value_expression(value);
      r->set_role(role);
    };
    rule("analysts", "Analyst");
    rule("token-issuers", "Token Issuer");
    return provider;
  }

  template <typename Request, typename Response>
  Reply<Response> Call(grpc::Status (v1::AuthProviderService::Stub::*method)(grpc::ClientContext*,
                                                                             const Request&,
                                                                             Response*),
                       const std::string& authorization, const Request& request) {
    return CallWithAuthorization<Response>(
        [&](grpc::ClientContext* c, const Request& r, Response* o) {
          return (providers_.get()->*method)(c, r, o);
        },
        authorization, request);
  }

  v1::AuthProvider AddProvider(const v1::AuthProvider& provider) {
    v1::AddAuthProviderRequest request;
    *request.mutable_provider() = provider;
    auto added = Call(&v1::AuthProviderService::Stub::AddAuthProvider, admin_, request);
    INFO(added.message());
    REQUIRE(added.ok());
    return added.response.provider();
  }

  Reply<v1::StartSignInResponse> Start(const std::string& redirect = "") {
    v1::StartSignInRequest request;
    request.set_provider("corp");
    request.set_redirect_uri(redirect.empty() ? server_.http_url() + "/auth/callback" : redirect);
    return Call(&v1::AuthProviderService::Stub::StartSignIn, "", request);
  }
  Reply<v1::CompleteSignInResponse> Complete(const std::string& state, const std::string& code,
                                             const std::string& verifier) {
    v1::CompleteSignInRequest request;
    request.set_state(state);
    request.set_code(code);
    request.set_code_verifier(verifier);
    request.set_session_name("e2e");
    return Call(&v1::AuthProviderService::Stub::CompleteSignIn, "", request);
  }

  // The whole flow as a browser would run it, as `email`; a fresh cookie jar each time.
  Reply<v1::CompleteSignInResponse> SignIn(const std::string& email, const std::string& password) {
    Reply<v1::StartSignInResponse> started = Start();
    INFO(started.message());
    REQUIRE(started.ok());
    OidcLogin browser(idp_->ca_file());
    absl::StatusOr<AuthorizationResponse> back =
        browser.SignIn(started.response.authorization_url(), email, password);
    INFO(back.status().ToString());
    REQUIRE(back.ok());
    REQUIRE(back->error.empty());
    CHECK(back->state == started.response.state());
    return Complete(back->state, back->code, started.response.code_verifier());
  }

  TestDatabase database_;
  WardenProcess server_;
  ApiClient api_;
  RoleClient roles_;
  std::unique_ptr<v1::AuthProviderService::Stub> providers_ =
      v1::AuthProviderService::NewStub(server_.channel());
  std::unique_ptr<OidcProvider> idp_;
  std::string secret_file_;
  std::string admin_;
};

}  // namespace warden::testing
