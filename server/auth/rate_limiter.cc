#include "server/auth/rate_limiter.h"

#include <algorithm>
#include <vector>

#include "absl/hash/hash.h"

namespace warden {

RateLimiter::RateLimiter(Options options, const Clock& clock) : options_(options), clock_(clock) {}

RateLimiter::Shard& RateLimiter::ShardFor(absl::string_view key) const {
  return shards_[absl::Hash<absl::string_view>()(key) % kShards];
}

double RateLimiter::Refilled(const Bucket& bucket, absl::Time now) const {
  const double elapsed = std::max(0.0, absl::ToDoubleSeconds(now - bucket.updated));
  return std::min(options_.burst, bucket.tokens + elapsed * options_.rate);
}

bool RateLimiter::TryAcquire(absl::string_view key) {
  if (!enabled()) return true;
  const absl::Time now = clock_.Now();
  Shard& shard = ShardFor(key);
  absl::MutexLock lock(&shard.mu);
  auto it = shard.buckets.find(key);
  if (it == shard.buckets.end()) {
    if (shard.buckets.size() >= options_.max_keys / kShards) Evict(shard, now);
    it = shard.buckets.emplace(std::string(key), Bucket{options_.burst, now}).first;
  }
  Bucket& bucket = it->second;
  bucket.tokens = Refilled(bucket, now);
  bucket.updated = now;
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}

bool RateLimiter::Exhausted(absl::string_view key) const {
  if (!enabled()) return false;
  const Shard& shard = ShardFor(key);
  absl::MutexLock lock(&shard.mu);
  auto it = shard.buckets.find(key);
  return it != shard.buckets.end() && Refilled(it->second, clock_.Now()) < 1;
}

void RateLimiter::Evict(Shard& shard, absl::Time now) const {
  // Full buckets are the same as absent ones.
  absl::erase_if(shard.buckets,
                 [&](const auto& entry) { return Refilled(entry.second, now) >= options_.burst; });
  if (shard.buckets.empty() || shard.buckets.size() < options_.max_keys / kShards) return;
  // Still too many active keys: forget the fullest half.
  std::vector<double> levels;
  levels.reserve(shard.buckets.size());
  for (const auto& [key, bucket] : shard.buckets) levels.push_back(Refilled(bucket, now));
  std::nth_element(levels.begin(), levels.begin() + levels.size() / 2, levels.end());
  const double median = levels[levels.size() / 2];
  absl::erase_if(shard.buckets,
                 [&](const auto& entry) { return Refilled(entry.second, now) >= median; });
}

}  // namespace warden
