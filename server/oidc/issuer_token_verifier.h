#pragma once

// The whole verification of an outside ID token against a configured issuer: peek its kid,
// get the issuer's keys from the cache (refetching for an unknown kid at most once per
// cooldown), verify.

#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/oidc/id_token.h"
#include "server/oidc/issuer_key_cache.h"
#include "server/oidc/issuer_spec.h"

namespace warden::oidc {

// REQUIRES: expectations.issuer == issuer.issuer. A token whose unverified "iss" is another
// issuer is rejected (UNAUTHENTICATED "token issuer is not accepted") before any fetch, so
// only tokens claiming a configured issuer can cause fetches. Errors: PeekIdToken's
// (INVALID_ARGUMENT), KeysFor's when the issuer's keys were never fetched (UNAVAILABLE or
// FAILED_PRECONDITION), VerifyIdToken's. May block for one fetch: call it off gRPC callback
// threads. Thread-safe.
absl::StatusOr<VerifiedIdToken> VerifyIssuerIdToken(IssuerKeyCache& cache, const IssuerSpec& issuer,
                                                    std::string_view token,
                                                    const IdTokenExpectations& expectations,
                                                    absl::Time now);

}  // namespace warden::oidc
