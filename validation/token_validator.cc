#include "validation/token_validator.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/random.h"

namespace warden {

TokenValidator::TokenValidator(const jose::KeyRing& keys, jose::VerifyOptions options,
                               const ValidationState& state, const Clock& clock,
                               size_t cache_capacity)
    : keys_(keys),
      options_(std::move(options)),
      state_(state),
      clock_(clock),
      cache_(cache_capacity),
      high_s_issued_before_(options_.high_s_issued_before) {}

absl::StatusOr<Identity> TokenValidator::Validate(absl::string_view token) const {
  absl::StatusOr<Identity> identity = ValidateUnobserved(token);
  if (observer_) observer_(identity.ok());
  if (use_observer_ && identity.ok()) use_observer_(*identity);
  return identity;
}

void TokenValidator::SetHighSIssuedBefore(std::optional<absl::Time> cutoff) {
  absl::MutexLock lock(&high_s_mu_);
  high_s_issued_before_ = cutoff;
}

std::optional<absl::Time> TokenValidator::high_s_issued_before() const {
  absl::MutexLock lock(&high_s_mu_);
  return high_s_issued_before_;
}

absl::StatusOr<VerifiedTokenCache::Claims> TokenValidator::VerifiedClaims(absl::string_view token,
                                                                          absl::Time now) const {
  // A token too large is refused by VerifyJwt before any work; do not hash it first.
  const bool cacheable = cache_.enabled() && token.size() <= options_.max_token_bytes;
  VerifiedTokenCache::Digest digest;
  if (cacheable) {
    digest = VerifiedTokenCache::DigestOf(token);
    VerifiedTokenCache::Claims cached = cache_.Find(digest);
    if (cached != nullptr) {
      // VerifyJwt's own time checks. Outside them, VerifyJwt runs again and gives the reason.
      const absl::Duration leeway = std::max(options_.leeway, absl::ZeroDuration());
      if (now <= cached->expires_at + leeway && now + leeway >= cached->not_before) {
        return cached;
      }
      cache_.Erase(digest);
    }
  }
  // Only on the signature path: a copy of the options costs nothing next to the signature.
  jose::VerifyOptions options = options_;
  options.high_s_issued_before = high_s_issued_before();
  absl::StatusOr<jose::JwtClaims> verified =
      jose::VerifyJwt(keys_, std::string_view(token.data(), token.size()), options, now);
  if (!verified.ok()) return verified.status();
  auto claims = std::make_shared<const jose::JwtClaims>(*std::move(verified));
  if (cacheable) cache_.Insert(digest, claims);
  return claims;
}

absl::StatusOr<Identity> TokenValidator::ValidateUnobserved(absl::string_view token) const {
  const absl::Time now = clock_.Now();
  absl::StatusOr<VerifiedTokenCache::Claims> verified = VerifiedClaims(token, now);
  if (!verified.ok()) return verified.status();
  const jose::JwtClaims& claims = **verified;
  if (!IsUuid(claims.id)) return absl::UnauthenticatedError("token id is not valid");
  if (state_.IsRevoked(claims.id, now)) {
    return absl::UnauthenticatedError("token has been revoked");
  }
  if (claims.roles.empty()) return absl::UnauthenticatedError("token carries no roles");
  if (std::optional<std::string> missing = state_.MissingRole(claims.roles)) {
    return absl::UnauthenticatedError(absl::StrCat("token role ", *missing, " no longer exists"));
  }
  Identity identity;
  identity.kind = IdentityKind::kApiToken;
  if (!claims.m2m_config_id.empty()) {
    // Exchanged for a third-party ID token, or minted by such an identity: it lives only as
    // long as its configuration, and only while that is unchanged (a fixed mapping must
    // reach tokens already exchanged).
    const std::optional<int64_t> current = state_.M2mConfigRevision(claims.m2m_config_id);
    if (!current.has_value()) {
      return absl::UnauthenticatedError("the m2m config this token was exchanged through is gone");
    }
    // Tokens from before revisions existed carry none: they match the first revision only.
    const int64_t revision = claims.m2m_revision == 0 ? 1 : claims.m2m_revision;
    if (revision != *current) {
      return absl::UnauthenticatedError(
          "the m2m config this token was exchanged through has changed since; exchange a new "
          "ID token");
    }
    if (!claims.subject.empty()) identity.kind = IdentityKind::kM2m;
    identity.m2m_config_id = claims.m2m_config_id;
    identity.m2m_revision = *current;
  }
  identity.id = claims.id;
  if (!claims.auth_provider_id.empty()) {
    // A person's session: it lives only while the provider that signed them in is unchanged
    // (a rule removed must reach sessions begun before).
    const std::optional<int64_t> current = state_.AuthProviderRevision(claims.auth_provider_id);
    if (!current.has_value()) {
      return absl::UnauthenticatedError("the auth provider of this session is gone");
    }
    if (claims.auth_provider_revision != *current) {
      return absl::UnauthenticatedError(
          "the auth provider of this session has changed since; sign in again");
    }
    if (claims.subject.empty()) return absl::UnauthenticatedError("session names no person");
    identity.kind = IdentityKind::kUser;
    identity.id = claims.subject;
    identity.auth_provider_id = claims.auth_provider_id;
    identity.auth_provider_revision = *current;
    identity.claims = claims.auth_claims;
  }
  identity.token_id = claims.id;
  identity.name = claims.name;
  identity.roles = claims.roles;
  identity.expires_at = claims.expires_at;
  identity.root = claims.root;
  return identity;
}

}  // namespace warden
