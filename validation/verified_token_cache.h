#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "validation/jose/jwt.h"

namespace warden {

// Tokens whose signature and fixed claims (iss, aud, types) have been verified, so that a
// token presented again skips the signature check: validation's cache path.
//
// An entry is the claims of one verified token, keyed by the SHA-256 of the token. So the
// cache never holds a token, and how long a lookup takes depends on a digest no caller can
// steer, not on how much of some cached token a guess shares. What can change after
// verification (the time against exp and nbf, revocation, roles, M2M configurations) is not
// cached: TokenValidator checks it on every hit. Valid only for one key ring: a validator
// owns its cache, and a validator never changes keys.
//
// Bounded: `capacity` entries in 16 shards, each evicting by CLOCK (second chance), so a
// token validated again and again stays while tokens seen once make way for each other.
// Thread-safe.
class VerifiedTokenCache final {
 public:
  using Digest = std::array<uint8_t, 32>;
  using Claims = std::shared_ptr<const jose::JwtClaims>;

  // The key of `token`: its SHA-256.
  static Digest DigestOf(absl::string_view token);

  // capacity 0: the cache is off (Find always misses, Insert does nothing).
  explicit VerifiedTokenCache(size_t capacity);

  VerifiedTokenCache(const VerifiedTokenCache&) = delete;
  VerifiedTokenCache& operator=(const VerifiedTokenCache&) = delete;

  bool enabled() const { return !shards_.empty(); }

  // The claims cached for `digest` (marking them recently used), or null.
  Claims Find(const Digest& digest) const;
  // Caches `claims` for `digest`, evicting an entry not used since the hand last passed it
  // when the shard is full.
  void Insert(const Digest& digest, Claims claims);
  // Forgets `digest` (e.g. its token expired).
  void Erase(const Digest& digest);

  struct Stats {
    uint64_t hits = 0;
    uint64_t misses = 0;
    uint64_t entries = 0;
  };
  Stats stats() const;

 private:
  struct Slot {
    Digest digest{};
    Claims claims;
    mutable bool referenced = false;  // guarded by the shard's mutex
  };
  struct Shard {
    mutable absl::Mutex mu;
    size_t capacity = 0;
    absl::flat_hash_map<Digest, size_t> index ABSL_GUARDED_BY(mu);  // digest -> slots[i]
    std::vector<Slot> slots ABSL_GUARDED_BY(mu);
    size_t hand ABSL_GUARDED_BY(mu) = 0;  // the next slot the clock considers evicting
  };

  Shard& ShardOf(const Digest& digest) const;

  // unique_ptr: a Shard holds a mutex, so it cannot move.
  std::vector<std::unique_ptr<Shard>> shards_;
  mutable std::atomic<uint64_t> hits_{0};
  mutable std::atomic<uint64_t> misses_{0};
};

}  // namespace warden
