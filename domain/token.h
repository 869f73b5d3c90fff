#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace warden {

// What Warden keeps about a token. The token string itself is never part of it.
struct TokenMetadata {
  std::string id;  // the JWT's `jti`, a UUIDv4
  std::string name;
  std::vector<std::string> roles;
  absl::Time issued_at;
  absl::Time expires_at;
  bool revoked = false;
  std::optional<absl::Time> revoked_at;
  std::string created_by;  // Identity::Principal() of the creator
  // The creator's Identity::name when it minted the token (a person's name, "admin", a
  // token's name), so that lists can show a person rather than "user:corp:248289761001".
  std::string created_by_name;
  // Identity::Root() of the creator: the person, admin or M2M identity at the start of the
  // chain of tokens minting tokens. Caps count against it. Empty: created_by.
  std::string root;
  // The last recorded use (throttled to one per minute, written in batches); unset: never
  // used as far as Warden knows. See server/tokens/usage_recorder.h.
  std::optional<absl::Time> last_used_at;
  std::string description;   // optional; at most kMaxTokenDescriptionLength characters
  std::string rotated_from;  // the token a rotation replaced with this one; empty: none
  std::string rotated_to;    // the token that replaced this one; empty: not rotated
  // The expiry the token string carries, when a rotation cut expires_at short; the token is
  // refused from expires_at on by the revocation view. Unset: expires_at is it.
  std::optional<absl::Time> signed_expires_at;

  // Until when the token string itself is valid: what revocations must be kept for.
  absl::Time SignedExpiry() const { return signed_expires_at.value_or(expires_at); }
};

// The longest description a token may have, in characters (code points).
inline constexpr size_t kMaxTokenDescriptionLength = 1024;

}  // namespace warden
