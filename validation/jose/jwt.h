#pragma once

// Warden's tokens: JWTs (RFC 7519) in JWS compact serialization (RFC 7515), signed with an
// asymmetric key chosen by "kid" (SPEC §1). Validation follows RFC 8725 (JWT BCP): the
// algorithm is fixed by the key, never chosen by the token.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "validation/jose/key_ring.h"
#include "validation/jose/signing_key.h"

namespace warden::jose {

struct JwtClaims {
  std::string issuer;                 // iss
  std::vector<std::string> audience;  // aud: a string when one element, else an array.
  std::string id;                     // jti
  // iat, nbf, exp as NumericDate: whole seconds since the epoch (sub-seconds truncated when
  // signing). When a verified token has no nbf, not_before is its issued_at.
  absl::Time issued_at, not_before, expires_at;
  std::string name;                // "name" ("" if a verified token has none)
  std::vector<std::string> roles;  // "roles" (empty if a verified token has none)
  // Only in tokens exchanged for a third-party ID token (SPEC §4); omitted when empty.
  std::string subject;  // "sub": the ID token's subject
  // In exchanged tokens and in tokens minted by an M2M identity, which live only as long as
  // the configuration that admitted the identity, and only while it is unchanged.
  std::string m2m_config_id;  // "m2m_config": the configuration; omitted when empty
  int64_t m2m_revision = 0;   // "m2m_rev": its revision; omitted when 0
  // "root": the principal at the root of the chain of creators (Identity::Root()), against
  // which caps count; omitted when empty (tokens minted before it existed: their own root).
  std::string root;
  // Only in a person's session token (SPEC §6a): the auth provider that signed them in and
  // its revision (the session lives only while it is unchanged), and the claims sign-in used.
  std::string auth_provider_id;        // "auth_provider"; omitted when empty
  int64_t auth_provider_revision = 0;  // "auth_provider_rev"; omitted when 0
  std::map<std::string, std::vector<std::string>> auth_claims;  // "auth_claims"; omitted when empty
};

// Signs `claims` as a compact JWS with header {"alg", "kid", "typ": "JWT"} from `key`.
// INVALID_ARGUMENT if issuer, audience or id is empty, a time is infinite, or a string is not
// valid UTF-8; FAILED_PRECONDITION if `key` cannot sign. Thread-safe.
absl::StatusOr<std::string> SignJwt(const SigningKey& key, const JwtClaims& claims);

// Signs any JSON object `payload` as a compact JWS with header {"alg", "kid", "typ": `typ`}
// from `key` (for values Warden signs that are not tokens, such as a sign-in's `state`).
// INVALID_ARGUMENT if the payload is not valid UTF-8; FAILED_PRECONDITION if `key` cannot
// sign. Thread-safe.
absl::StatusOr<std::string> SignJws(const SigningKey& key, const nlohmann::json& payload,
                                    std::string_view typ);

struct VerifyOptions {
  std::string issuer;                         // Required exact match of iss. REQUIRES: not empty.
  std::string audience;                       // Required member of aud. REQUIRES: not empty.
  absl::Duration leeway = absl::Seconds(60);  // Clock skew allowed on exp and nbf; < 0 means 0.
  size_t max_token_bytes = 16 * 1024;
  // ES256 tokens issued (`iat`) before this may carry a high-S signature: Warden signed
  // either form until it signed only low-S, and refusing those would end half of the tokens
  // issued before (migration 0012 records when). Compared in whole seconds, `iat`'s
  // resolution: a token issued in the cutoff's second may not. Unset: none may.
  std::optional<absl::Time> high_s_issued_before;
};

// Verifies a compact JWS against `ring` at time `now` and returns its claims.
//
// Every failure is UNAUTHENTICATED with a short fixed reason that never contains any part of
// the token: "token is too large", "token is malformed", "token algorithm is not accepted"
// (alg "none" or HS*), "token header names an unknown signing key", "token algorithm does not
// match its signing key", "token header has unsupported critical parameters", "token
// signature is not in canonical low-S form" (an ES256 signature whose s is above n/2: Warden
// never signs one, see ecdsa_signature.h), "token signature is invalid", "token issuer is not
// accepted", "token audience is not accepted", "token has expired", "token is not valid yet",
// "token is missing claim <x>", "token claim <x> is malformed".
//
// Checks, in this order: size; three base64url parts; header is a JSON object with string
// alg and kid; alg is not "none" nor HS*; kid is in the ring; alg equals the key's algorithm
// exactly; no "crit" header; ES256 signature in low-S form; signature over the first two
// parts; payload is a JSON object; iss; aud (string or array); exp (now > exp + leeway =>
// expired); nbf if present (now + leeway < nbf => not valid yet); jti (non-empty string) and
// iat present with the right types; name and roles, if present, with the right types. JSON
// with duplicate member names is malformed (RFC 7515 §5.2 allows rejecting it; it defeats
// parser-differential attacks).
//
// If `options` lacks issuer or audience, every token is rejected with INTERNAL. Thread-safe;
// never throws.
absl::StatusOr<JwtClaims> VerifyJwt(const KeyRing& ring, std::string_view token,
                                    const VerifyOptions& options, absl::Time now);

}  // namespace warden::jose
