#pragma once

// The fixed world the JWT fuzz targets validate in: three committed test keys
// (tests/fuzz/keys, which make_seeds.py also signs the seed corpus with), the issuer and
// audience, a frozen "now", and the role, revocation and M2M views a token meets in
// TokenValidator. Fixed so that the committed seed tokens stay valid forever.

#include <string>

#include "absl/time/time.h"
#include "server/m2m/m2m_view.h"
#include "server/signin/auth_provider_view.h"
#include "validation/jose/jwt.h"
#include "validation/jose/key_ring.h"
#include "validation/revocation_view.h"
#include "validation/role_view.h"

namespace warden::fuzz {

inline constexpr char kIssuer[] = "https://warden.example.com";
inline constexpr char kAudience[] = "warden";
// 2023-11-14T22:13:20Z. Seed tokens are valid from an hour before to an hour after.
inline const absl::Time kNow = absl::FromUnixSeconds(1'700'000'000);
// The roles that exist; a token naming any other is rejected.
inline constexpr const char* kRoleNames[] = {"Admin", "Analyst", "Continuous Integration"};
// A revoked token id (make_seeds.py mints one token with it).
inline constexpr char kRevokedId[] = "11111111-2222-4333-8444-555555555555";
// The one M2M configuration that exists (GitHub Actions).
inline constexpr char kM2mConfigId[] = "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d";

// ES256 (signs), RS256 and EdDSA, loaded once from WARDEN_FUZZ_KEY_DIR; CHECK-fails if the
// files are missing. Never destroyed.
const jose::KeyRing& FuzzKeyRing();

jose::VerifyOptions FuzzVerifyOptions();

// Views filled as described above. Never destroyed.
const RoleView& FuzzRoleView();
const RevocationView& FuzzRevocationView();
const M2mView& FuzzM2mView();
// No providers: session tokens' provider claims are refused.
const AuthProviderView& FuzzAuthProviderView();

}  // namespace warden::fuzz
