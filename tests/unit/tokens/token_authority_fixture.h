#pragma once

// TokenAuthority over in-memory token records, views and audit trail, a fake clock and a
// fresh ES256 key, with a TokenValidator over the same keys and views: what a caller of the
// token use cases would see, without PostgreSQL.

#include <catch2/catch.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "server/tokens/token_authority.h"
#include "server/views/views_state.h"
#include "tests/support/admin_identity.h"
#include "tests/support/captured.h"
#include "tests/support/fake_clock.h"
#include "tests/support/fake_token_records.h"
#include "tests/support/recording_audit_trail.h"
#include "tests/unit/auth/role_fixtures.h"
#include "validation/token_validator.h"

namespace warden::testing {

class TokenAuthorityFixture {
 public:
  static constexpr char kIssuer[] = "https://warden.test";
  static constexpr char kAudience[] = "warden";
  static constexpr char kM2mConfigId[] = "0b6e4f3c-2a41-4c55-9d8e-7f1a2b3c4d5e";

  TokenAuthorityFixture()
      : clock_(absl::FromUnixSeconds(1'800'000'000)),  // 2027-01-15T08:00:00Z
        keys_(*jose::KeyRing::Create({jose::SigningKey::Generate(jose::JwsAlgorithm::kEs256)})),
        validator_(keys_, VerifyOptions(), state_, clock_, 0),
        authority_(records_, keys_, roles_, revocations_, audit_, clock_, Policy(),
                   [this](std::function<void(absl::Status)> done) {
                     ++reloads_;
                     reload_(std::move(done));
                   }) {
    // What storage holds: the role view loads it, at the generation the records compare.
    catalog_ = {MakeRole(kAdminRoleName, {{"Access", Access::kReadWrite},
                                          {"Integration", Access::kReadWrite},
                                          {"Alert", Access::kReadWrite}}),
                MakeRole("Analyst", {{"Alert", Access::kRead}}),
                MakeRole("Lead", {{"Alert", Access::kReadWrite},
                                  {"Integration", Access::kReadWrite},
                                  {"Access", Access::kRead}}),
                MakeRole(kNoneRoleName, {})};
    reload_ = [this](std::function<void(absl::Status)> done) {
      roles_.Replace(RoleCatalog{catalog_, records_.role_generation()});
      done(absl::OkStatus());
    };
    roles_.Replace(RoleCatalog{catalog_, records_.role_generation()});
    M2mConfig config;
    config.id = kM2mConfigId;
    config.revision = 3;
    config.issuer = "https://ci.example";
    m2m_.Replace({config});
  }

  static TokenPolicy Policy() {
    TokenPolicy policy;
    policy.issuer = kIssuer;
    policy.audience = kAudience;
    policy.default_lifetime = absl::Hours(24);
    policy.max_lifetime = absl::Hours(720);
    policy.expiring_window = absl::Hours(168);
    policy.max_live_tokens_per_creator = 3;
    return policy;
  }

  static jose::VerifyOptions VerifyOptions() {
    jose::VerifyOptions options;
    options.issuer = kIssuer;
    options.audience = kAudience;
    return options;
  }

  static Identity Admin() { return AdminIdentity(); }

  // An M2M identity holding Lead whose credential expires `left` from now.
  Identity M2mCaller(absl::Duration left) const {
    Identity who;
    who.kind = IdentityKind::kM2m;
    who.id = absl::StrCat(kM2mConfigId, ":ci-bot");
    who.name = "ci-bot";
    who.roles = {"Lead"};
    who.expires_at = clock_.Now() + left;
    who.m2m_config_id = kM2mConfigId;
    who.m2m_revision = 3;
    return who;
  }

  static MintRequest Request(std::string name, std::vector<std::string> roles,
                             std::optional<absl::Time> expiration = std::nullopt) {
    return MintRequest{std::move(name), std::move(roles), expiration};
  }

  // Mints and returns the answer, which must come exactly once (the fakes answer inline).
  absl::StatusOr<MintedToken> Mint(const Identity& creator, MintRequest request) {
    Captured<absl::StatusOr<MintedToken>> minted;
    authority_.Mint(creator, std::move(request), minted.Callback());
    REQUIRE(minted.calls() == 1);
    return minted.value();
  }

  // The identity a minted token authenticates as.
  Identity IdentityOf(const absl::StatusOr<MintedToken>& minted) const {
    REQUIRE(minted.ok());
    absl::StatusOr<Identity> who = validator_.Validate(minted->token);
    REQUIRE(who.ok());
    return *who;
  }

  FakeClock clock_;
  jose::KeyRing keys_;
  FakeTokenRecords records_;
  RecordingAuditTrail audit_;
  RevocationView revocations_;
  RoleView roles_;
  M2mView m2m_;
  AuthProviderView providers_;
  ViewsState state_{revocations_, roles_, m2m_, providers_};
  TokenValidator validator_;
  std::vector<Role> catalog_;  // the roles storage holds; reload_ loads them
  // What TokenAuthority's ReloadRoles does; by default loads catalog_ at the records'
  // current generation.
  std::function<void(std::function<void(absl::Status)>)> reload_;
  int reloads_ = 0;
  TokenAuthority authority_;
};

}  // namespace warden::testing
