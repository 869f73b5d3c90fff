#pragma once

// The end-to-end M2M fixture: a warden-server, a fake OIDC issuer on 127.0.0.1 that the
// server trusts (its CA), and helpers to add configurations and exchange ID tokens.

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "tests/e2e/api_client.h"
#include "tests/e2e/warden_process.h"
#include "tests/support/fake_oidc_issuer.h"
#include "tests/support/test_database.h"
#include "tests/support/test_pki.h"
#include "tests/unit/oidc/test_issuer.h"

namespace warden::testing {

// A configuration trusting `issuer` for audience warden-test, 10 minute tokens, and one
// mapping: repository org/repo gets Analyst.
inline v1::AuthMachineToMachineConfig RepositoryM2mConfig(const std::string& issuer) {
  v1::AuthMachineToMachineConfig config;
  config.set_type(v1::AUTH_MACHINE_TO_MACHINE_CONFIG_TYPE_GENERIC);
  config.set_issuer(issuer);
  config.add_audiences("warden-test");
  config.set_token_expiration_duration("10m");
  auto* mapping = config.add_mappings();
  mapping->set_key("repository");
  mapping->set_value_expression("org/repo");
  mapping->set_role("Analyst");
  return config;
}

class M2mFixture {
 public:
  // `allow_private_issuers`: WARDEN_M2M_ALLOW_PRIVATE_ISSUERS, which the fake issuer on
  // 127.0.0.1 needs; the tests of the SSRF defence turn it off. `serve_http`: the server
  // also serves HTTP (WardenProcess::ServeHttp).
  explicit M2mFixture(bool allow_private_issuers = true, bool serve_http = false)
      : issuer_(pki_),
        server_({{"WARDEN_DATABASE_URL", database_.url()},
                 {"WARDEN_M2M_CA_FILE", pki_.Path("ca.pem")},
                 {"WARDEN_M2M_ALLOW_PRIVATE_ISSUERS", allow_private_issuers ? "true" : "false"},
                 // Some tests here fail on purpose far faster than the default budget of
                 // failed authentications allows (abuse_limits_test.cc tests that).
                 {"WARDEN_AUTH_FAILURE_RATE_LIMIT", "0"}}),
        api_(server_.channel()),
        stub_(v1::AuthService::NewStub(server_.channel())) {
    if (serve_http) server_.ServeHttp();
    server_.Start();
    admin_ = server_.AdminAuthorization();
  }

  v1::AuthMachineToMachineConfig Config() const {
    v1::AuthMachineToMachineConfig config;
    config.set_type(v1::AUTH_MACHINE_TO_MACHINE_CONFIG_TYPE_GENERIC);
    config.set_issuer(issuer_.url());
    config.add_audiences("warden-test");
    config.set_token_expiration_duration("10m");
    auto* ci = config.add_mappings();
    ci->set_key("repository");
    ci->set_value_expression("org/repo");
    ci->set_role("Continuous Integration");
    auto* main = config.add_mappings();
    main->set_key("ref");
    main->set_value_expression("refs/heads/main");
    main->set_role("Analyst");
    return config;
  }

  // Adds `c` as the admin, or as whoever `authorization` names.
  Reply<v1::AddAuthMachineToMachineConfigResponse> Add(const v1::AuthMachineToMachineConfig& c,
                                                       const std::string& authorization = "") {
    v1::AddAuthMachineToMachineConfigRequest request;
    *request.mutable_config() = c;
    return CallWithAuthorization<v1::AddAuthMachineToMachineConfigResponse>(
        [this](auto* ctx, const auto& r, auto* o) {
          return stub_->AddAuthMachineToMachineConfig(ctx, r, o);
        },
        authorization.empty() ? admin_ : authorization, request);
  }

  Reply<v1::UpdateAuthMachineToMachineConfigResponse> Update(
      const v1::AuthMachineToMachineConfig& c, const std::string& authorization = "") {
    v1::UpdateAuthMachineToMachineConfigRequest request;
    *request.mutable_config() = c;
    return CallWithAuthorization<v1::UpdateAuthMachineToMachineConfigResponse>(
        [this](auto* ctx, const auto& r, auto* o) {
          return stub_->UpdateAuthMachineToMachineConfig(ctx, r, o);
        },
        authorization.empty() ? admin_ : authorization, request);
  }

  Reply<v1::ExchangeAuthMachineToMachineTokenResponse> Exchange(const std::string& id_token) {
    v1::ExchangeAuthMachineToMachineTokenRequest request;
    request.set_id_token(id_token);
    return CallWithAuthorization<v1::ExchangeAuthMachineToMachineTokenResponse>(
        [this](auto* ctx, const auto& r, auto* o) {
          return stub_->ExchangeAuthMachineToMachineToken(ctx, r, o);
        },
        "", request);
  }

  // What AddAuthMachineToMachineConfig answers when the issuer's keys cannot be had.
  static std::string KeysRefused(const std::string& issuer, const std::string& reason) {
    return absl::StrCat("cannot fetch the keys of issuer ", issuer, ": ", reason);
  }

  TestPki pki_;
  FakeIssuer issuer_;
  TestDatabase database_;
  WardenProcess server_;
  ApiClient api_;
  std::unique_ptr<v1::AuthService::Stub> stub_;
  std::string admin_;
};

}  // namespace warden::testing
