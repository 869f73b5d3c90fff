// Token buckets per key (server/auth/rate_limiter.h), on a fake clock.

#include "server/auth/rate_limiter.h"

#include <catch2/catch.hpp>

#include "absl/strings/str_cat.h"
#include "tests/support/fake_clock.h"

namespace warden {
namespace {

TEST_CASE("a key gets its burst at once, then the rate", "[rate_limiter]") {
  FakeClock clock(absl::FromUnixSeconds(1'700'000'000));
  RateLimiter limiter({.rate = 2, .burst = 3}, clock);
  for (int i = 0; i < 3; ++i) CHECK(limiter.TryAcquire("alice"));
  CHECK_FALSE(limiter.TryAcquire("alice"));
  CHECK(limiter.Exhausted("alice"));
  CHECK(limiter.TryAcquire("bob"));        // keys are independent
  clock.Advance(absl::Milliseconds(500));  // one event's worth at 2/s
  CHECK_FALSE(limiter.Exhausted("alice"));
  CHECK(limiter.TryAcquire("alice"));
  CHECK_FALSE(limiter.TryAcquire("alice"));
  clock.Advance(absl::Hours(1));  // refills to the burst, no further
  for (int i = 0; i < 3; ++i) CHECK(limiter.TryAcquire("alice"));
  CHECK_FALSE(limiter.TryAcquire("alice"));
}

TEST_CASE("Exhausted takes nothing, and an unknown key is not exhausted", "[rate_limiter]") {
  FakeClock clock(absl::FromUnixSeconds(1'700'000'000));
  RateLimiter limiter({.rate = 1, .burst = 1}, clock);
  CHECK_FALSE(limiter.Exhausted("carol"));
  CHECK_FALSE(limiter.Exhausted("carol"));
  CHECK(limiter.TryAcquire("carol"));
  CHECK(limiter.Exhausted("carol"));
}

TEST_CASE("a rate of 0 disables the limiter", "[rate_limiter]") {
  FakeClock clock(absl::FromUnixSeconds(1'700'000'000));
  RateLimiter limiter({.rate = 0, .burst = 1}, clock);
  CHECK_FALSE(limiter.enabled());
  for (int i = 0; i < 1000; ++i) CHECK(limiter.TryAcquire("dave"));
  CHECK_FALSE(limiter.Exhausted("dave"));
}

TEST_CASE("keys whose bucket refilled are forgotten first when the key table is full",
          "[rate_limiter]") {
  FakeClock clock(absl::FromUnixSeconds(1'700'000'000));
  RateLimiter limiter({.rate = 1, .burst = 1, .max_keys = 160}, clock);
  for (int i = 0; i < 1000; ++i) limiter.TryAcquire(absl::StrCat("old-", i));
  clock.Advance(absl::Seconds(10));  // every old bucket is full again
  REQUIRE(limiter.TryAcquire("attacker"));
  // New keys evict the refilled ones, not the spent bucket. (Fewer new keys than one
  // shard holds: a shard full of spent buckets would forget half of them, the attacker's
  // maybe, rather than grow without bound.)
  for (int i = 0; i < 5; ++i) limiter.TryAcquire(absl::StrCat("new-", i));
  CHECK(limiter.Exhausted("attacker"));
}

}  // namespace
}  // namespace warden
