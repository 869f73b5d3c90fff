#include "server/auth/token_validator.h"

#include "absl/strings/str_cat.h"
#include "common/random.h"

namespace warden {

TokenValidator::TokenValidator(const jose::KeyRing& keys, jose::VerifyOptions options,
                               const RevocationView& revocations, const RoleView& roles,
                               const M2mView& m2m, const Clock& clock)
    : keys_(keys),
      options_(std::move(options)),
      revocations_(revocations),
      roles_(roles),
      m2m_(m2m),
      clock_(clock) {}

absl::StatusOr<Identity> TokenValidator::Validate(absl::string_view token) const {
  absl::StatusOr<Identity> identity = ValidateUnobserved(token);
  if (observer_) observer_(identity.ok());
  if (use_observer_ && identity.ok()) use_observer_(*identity);
  return identity;
}

absl::StatusOr<Identity> TokenValidator::ValidateUnobserved(absl::string_view token) const {
  absl::StatusOr<jose::JwtClaims> claims = 
      jose::VerifyJwt(keys_, std::string_view(token.data(), token.size()), options_, clock_.Now());
  if (!claims.ok()) return claims.status();
  if (!IsUuid(claims->id)) return absl::UnauthenticatedError("token id is not valid");
  if (revocations_.IsRevoked(claims->id)) {
    return absl::UnauthenticatedError("token has been revoked");
  }
  if (claims->roles.empty()) return absl::UnauthenticatedError("token carries no roles");
  std::shared_ptr<const RoleSnapshot> roles = roles_.Snapshot();
  for (const std::string& role : claims->roles) {
    if (roles->Find(role) == nullptr) {
      return absl::UnauthenticatedError(absl::StrCat("token role ", role, " no longer exists"));
    }
  }
  Identity identity;
  identity.kind = IdentityKind::kApiToken;
  if (!claims->m2m_config_id.empty()) {
    // Exchanged for a third-party ID token: it lives only as long as its configuration.
    if (m2m_.Snapshot()->FindById(claims->m2m_config_id) == nullptr) {
      return absl::UnauthenticatedError("the m2m config this token was exchanged through is gone");
    }
    identity.kind = IdentityKind::kM2m;
  }
  identity.id = std::move(claims->id);
  identity.name = std::move(claims->name);
  identity.roles = std::move(claims->roles);
  identity.expires_at = claims->expires_at;
  return identity;
}

}  // namespace warden
