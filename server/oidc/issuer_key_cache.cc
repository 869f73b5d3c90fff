#include "server/oidc/issuer_key_cache.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "glog/logging.h"
#include "server/oidc/issuer_fetch.h"

namespace warden::oidc {
namespace {

std::string CacheKey(const IssuerSpec& spec) {
  return absl::StrCat(spec.issuer, std::string(1, '\0'), static_cast<int>(spec.type),
                      std::string(1, '\0'), spec.ca_file, std::string(1, '\0'),
                      spec.kube_token_path, std::string(1, '\0'), spec.kube_ca_path);
}

}  // namespace

// All members are guarded by IssuerKeyCache::mu_.
struct IssuerKeyCache::Entry {
  std::shared_ptr<const jose::KeyRing> keys;       // Null until a fetch succeeds.
  absl::Time fetched_at = absl::InfinitePast();    // Start of the last successful fetch.
  absl::Time attempted_at = absl::InfinitePast();  // Start of the last fetch.
  absl::Status last_error;                         // Of the last fetch.
  bool in_flight = false;
};

IssuerKeyCache::IssuerKeyCache(HttpFetcher& fetcher, const Clock& clock, Options options)
    : fetcher_(fetcher), clock_(clock), options_(std::move(options)) {}

std::shared_ptr<IssuerKeyCache::Entry> IssuerKeyCache::EntryFor(const IssuerSpec& issuer) {
  std::shared_ptr<Entry>& entry = entries_[CacheKey(issuer)];
  if (entry == nullptr) entry = std::make_shared<Entry>();
  return entry;
}

void IssuerKeyCache::AwaitNoFetch(Entry& entry) {
  mu_.Await(absl::Condition(
      +[](Entry* e) { return !e->in_flight; }, &entry));
}

absl::Status IssuerKeyCache::Refresh(const IssuerSpec& issuer, Entry& entry) {
  entry.in_flight = true;
  const absl::Time started = clock_.Now();
  entry.attempted_at = started;
  ++fetch_count_;
  mu_.Unlock();
  absl::StatusOr<IssuerKeys> keys = FetchIssuerKeys(fetcher_, issuer, options_.fetch);
  mu_.Lock();
  entry.in_flight = false;
  if (!keys.ok()) {
    LOG(WARNING) << "cannot fetch the keys of issuer " << issuer.issuer << ": "
                 << absl::StatusCodeToString(keys.status().code()) << ": "
                 << keys.status().message();
    entry.last_error = keys.status();
    return keys.status();
  }
  entry.keys = std::move(keys->keys);
  entry.fetched_at = started;
  entry.last_error = absl::OkStatus();
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const jose::KeyRing>> IssuerKeyCache::KeysFor(
    const IssuerSpec& issuer, std::string_view kid) {
  absl::MutexLock lock(&mu_);
  const std::shared_ptr<Entry> entry = EntryFor(issuer);  // Kept alive across Forget.
  bool settled = false;  // A fetch ended since this call began: use its outcome.
  while (true) {
    const absl::Time now = clock_.Now();
    const bool known = entry->keys != nullptr && (kid.empty() || entry->keys->Find(kid) != nullptr);
    if (known && (entry->in_flight || now - entry->fetched_at < options_.max_age)) {
      return entry->keys;
    }
    if (entry->in_flight) {
      AwaitNoFetch(*entry);
      settled = true;
      continue;
    }
    if (!settled && now - entry->attempted_at >= options_.refresh_cooldown) {
      Refresh(issuer, *entry).IgnoreError();  // Recorded in the entry.
      settled = true;
      continue;
    }
    if (entry->keys != nullptr) return entry->keys;
    if (!entry->last_error.ok()) return entry->last_error;
    return absl::UnavailableError(
        absl::StrCat("the keys of issuer ", issuer.issuer, " are not available yet"));
  }
}

absl::Status IssuerKeyCache::Prefetch(const IssuerSpec& issuer) {
  absl::MutexLock lock(&mu_);
  const std::shared_ptr<Entry> entry = EntryFor(issuer);
  AwaitNoFetch(*entry);
  return Refresh(issuer, *entry);
}

void IssuerKeyCache::Forget(const IssuerSpec& issuer) {
  absl::MutexLock lock(&mu_);
  entries_.erase(CacheKey(issuer));
}

int64_t IssuerKeyCache::fetch_count() const {
  absl::MutexLock lock(&mu_);
  return fetch_count_;
}

}  // namespace warden::oidc
