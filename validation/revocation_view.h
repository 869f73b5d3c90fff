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
// when the token would be rejected as expired anyway.
//
// A revocation may take effect later: a rotated token keeps working until its overlap ends
// (RotateToken), so its entry refuses it only from `effective_from` on. Of two entries for
// one token the earlier effective_from wins: revoking a rotated token refuses it at once.
// Thread-safe.
class RevocationView final {
 public:
  // True if `token_id` is known to be refused at `now`.
  bool IsRevoked(const std::string& token_id, absl::Time now) const;
  struct Entry {
    std::string token_id;
    absl::Time expires_at;  // the expiry the token string carries: forgotten after it
    absl::Time effective_from = absl::InfinitePast();  // refused from then on
  };
  // Records a revocation. Idempotent; an entry already held changes only to an earlier
  // effective_from.
  void Add(const std::string& token_id, absl::Time expires_at,
           absl::Time effective_from = absl::InfinitePast());
  // Adds every entry (a reconcile from the database). Never removes: revocation is
  // permanent, and a reload must not undo a revocation applied locally meanwhile.
  void AddAll(const std::vector<Entry>& entries);
  // Forgets revocations of tokens that expired before `cutoff`. Returns how many.
  size_t PruneExpiredBefore(absl::Time cutoff);
  size_t size() const;
  // Every revocation held, in no particular order.
  std::vector<Entry> Entries() const;

  // Called after Add/AddAll with each revocation the view did not hold yet, or now holds
  // with an earlier effective_from (not for ones it already had), on the adding thread with
  // no lock held. Must be thread-safe.
  using AddedListener = std::function<void(const Entry& added)>;
  // REQUIRES: called before the view is shared between threads.
  void SetAddedListener(AddedListener listener) { added_listener_ = std::move(listener); }

 private:
  AddedListener added_listener_;
  mutable absl::Mutex mu_;
  struct Times {
    absl::Time expires_at;
    absl::Time effective_from;
  };
  // True if `entry` is new or moves an entry's effective_from earlier.
  bool Merge(const Entry& entry) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::flat_hash_map<std::string, Times> revoked_ ABSL_GUARDED_BY(mu_);
};

}  // namespace warden
