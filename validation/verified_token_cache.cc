#include "validation/verified_token_cache.h"

#include <openssl/evp.h>

#include <algorithm>

#include "glog/logging.h"
#include "validation/jose/signature_verifier.h"

namespace warden {
namespace {

constexpr size_t kShards = 16;

}  // namespace

VerifiedTokenCache::Digest VerifiedTokenCache::DigestOf(absl::string_view token) {
  Digest digest;
  unsigned int size = 0;
  CHECK_EQ(
      EVP_Digest(token.data(), token.size(), digest.data(), &size, jose::FetchedSha256(), nullptr),
      1);
  DCHECK_EQ(size, digest.size());
  return digest;
}

VerifiedTokenCache::VerifiedTokenCache(size_t capacity) {
  if (capacity == 0) return;
  const size_t shards = std::min(kShards, capacity);
  for (size_t i = 0; i < shards; ++i) {
    auto shard = std::make_unique<Shard>();
    // Spread the remainder so the shards add up to exactly `capacity`.
    shard->capacity = capacity / shards + (i < capacity % shards ? 1 : 0);
    shards_.push_back(std::move(shard));
  }
}

VerifiedTokenCache::Shard& VerifiedTokenCache::ShardOf(const Digest& digest) const {
  // The digest is uniform, so its last byte spreads tokens evenly (the hash map hashes it
  // whole for its own buckets).
  return *shards_[digest.back() % shards_.size()];
}

VerifiedTokenCache::Claims VerifiedTokenCache::Find(const Digest& digest) const {
  if (!enabled()) return nullptr;
  Shard& shard = ShardOf(digest);
  {
    absl::MutexLock lock(&shard.mu);
    auto it = shard.index.find(digest);
    if (it != shard.index.end()) {
      const Slot& slot = shard.slots[it->second];
      slot.referenced = true;
      hits_.fetch_add(1, std::memory_order_relaxed);
      return slot.claims;
    }
  }
  misses_.fetch_add(1, std::memory_order_relaxed);
  return nullptr;
}

void VerifiedTokenCache::Insert(const Digest& digest, Claims claims) {
  if (!enabled()) return;
  Shard& shard = ShardOf(digest);
  absl::MutexLock lock(&shard.mu);
  auto [it, inserted] = shard.index.try_emplace(digest, shard.slots.size());
  if (!inserted) {
    shard.slots[it->second].claims = std::move(claims);
    return;
  }
  if (shard.slots.size() < shard.capacity) {
    shard.slots.push_back(Slot{digest, std::move(claims), false});
    return;
  }
  // Full: the clock hand passes over recently used slots (clearing their mark) and takes
  // the first one not used since it last came by.
  while (shard.slots[shard.hand].referenced) {
    shard.slots[shard.hand].referenced = false;
    shard.hand = (shard.hand + 1) % shard.slots.size();
  }
  Slot& victim = shard.slots[shard.hand];
  shard.index.erase(victim.digest);
  it = shard.index.find(digest);  // erase may have moved it
  it->second = shard.hand;
  victim = Slot{digest, std::move(claims), false};
  shard.hand = (shard.hand + 1) % shard.slots.size();
}

void VerifiedTokenCache::Erase(const Digest& digest) {
  if (!enabled()) return;
  Shard& shard = ShardOf(digest);
  absl::MutexLock lock(&shard.mu);
  auto it = shard.index.find(digest);
  if (it == shard.index.end()) return;
  const size_t slot = it->second;
  shard.index.erase(it);
  // Keep the slots dense: the last one moves into the hole.
  const size_t last = shard.slots.size() - 1;
  if (slot != last) {
    shard.slots[slot] = std::move(shard.slots[last]);
    shard.index[shard.slots[slot].digest] = slot;
  }
  shard.slots.pop_back();
  if (shard.hand >= shard.slots.size()) shard.hand = 0;
}

VerifiedTokenCache::Stats VerifiedTokenCache::stats() const {
  Stats stats;
  stats.hits = hits_.load(std::memory_order_relaxed);
  stats.misses = misses_.load(std::memory_order_relaxed);
  for (const auto& shard : shards_) {
    absl::MutexLock lock(&shard->mu);
    stats.entries += shard->slots.size();
  }
  return stats;
}

}  // namespace warden
