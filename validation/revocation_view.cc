#include "validation/revocation_view.h"

namespace warden {

bool RevocationView::IsRevoked(const std::string& token_id) const {
  absl::ReaderMutexLock lock(&mu_);
  return revoked_.contains(token_id);
}

void RevocationView::Add(const std::string& token_id, absl::Time expires_at) {
  bool added;
  {
    absl::MutexLock lock(&mu_);
    added = revoked_.insert_or_assign(token_id, expires_at).second;
  }
  if (added && added_listener_) added_listener_(Entry{token_id, expires_at});
}

void RevocationView::AddAll(const std::vector<Entry>& entries) {
  std::vector<const Entry*> added;
  {
    absl::MutexLock lock(&mu_);
    for (const Entry& e : entries) {
      if (revoked_.insert_or_assign(e.token_id, e.expires_at).second) added.push_back(&e);
    }
  }
  if (!added_listener_) return;
  for (const Entry* e : added) added_listener_(*e);
}

size_t RevocationView::PruneExpiredBefore(absl::Time cutoff) {
  absl::MutexLock lock(&mu_);
  size_t removed = 0;
  for (auto it = revoked_.begin(); it != revoked_.end();) {
    if (it->second < cutoff) {
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
  for (const auto& [id, expires_at] : revoked_) entries.push_back(Entry{id, expires_at});
  return entries;
}

size_t RevocationView::size() const {
  absl::ReaderMutexLock lock(&mu_);
  return revoked_.size();
}

}  // namespace warden
