#pragma once

#include <array>
#include <cstddef>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"

namespace warden {

// A token bucket per key (an identity, a client address): `rate` events per second on
// average, up to `burst` at once. Keys whose bucket is full again are forgotten, so memory
// follows the keys active lately (at most `max_keys`; beyond that the fullest buckets go
// first, which errs on the side of letting an event through). Thread-safe: the keys are
// spread over shards with a lock each, so unrelated callers rarely contend.
class RateLimiter final {
 public:
  struct Options {
    double rate = 0;  // events per second; 0 disables the limiter (everything passes)
    double burst = 1;
    size_t max_keys = 100'000;
  };

  RateLimiter(Options options, const Clock& clock);

  bool enabled() const { return options_.rate > 0; }
  // Takes one event from `key`'s bucket: false (and nothing taken) when it is empty.
  bool TryAcquire(absl::string_view key);
  // Whether `key`'s bucket is empty, without taking anything.
  bool Exhausted(absl::string_view key) const;

 private:
  struct Bucket {
    double tokens;
    absl::Time updated;
  };
  struct Shard {
    mutable absl::Mutex mu;
    absl::flat_hash_map<std::string, Bucket> buckets ABSL_GUARDED_BY(mu);
  };
  static constexpr size_t kShards = 16;

  Shard& ShardFor(absl::string_view key) const;
  // The bucket's tokens at `now` (refilled, capped at burst).
  double Refilled(const Bucket& bucket, absl::Time now) const;
  void Evict(Shard& shard, absl::Time now) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(shard.mu);

  const Options options_;
  const Clock& clock_;
  mutable std::array<Shard, kShards> shards_;
};

}  // namespace warden
