#pragma once

#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace warden {

// An in-memory view of configurations that token validation depends on (M2M configurations,
// auth providers): an immutable `SnapshotType` built from a std::vector<Item>, which readers
// take and keep without a lock held, and writers replace whole. `SnapshotType::revisions()`
// says what validation uses (each configuration's id and revision); the changed listener
// hears only of changes to it. Thread-safe.
template <typename SnapshotType, typename Item>
class RevisionedView final {
 public:
  RevisionedView() : snapshot_(std::make_shared<const SnapshotType>(std::vector<Item>{})) {}

  std::shared_ptr<const SnapshotType> Snapshot() const {  // never null
    absl::ReaderMutexLock lock(&mu_);
    return snapshot_;
  }

  // Swaps in `items`. When the revisions differ from before, calls the changed listener, with
  // no lock held.
  void Replace(std::vector<Item> items) {
    auto next = std::make_shared<const SnapshotType>(std::move(items));
    bool changed;
    {
      absl::MutexLock lock(&mu_);
      changed = snapshot_->revisions() != next->revisions();
      snapshot_ = std::move(next);
    }
    if (changed && changed_listener_) changed_listener_();
  }

  // REQUIRES: called before the view is shared between threads. Must be thread-safe.
  void SetChangedListener(std::function<void()> listener) {
    changed_listener_ = std::move(listener);
  }

 private:
  std::function<void()> changed_listener_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const SnapshotType> snapshot_ ABSL_GUARDED_BY(mu_);
};

}  // namespace warden
