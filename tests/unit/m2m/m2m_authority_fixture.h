#pragma once

// M2mAuthority over in-memory configuration and token records, a fake issuer behind a fake
// HttpFetcher, a fake clock and a real key cache, pool, keys and views: what a caller of the
// M2M use cases would see, without PostgreSQL or a network.

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "server/m2m/m2m_authority.h"
#include "server/views/views_state.h"
#include "tests/support/admin_identity.h"
#include "tests/support/captured.h"
#include "tests/support/fake_clock.h"
#include "tests/support/fake_m2m_config_records.h"
#include "tests/support/fake_token_records.h"
#include "tests/support/recording_audit_trail.h"
#include "tests/unit/auth/role_fixtures.h"
#include "tests/unit/oidc/fake_http_fetcher.h"
#include "tests/unit/oidc/test_issuer.h"
#include "validation/token_validator.h"

namespace warden::testing {

class M2mAuthorityFixture {
 public:
  static constexpr char kIssuer[] = "https://issuer.example.com";
  static constexpr char kDiscovery[] =
      "https://issuer.example.com/.well-known/openid-configuration";
  static constexpr char kJwksUri[] = "https://issuer.example.com/keys";
  static constexpr char kSubject[] = "repo:org/app";

  M2mAuthorityFixture()
      : clock_(absl::FromUnixSeconds(1'800'000'000)),
        issuer_key_(oidc::testing::MakeKey(jose::JwsAlgorithm::kEs256, "key-1")),
        keys_(fetcher_, clock_, oidc::IssuerKeyCache::Options{}),
        signer_(*jose::KeyRing::Create({jose::SigningKey::Generate(jose::JwsAlgorithm::kEs256)})),
        validator_(signer_, VerifyOptions(), state_, clock_, 0),
        authority_(configs_, view_, tokens_, roles_, keys_, pool_, signer_, audit_, clock_,
                   Options()) {
    fetcher_.Serve(kDiscovery, oidc::testing::DiscoveryDocument(kIssuer, kJwksUri).dump());
    fetcher_.Serve(kJwksUri, oidc::testing::Jwks({issuer_key_}).dump());
    roles_.Replace({MakeRole(kAdminRoleName, {{"Access", Access::kReadWrite},
                                              {"Integration", Access::kReadWrite},
                                              {"Alert", Access::kReadWrite}}),
                    MakeRole("Analyst", {{"Alert", Access::kRead}}),
                    MakeRole("Lead", {{"Alert", Access::kReadWrite},
                                      {"Integration", Access::kReadWrite},
                                      {"Access", Access::kRead}})});
  }
  // Every task has finished before the objects it uses go.
  ~M2mAuthorityFixture() { pool_.Shutdown(); }

  static M2mAuthority::Options Options() {
    M2mAuthority::Options options;
    options.issuer = "https://warden.test";
    options.audience = "warden";
    return options;
  }
  static jose::VerifyOptions VerifyOptions() {
    jose::VerifyOptions options;
    options.issuer = "https://warden.test";
    options.audience = "warden";
    return options;
  }

  static Identity Admin() { return AdminIdentity(); }

  // Trusts kIssuer's tokens for the audience warden-ci: repository org/app gets `role`.
  static M2mConfig Config(const std::string& role = "Analyst") {
    M2mConfig config;
    config.issuer = kIssuer;
    config.audiences = {"warden-ci"};
    config.token_lifetime = absl::Minutes(5);
    config.mappings = {M2mMapping{"repository", "org/app", role}};
    return config;
  }

  // An ID token from the issuer, valid for ten minutes, with `claims` over the defaults.
  std::string IdToken(const nlohmann::json& claims = nlohmann::json::object()) const {
    const int64_t now = absl::ToUnixSeconds(clock_.Now());
    nlohmann::json payload = {{"iss", kIssuer}, {"sub", kSubject},  {"aud", "warden-ci"},
                              {"iat", now},     {"exp", now + 600}, {"repository", "org/app"}};
    payload.update(claims);
    return oidc::testing::SignToken(issuer_key_, payload);
  }

  absl::StatusOr<M2mConfig> Add(const Identity& caller, M2mConfig config) {
    Captured<absl::StatusOr<M2mConfig>> added;
    authority_.Add(caller, std::move(config), added.Callback());
    return added.Wait();
  }
  absl::StatusOr<ExchangedToken> Exchange(const std::string& id_token) {
    Captured<absl::StatusOr<ExchangedToken>> exchanged;
    authority_.Exchange(id_token, exchanged.Callback());
    return exchanged.Wait();
  }

  FakeClock clock_;
  oidc::testing::FakeHttpFetcher fetcher_;
  oidc::testing::TestKey issuer_key_;
  oidc::IssuerKeyCache keys_;
  ThreadPool pool_{1, 1};
  RoleView roles_;
  M2mView view_;
  RevocationView revocations_;
  AuthProviderView providers_;
  ViewsState state_{revocations_, roles_, view_, providers_};
  FakeM2mConfigRecords configs_{roles_};
  FakeTokenRecords tokens_;
  RecordingAuditTrail audit_;
  jose::KeyRing signer_;
  TokenValidator validator_;
  M2mAuthority authority_;
};

// The same with Config() added by the admin (so the audit trail starts with its record).
class ConfiguredFixture : public M2mAuthorityFixture {
 public:
  ConfiguredFixture() : config_(*Add(Admin(), Config())) {}

  M2mConfig config_;
};

}  // namespace warden::testing
