#include "server/watch/watch_hub.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "common/random.h"
#include "glog/logging.h"

namespace warden {

WatchHub::WatchHub(size_t capacity) : capacity_(capacity), epoch_(NewUuidV4()) {
  CHECK_GE(capacity_, 1u) << "the watch log must hold at least one change";
}

void WatchHub::PublishRevocation(std::string token_id, absl::Time expires_at,
                                 absl::Time effective_from) {
  Append(Change{Kind::kRevocation, Revocation{std::move(token_id), expires_at, effective_from}});
}

void WatchHub::PublishRolesChanged() { Append(Change{Kind::kRoles, {}}); }

void WatchHub::PublishM2mChanged() { Append(Change{Kind::kM2m, {}}); }

void WatchHub::Append(Change change) {
  {
    absl::MutexLock lock(&mu_);
    log_.push_back(std::move(change));
    ++head_;
    if (log_.size() > capacity_) log_.pop_front();
  }
  absl::MutexLock lock(&subscribers_mu_);
  for (const auto& [id, wake] : subscribers_) wake();
}

std::optional<WatchHub::Changes> WatchHub::Since(uint64_t after, size_t max_revocations) const {
  absl::ReaderMutexLock lock(&mu_);
  const uint64_t oldest_retained = head_ - log_.size() + 1;
  if (after > head_ || after + 1 < oldest_retained) return std::nullopt;
  Changes changes;
  changes.through = after;
  for (size_t i = after + 1 - oldest_retained; i < log_.size(); ++i) {
    if (changes.revocations.size() >= max_revocations) break;
    const Change& change = log_[i];
    switch (change.kind) {
      case Kind::kRevocation:
        changes.revocations.push_back(change.revocation);
        break;
      case Kind::kRoles:
        changes.roles_changed = true;
        break;
      case Kind::kM2m:
        changes.m2m_changed = true;
        break;
    }
    ++changes.through;
  }
  return changes;
}

uint64_t WatchHub::head() const {
  absl::ReaderMutexLock lock(&mu_);
  return head_;
}

std::string WatchHub::Cursor(uint64_t position) const {
  return absl::StrCat(epoch_, ".", position);
}

std::optional<uint64_t> WatchHub::ParseCursor(const std::string& cursor) const {
  absl::string_view rest = cursor;
  uint64_t position = 0;
  if (!absl::ConsumePrefix(&rest, epoch_) || !absl::ConsumePrefix(&rest, ".") ||
      !absl::SimpleAtoi(rest, &position)) {
    return std::nullopt;
  }
  return position;
}

uint64_t WatchHub::Subscribe(std::function<void()> wake) {
  absl::MutexLock lock(&subscribers_mu_);
  const uint64_t id = next_subscriber_++;
  subscribers_.emplace(id, std::move(wake));
  return id;
}

void WatchHub::Unsubscribe(uint64_t id) {
  absl::MutexLock lock(&subscribers_mu_);
  subscribers_.erase(id);
}

void WatchHub::Close() {
  {
    absl::MutexLock lock(&mu_);
    closed_ = true;
  }
  absl::MutexLock lock(&subscribers_mu_);
  for (const auto& [id, wake] : subscribers_) wake();
}

bool WatchHub::closed() const {
  absl::ReaderMutexLock lock(&mu_);
  return closed_;
}

}  // namespace warden
