#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "domain/identity.h"
#include "validation/jose/jwt.h"
#include "validation/jose/key_ring.h"
#include "validation/validation_state.h"
#include "validation/verified_token_cache.h"

namespace warden {

// Validates a presented Warden token from memory alone (SPEC §1): signature and claims
// (jose::VerifyJwt), then, from the ValidationState: not revoked, every role still exists,
// and for a token of M2M origin, that its configuration still exists with the revision the
// token carries. Never touches the database. Thread-safe; the referenced objects must outlive it.
//
// With a cache (cache_capacity > 0), a token verified once skips the signature check when
// presented again (VerifiedTokenCache); its lifetime, revocation, roles and M2M
// configuration are still checked on every call, so the answers are the same either way.
class TokenValidator final {
 public:
  TokenValidator(const jose::KeyRing& keys, jose::VerifyOptions options,
                 const ValidationState& state, const Clock& clock, size_t cache_capacity = 0);

  // Told the outcome of every Validate (true: valid), e.g. for metrics. Must be thread-safe.
  using Observer = std::function<void(bool valid)>;

  // The token's identity, or UNAUTHENTICATED with a reason that never echoes the token.
  absl::StatusOr<Identity> Validate(absl::string_view token) const;

  // REQUIRES: called before any Validate (not synchronized).
  void SetObserver(Observer observer) { observer_ = std::move(observer); }

  // Told the identity of every token that Validate accepts, e.g. to record its last use.
  // Runs on the validating thread: must be thread-safe and cheap.
  using UseObserver = std::function<void(const Identity& identity)>;
  // REQUIRES: called before any Validate (not synchronized).
  void SetUseObserver(UseObserver observer) { use_observer_ = std::move(observer); }

  const jose::VerifyOptions& options() const { return options_; }

  // Tokens issued before `cutoff` may carry a high-S ES256 signature (VerifyOptions, which
  // sets it first); nullopt: none may. Thread-safe; applies to verifications that start
  // afterwards.
  void SetHighSIssuedBefore(std::optional<absl::Time> cutoff);
  std::optional<absl::Time> high_s_issued_before() const;
  const jose::KeyRing& keys() const { return keys_; }
  VerifiedTokenCache::Stats cache_stats() const { return cache_.stats(); }

 private:
  const jose::KeyRing& keys_;
  const jose::VerifyOptions options_;
  const ValidationState& state_;
  const Clock& clock_;
  Observer observer_;
  UseObserver use_observer_;
  mutable VerifiedTokenCache cache_;
  mutable absl::Mutex high_s_mu_;
  std::optional<absl::Time> high_s_issued_before_ ABSL_GUARDED_BY(high_s_mu_);

  absl::StatusOr<Identity> ValidateUnobserved(absl::string_view token) const;
  // The token's verified claims: from the cache when they are there and `now` is within
  // the token's lifetime, else from jose::VerifyJwt (then cached).
  absl::StatusOr<VerifiedTokenCache::Claims> VerifiedClaims(absl::string_view token,
                                                            absl::Time now) const;
};

}  // namespace warden
