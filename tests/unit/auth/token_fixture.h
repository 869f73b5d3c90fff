#pragma once

// A TokenValidator over in-memory views, a fake clock and a fresh ES256 key, with helpers
// that mint tokens it accepts: for the tests of the validator and what builds on it.

#include <string>
#include <vector>

#include "common/clock.h"
#include "common/random.h"
#include "server/views/views_state.h"
#include "tests/support/fake_clock.h"
#include "tests/unit/auth/role_fixtures.h"
#include "validation/token_validator.h"

namespace warden::testing {

class TokenFixture {
 public:
  explicit TokenFixture(size_t cache_capacity = 0)
      : clock_(absl::FromUnixSeconds(1'800'000'000)),
        keys_(*jose::KeyRing::Create({jose::SigningKey::Generate(jose::JwsAlgorithm::kEs256)})),
        validator_(keys_, Options(), state_, clock_, cache_capacity) {
    roles_.Replace({MakeRole(kAdminRoleName, {{"Access", Access::kReadWrite}}),
                    MakeRole("Analyst", {{"Alert", Access::kRead}})});
  }

  static jose::VerifyOptions Options() {
    jose::VerifyOptions options;
    options.issuer = "https://warden.test";
    options.audience = "warden";
    return options;
  }

  // Claims of a token valid for an hour from now.
  jose::JwtClaims Claims(std::vector<std::string> roles) {
    jose::JwtClaims claims;
    claims.issuer = "https://warden.test";
    claims.audience = {"warden"};
    claims.id = NewUuidV4();
    claims.issued_at = clock_.Now();
    claims.not_before = clock_.Now();
    claims.expires_at = clock_.Now() + absl::Hours(1);
    claims.name = "ci";
    claims.roles = std::move(roles);
    return claims;
  }

  std::string Mint(const jose::JwtClaims& claims) { return *jose::SignJwt(keys_.signer(), claims); }

  FakeClock clock_;
  jose::KeyRing keys_;
  RevocationView revocations_;
  RoleView roles_;
  M2mView m2m_;
  AuthProviderView providers_;
  ViewsState state_{revocations_, roles_, m2m_, providers_};
  TokenValidator validator_;
};

}  // namespace warden::testing
