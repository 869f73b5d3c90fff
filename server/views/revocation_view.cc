#include "server/views/revocation_view.h"

namespace warden {

bool RevocationView::IsRevoked(const std::string& token_id) const {
  absl::ReaderMutexLock lock(&mu_);
  return revoked_.contains(token_id);
}

void RevocationView::Add(const std::string& token_id, absl::Time expires_at) {
  absl::MutexLock lock(&mu_);
  revoked_.insert_or_assign(token_id, expires_at);
}

void RevocationView::AddAll(const std::vector<Entry>& entries) {
  absl::MutexLock lock(&mu_);
  for (const Entry& e : entries) revoked_.insert_or_assign(e.token_id, e.expires_at);
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

size_t RevocationView::size() const {
  absl::ReaderMutexLock lock(&mu_);
  return revoked_.size();
}

}  // namespace warden
