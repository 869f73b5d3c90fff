#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace warden {

// The recent changes a replica has applied to its views, numbered, for
// AuthService.WatchRevocations: watchers read the changes after their position and are
// woken when new ones arrive.
//
// The log is this process's own: a position is only meaningful to the replica that handed
// it out, so cursors carry the process's random epoch, and a cursor of another replica (or
// of this one before a restart), or one older than the retained log, cannot be resumed
// (the watcher then needs the full state). Revocations are logged one by one; role and M2M
// changes only as "changed", since watchers are sent the whole current set. Thread-safe.
class WatchHub final {
 public:
  // Keeps the last `capacity` changes. REQUIRES: capacity >= 1.
  explicit WatchHub(size_t capacity);

  WatchHub(const WatchHub&) = delete;
  WatchHub& operator=(const WatchHub&) = delete;

  // Each appends one change and wakes every watcher.
  // effective_from: when the token is refused from (InfinitePast: at once; later for a
  // rotated token's end of overlap).
  void PublishRevocation(std::string token_id, absl::Time expires_at,
                         absl::Time effective_from = absl::InfinitePast());
  void PublishRolesChanged();
  void PublishM2mChanged();

  struct Revocation {
    std::string token_id;
    absl::Time expires_at;
    absl::Time effective_from = absl::InfinitePast();
  };
  struct Changes {
    std::vector<Revocation> revocations;
    bool roles_changed = false;
    bool m2m_changed = false;
    uint64_t through = 0;  // the position after these changes
  };
  // The changes after position `after`, stopping after `max_revocations` revocations
  // (the next call continues from `through`). nullopt when they are no longer all retained
  // (or `after` is ahead of the log): the watcher needs the full state.
  std::optional<Changes> Since(uint64_t after, size_t max_revocations) const;

  // The position after the newest change (0 before any).
  uint64_t head() const;

  // "<epoch>.<position>", and back: nullopt for another epoch's cursor or a malformed one.
  std::string Cursor(uint64_t position) const;
  std::optional<uint64_t> ParseCursor(const std::string& cursor) const;

  // `wake` is called after each change and on Close, on the publishing thread, while the
  // hub holds its subscriber lock: it must be quick and must not call Subscribe or
  // Unsubscribe. Returns the subscription's id.
  uint64_t Subscribe(std::function<void()> wake);
  // When it returns, the subscription's `wake` is not running and will never run again.
  void Unsubscribe(uint64_t id);

  // Shutting down: wakes every watcher, which then ends its stream. Idempotent.
  void Close();
  bool closed() const;

 private:
  enum class Kind { kRevocation, kRoles, kM2m };
  struct Change {
    Kind kind;
    Revocation revocation;  // kRevocation only
  };
  void Append(Change change);

  const size_t capacity_;
  const std::string epoch_;

  mutable absl::Mutex mu_;
  std::deque<Change> log_ ABSL_GUARDED_BY(mu_);  // positions head_ - log_.size() + 1 .. head_
  uint64_t head_ ABSL_GUARDED_BY(mu_) = 0;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;

  // Held while waking; a wake may take mu_ (through Since), so never take this under mu_.
  absl::Mutex subscribers_mu_;
  std::map<uint64_t, std::function<void()>> subscribers_ ABSL_GUARDED_BY(subscribers_mu_);
  uint64_t next_subscriber_ ABSL_GUARDED_BY(subscribers_mu_) = 1;
};

}  // namespace warden
