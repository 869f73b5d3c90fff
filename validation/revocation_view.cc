#include "validation/revocation_view.h"

namespace warden {

bool RevocationView::IsRevoked(const std::string& token_id, absl::Time now) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = revoked_.find(token_id);
  return it != revoked_.end() && now >= it->second.effective_from;
}

bool RevocationView::Merge(const Entry& entry) {
  auto [it, inserted] =
      revoked_.try_emplace(entry.token_id, Times{entry.expires_at, entry.effective_from});
  if (inserted) return true;
  it->second.expires_at = std::max(it->second.expires_at, entry.expires_at);
  if (entry.effective_from >= it->second.effective_from) return false;
  it->second.effective_from = entry.effective_from;
  return true;
}

void RevocationView::Add(const std::string& token_id, absl::Time expires_at,
                         absl::Time effective_from) {
  const Entry entry{token_id, expires_at, effective_from};
  bool changed;
  {
    absl::MutexLock lock(&mu_);
    changed = Merge(entry);
  }
  if (changed && added_listener_) added_listener_(entry);
}

void RevocationView::AddAll(const std::vector<Entry>& entries) {
  std::vector<const Entry*> changed;
  {
    absl::MutexLock lock(&mu_);
    for (const Entry& e : entries) {
      if (Merge(e)) changed.push_back(&e);
    }
  }
  if (!added_listener_) return;
  for (const Entry* e : changed) added_listener_(*e);
}

size_t RevocationView::PruneExpiredBefore(absl::Time cutoff) {
  absl::MutexLock lock(&mu_);
  size_t removed = 0;
  for (auto it = revoked_.begin(); it != revoked_.end();) {
    if (it->second.expires_at < cutoff) {
      revoked_.erase(it++);
      ++removed;
    } else {
      ++it;
    }
  }
  return removed;
}

std::vector<RevocationView::Entry> RevocationView::Entries() const {
  absl::ReaderMutexLock lock(&mu_);
  std::vector<Entry> entries;
  entries.reserve(revoked_.size());
  for (const auto& [id, times] : revoked_) {
    entries.push_back(Entry{id, times.expires_at, times.effective_from});
  }
  return entries;
}

size_t RevocationView::size() const {
  absl::ReaderMutexLock lock(&mu_);
  return revoked_.size();
}

}  // namespace warden
