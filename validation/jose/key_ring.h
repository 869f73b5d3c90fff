#pragma once

// The set of keys a Warden server holds at once, for rotation (SPEC §1): one signs, all
// verify. A new key is introduced by listing it first; the previous signer stays listed
// (possibly as a public key only) until every token it signed has expired.

#include <memory>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "validation/jose/signing_key.h"

namespace warden::jose {

// Immutable after Create; thread-safe; cheap to copy (the keys are shared).
class KeyRing final {
 public:
  // The first key signs and must can_sign(); every key verifies. INVALID_ARGUMENT if `keys`
  // is empty, holds a null pointer, starts with a public-only key, or two keys share a kid
  // (the same key listed twice).
  static absl::StatusOr<KeyRing> Create(std::vector<std::shared_ptr<const SigningKey>> keys);

  // A ring that only verifies, e.g. an outside issuer's published keys: like Create, except
  // that any key may be public-only. Its signer() is then just its first key, which may not
  // sign (SignJwt answers FAILED_PRECONDITION).
  static absl::StatusOr<KeyRing> CreateForVerification(
      std::vector<std::shared_ptr<const SigningKey>> keys);

  // The key new tokens are signed with (for a ring made by Create). Valid as long as this
  // ring (or a copy) lives.
  const SigningKey& signer() const { return *keys_.front(); }

  // The key whose kid is `kid`, or nullptr if none is. The pointer is valid as long as this
  // ring (or a copy) lives.
  const SigningKey* Find(std::string_view kid) const;

  // All keys, signer first.
  std::vector<std::shared_ptr<const SigningKey>> keys() const { return keys_; }

 private:
  explicit KeyRing(std::vector<std::shared_ptr<const SigningKey>> keys) : keys_(std::move(keys)) {}

  std::vector<std::shared_ptr<const SigningKey>> keys_;  // Never empty; kids unique.
};

}  // namespace warden::jose
