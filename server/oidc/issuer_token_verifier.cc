#include "server/oidc/issuer_token_verifier.h"

#include <memory>

#include "absl/status/status.h"
#include "common/status_macros.h"

namespace warden::oidc {

absl::StatusOr<VerifiedIdToken> VerifyIssuerIdToken(IssuerKeyCache& cache, const IssuerSpec& issuer,
                                                    std::string_view token,
                                                    const IdTokenExpectations& expectations,
                                                    absl::Time now) {
  ASSIGN_OR_RETURN(const UnverifiedIdToken peeked, PeekIdToken(token));
  if (peeked.issuer != expectations.issuer || peeked.issuer != issuer.issuer) {
    return absl::UnauthenticatedError("token issuer is not accepted");
  }
  ASSIGN_OR_RETURN(const std::shared_ptr<const jose::KeyRing> keys,
                   cache.KeysFor(issuer, peeked.kid));
  return VerifyIdToken(token, *keys, expectations, now);
}

}  // namespace warden::oidc
