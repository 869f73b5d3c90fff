#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace warden {

// The set of revoked, not yet expired token ids, kept in memory so that validation never
// touches the database. PostgreSQL stays the truth: revocations are never deleted there;
// this view only forgets a revocation once the token is past its expiry plus the leeway,
// when the token would be rejected as expired anyway. Thread-safe.
class RevocationView final {
 public:
  // True if `token_id` is known to be revoked.
  bool IsRevoked(const std::string& token_id) const;
  // Records a revocation. Idempotent.
  void Add(const std::string& token_id, absl::Time expires_at);
  // Adds every entry (a reconcile from the database). Never removes: revocation is
  // permanent, and a reload must not undo a revocation applied locally meanwhile.
  struct Entry {
    std::string token_id;
    absl::Time expires_at;
  };
  void AddAll(const std::vector<Entry>& entries);
  // Forgets revocations of tokens that expired before `cutoff`. Returns how many.
  size_t PruneExpiredBefore(absl::Time cutoff);
  size_t size() const;
  // Every revocation held, in no particular order.
  std::vector<Entry> Entries() const;

  // Called after Add/AddAll with each revocation the view did not hold yet (not for ones
  // it already had), on the adding thread with no lock held. Must be thread-safe.
  using AddedListener = std::function<void(const Entry& added)>;
  // REQUIRES: called before the view is shared between threads.
  void SetAddedListener(AddedListener listener) { added_listener_ = std::move(listener); }

 private:
  AddedListener added_listener_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, absl::Time> revoked_ ABSL_GUARDED_BY(mu_);
};

}  // namespace warden
