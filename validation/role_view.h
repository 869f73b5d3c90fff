#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "domain/access.h"
#include "domain/role.h"

namespace warden {

// An immutable set of roles by name, as loaded from PostgreSQL at one moment.
class RoleSnapshot final {
 public:
  // `generation`: the role generation the roles were read at (0: unknown, e.g. in tests).
  explicit RoleSnapshot(std::vector<Role> roles, int64_t generation = 0);

  // nullptr if no role has that name. The pointer lives as long as the snapshot.
  const Role* Find(const std::string& name) const;
  // Every role, ordered by name.
  const std::map<std::string, Role>& all() const { return roles_; }
  // The union (highest level per resource) of the named roles' permissions, ignoring
  // scopes. Unknown names contribute nothing.
  PermissionMap ResolvePermissions(const std::vector<std::string>& role_names) const;
  int64_t generation() const { return generation_; }

 private:
  std::map<std::string, Role> roles_;
  int64_t generation_ = 0;
};

// The in-memory view of roles used on the validation path. Readers take a snapshot and
// keep using it without a lock; writers swap in a whole new snapshot. Thread-safe.
class RoleView final {
 public:
  RoleView();

  // Never null; empty until the first Replace.
  std::shared_ptr<const RoleSnapshot> Snapshot() const;
  // Swaps in `roles`. When a role's name or permissions differ from before (the part of a
  // role token validation uses), calls the changed listener, with no lock held.
  void Replace(std::vector<Role> roles);
  // The same with the generation the roles were read at; a catalog older than the current
  // snapshot's generation is ignored (reloads may finish out of order).
  void Replace(RoleCatalog catalog);

  // REQUIRES: called before the view is shared between threads. Must be thread-safe.
  void SetChangedListener(std::function<void()> listener) {
    changed_listener_ = std::move(listener);
  }

 private:
  std::function<void()> changed_listener_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const RoleSnapshot> snapshot_ ABSL_GUARDED_BY(mu_);
};

}  // namespace warden
