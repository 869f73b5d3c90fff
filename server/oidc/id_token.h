#pragma once

// Verification of ID tokens issued by outside OIDC issuers (GitHub Actions, Kubernetes, any
// OIDC provider), before Warden trades them for its own tokens (SPEC §4).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "validation/jose/key_ring.h"

namespace warden::oidc {

inline constexpr size_t kMaxIdTokenBytes = 16 * 1024;
inline constexpr size_t kMaxIdTokenJsonDepth = 32;

struct IdTokenExpectations {
  std::string issuer;                         // Required exact match of "iss". REQUIRES: not empty.
  std::vector<std::string> audiences;         // "aud" must contain one of them...
  bool allow_any_audience = false;            // ...unless this is set ("aud" may then be absent).
  absl::Duration leeway = absl::Seconds(60);  // Clock skew allowed on exp and nbf; < 0 means 0.
};

struct VerifiedIdToken {
  std::string issuer;     // iss
  std::string subject;    // sub
  absl::Time expires_at;  // exp (whole seconds)
  nlohmann::json claims;  // The whole payload, a JSON object.
};

// What an unverified token says about where it comes from: for choosing the configuration
// and keys, never for trusting it.
struct UnverifiedIdToken {
  std::string issuer;  // iss, not empty.
  std::string kid;     // The header's kid; "" if it has none.
};

// Decodes `token` without verifying it. INVALID_ARGUMENT ("token is too large", "token is
// malformed", "token has no issuer") if it is over kMaxIdTokenBytes, not a compact JWS of
// JSON objects nested at most kMaxIdTokenJsonDepth deep, or has no string "iss"/"kid" where
// present. Messages never contain any part of the token. Thread-safe.
absl::StatusOr<UnverifiedIdToken> PeekIdToken(std::string_view token);

// PeekIdToken(token)->issuer.
absl::StatusOr<std::string> PeekIssuer(std::string_view token);

// Verifies `token` against the issuer's `keys` at `now`: size and structure as PeekIdToken;
// the header's alg must be the algorithm of the key its kid names (a header without kid is
// accepted when `keys` holds one key); never "none" or HS*; signature; "iss" equal to
// expectations.issuer; "sub" a non-empty string; "exp" required (now > exp + leeway:
// expired); "nbf" if present (now + leeway < nbf: not valid yet); "aud" (a string or an array
// of strings) containing one of expectations.audiences unless allow_any_audience.
// NumericDates may be integers or decimals (decimals are rounded down).
//
// Errors: INVALID_ARGUMENT for structure ("token is too large", "token is malformed");
// UNAUTHENTICATED with a short fixed reason for everything else ("token signature is invalid",
// "token header names an unknown signing key", "token issuer is not accepted", "token
// audience is not accepted", "token has expired", "token is not valid yet", "token is missing
// claim <x>", "token claim <x> is malformed", ...). No message contains any part of the
// token. INTERNAL if expectations lack an issuer, or audiences without allow_any_audience.
// Thread-safe; never throws.
absl::StatusOr<VerifiedIdToken> VerifyIdToken(std::string_view token, const jose::KeyRing& keys,
                                              const IdTokenExpectations& expectations,
                                              absl::Time now);

}  // namespace warden::oidc
