#pragma once

// The signing keys of outside issuers, fetched by discovery and kept in memory. A token naming
// a kid the cache does not know triggers at most one refetch per cooldown per issuer, shared
// by every caller (single flight), so a flood of tokens with random kids cannot make Warden
// hammer an issuer.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "server/oidc/http_fetcher.h"
#include "server/oidc/issuer_spec.h"
#include "validation/jose/key_ring.h"

namespace warden::oidc {

// Thread-safe. No lock is held during HTTP; KeysFor and Prefetch may block their caller for up
// to one fetch (FetchOptions timeouts), so call them off gRPC callback threads. Entries are
// keyed by the whole IssuerSpec (a changed CA file is a new entry).
class IssuerKeyCache final {
 public:
  struct Options {
    // Least time between two fetches of one issuer, except by Prefetch.
    absl::Duration refresh_cooldown = absl::Minutes(1);
    // Keys older than this are refetched on next use (at most once per cooldown); until a
    // refetch succeeds the old keys keep serving, so an issuer outage does not stop exchanges.
    absl::Duration max_age = absl::Hours(1);
    // Timeouts and size limit. The bearer token and CA file come from the IssuerSpec.
    FetchOptions fetch;
  };

  // `fetcher` and `clock` must outlive the cache.
  IssuerKeyCache(HttpFetcher& fetcher, const Clock& clock, Options options);

  IssuerKeyCache(const IssuerKeyCache&) = delete;
  IssuerKeyCache& operator=(const IssuerKeyCache&) = delete;

  // The issuer's keys for verifying a token whose header names `kid` ("" when it names none).
  //  - kid known and keys younger than max_age: the cached keys, at once;
  //  - kid unknown (or keys older than max_age), and the last fetch attempt older than the
  //    cooldown: one fetch; concurrent callers for the same issuer wait for it instead of
  //    fetching (those whose kid is known meanwhile get the cached keys without waiting);
  //  - otherwise the cached keys, which may not hold `kid` (the caller then rejects the token
  //    as naming an unknown key).
  // Errors only when no fetch of this issuer has succeeded yet: the last fetch error
  // (UNAVAILABLE or FAILED_PRECONDITION, see DiscoverIssuerKeys). Never null.
  absl::StatusOr<std::shared_ptr<const jose::KeyRing>> KeysFor(const IssuerSpec& issuer,
                                                               std::string_view kid);

  // Fetches the issuer's keys now, ignoring the cooldown (after any fetch in flight for it),
  // and caches them on success. For adding or updating a configuration: returns the
  // discovery error as is (UNAVAILABLE or FAILED_PRECONDITION).
  absl::Status Prefetch(const IssuerSpec& issuer);

  // Drops the cached keys of `issuer` (its configuration was deleted).
  void Forget(const IssuerSpec& issuer);

  // Fetch attempts so far (each one discovery, including a Kubernetes retry). For tests.
  int64_t fetch_count() const;

 private:
  struct Entry;

  std::shared_ptr<Entry> EntryFor(const IssuerSpec& issuer) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Fetches with mu_ released and records the outcome in `entry`.
  absl::Status Refresh(const IssuerSpec& issuer, Entry& entry) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void AwaitNoFetch(Entry& entry) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  HttpFetcher& fetcher_;
  const Clock& clock_;
  const Options options_;

  mutable absl::Mutex mu_;
  std::map<std::string, std::shared_ptr<Entry>> entries_ ABSL_GUARDED_BY(mu_);
  int64_t fetch_count_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace warden::oidc
