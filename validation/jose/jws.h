#pragma once

// Compact JWS (RFC 7515 §7.1) decoding and signature verification, shared by Warden's own
// tokens (jwt.h) and third-party ID tokens (server/oidc). Claims are the caller's business.
// Follows RFC 8725: the key named by "kid" fixes the algorithm; "none", HS* and "crit" are
// refused.

#include <cstddef>
#include <string_view>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "validation/jose/key_ring.h"
#include "validation/jose/signing_key.h"

namespace warden::jose {

struct JwsOptions {
  size_t max_token_bytes = 16 * 1024;
  // Deepest nesting of arrays/objects accepted in the header and payload; 0 = no limit.
  size_t max_json_depth = 0;
  // Accept a header without "kid" when the ring holds exactly one key (some issuers omit kid
  // when they publish a single key). Warden's own tokens always carry a kid.
  bool single_key_without_kid = false;
  // Refuse ES256 signatures whose s is above n/2 (the second string of the same token; see
  // ecdsa_signature.h). Warden signs only low-S. Off for outside issuers, whose signers
  // (Go's crypto/ecdsa, for one) produce either form.
  bool require_low_s = true;
};

struct DecodedJws {
  nlohmann::json header;   // A JSON object.
  nlohmann::json payload;  // A JSON object.
};

// Decodes a compact JWS WITHOUT verifying anything but its structure: three base64url parts
// whose first two are JSON objects (strict: see ParseJsonObject). For choosing which keys to
// verify with, never for trusting the content. INVALID_ARGUMENT "token is too large" or
// "token is malformed"; the message never contains any part of the token. Thread-safe.
absl::StatusOr<DecodedJws> DecodeJwsUnverified(std::string_view token, const JwsOptions& options);

struct VerifiedJws {
  nlohmann::json header;   // A JSON object.
  nlohmann::json payload;  // A JSON object whose signature was verified.
  const SigningKey* key;   // The verifying key; valid as long as the ring it came from.
  // An ES256 signature whose s is above n/2: possible only without require_low_s.
  bool high_s = false;
};

// Verifies the signature of a compact JWS against `ring`. Checks, in this order: size;
// three base64url parts; header is a JSON object with string alg and kid; alg is not "none"
// nor HS*; kid is in the ring; alg equals the key's algorithm exactly; no "crit" header;
// ES256 signature in low-S form (if options.require_low_s); signature over the first two
// parts; payload is a JSON object.
//
// Errors (fixed reasons that never contain any part of the token): INVALID_ARGUMENT "token
// is too large" or "token is malformed" for structure; UNAUTHENTICATED "token algorithm is
// not accepted", "token header names an unknown signing key", "token algorithm does not match
// its signing key", "token header has unsupported critical parameters", "token signature is
// not in canonical low-S form", "token signature is invalid". Thread-safe; never throws.
absl::StatusOr<VerifiedJws> VerifyJws(const KeyRing& ring, std::string_view token,
                                      const JwsOptions& options);

}  // namespace warden::jose
