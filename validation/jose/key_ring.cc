#include "validation/jose/key_ring.h"

#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace warden::jose {

absl::StatusOr<KeyRing> KeyRing::CreateForVerification(
    std::vector<std::shared_ptr<const SigningKey>> keys) {
  if (keys.empty()) return absl::InvalidArgumentError("a key ring needs at least one key");
  absl::flat_hash_set<std::string_view> kids;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] == nullptr) return absl::InvalidArgumentError(absl::StrCat("key ", i, " is null"));
    if (!kids.insert(keys[i]->kid()).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("key ", i, " (kid ", keys[i]->kid(), ") is listed more than once"));
    }
  }
  return KeyRing(std::move(keys));
}

absl::StatusOr<KeyRing> KeyRing::Create(std::vector<std::shared_ptr<const SigningKey>> keys) {
  ASSIGN_OR_RETURN(KeyRing ring, CreateForVerification(std::move(keys)));
  if (!ring.signer().can_sign()) {
    return absl::InvalidArgumentError(
        "the first key signs new tokens, so it must be a private key, not a public key");
  }
  return ring;
}

const SigningKey* KeyRing::Find(std::string_view kid) const {
  // Rings hold a handful of keys: a linear scan beats hashing.
  for (const auto& key : keys_) {
    if (key->kid() == kid) return key.get();
  }
  return nullptr;
}

}  // namespace warden::jose
