#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "domain/access.h"
#include "domain/role.h"

namespace warden {

// An immutable set of roles by name, as loaded from PostgreSQL at one moment.
//
// The permissions of a set of roles are resolved once per snapshot (every answer about an
// identity carries them, so validation asks for them on every call): each role's own at
// construction, a set of several roles when first asked, then kept until the snapshot is
// replaced. A role edit makes a new snapshot, so it can never see a stale resolution.
class RoleSnapshot final {
 public:
  // `generation`: the role generation the roles were read at (0: unknown, e.g. in tests).
  explicit RoleSnapshot(std::vector<Role> roles, int64_t generation = 0);

  RoleSnapshot(const RoleSnapshot&) = delete;
  RoleSnapshot& operator=(const RoleSnapshot&) = delete;

  // nullptr if no role has that name. The pointer lives as long as the snapshot.
  const Role* Find(const std::string& name) const;
  // Every role, ordered by name.
  const std::map<std::string, Role>& all() const { return roles_; }
  // The union (highest level per resource) of the named roles' permissions, ignoring
  // scopes. Unknown names contribute nothing. Never null; shared, so it may outlive the
  // snapshot. Thread-safe; answered from memory after the first call for a set of names.
  std::shared_ptr<const PermissionMap> Resolve(const std::vector<std::string>& role_names) const;
  // The same, as a copy.
  PermissionMap ResolvePermissions(const std::vector<std::string>& role_names) const {
    return *Resolve(role_names);
  }
  int64_t generation() const { return generation_; }

  // Sets of several roles whose resolution is kept; past it, a new set is resolved on every
  // call (tokens carry few distinct sets, so this bounds what a flood of them could hold).
  static constexpr size_t kMaxResolvedSets = 1024;

 private:
  // Sets of names, looked up without copying the caller's vector. A set is keyed by its
  // names in the order given: a token's order never changes, and another order of the same
  // names only costs a second entry.
  struct NamesHash {
    using is_transparent = void;
    size_t operator()(absl::Span<const std::string> names) const;
  };
  struct NamesEq {
    using is_transparent = void;
    bool operator()(absl::Span<const std::string> a, absl::Span<const std::string> b) const {
      return a == b;
    }
  };
  using ResolvedSets =
      absl::flat_hash_map<std::vector<std::string>, std::shared_ptr<const PermissionMap>, NamesHash,
                          NamesEq>;

  std::shared_ptr<const PermissionMap> ResolveUncached(
      const std::vector<std::string>& role_names) const;

  std::map<std::string, Role> roles_;
  // Each role's own permissions, resolved at construction (most tokens carry one role).
  absl::flat_hash_map<std::string, std::shared_ptr<const PermissionMap>> single_;
  std::shared_ptr<const PermissionMap> none_;  // for no role or an unknown one
  int64_t generation_ = 0;
  mutable absl::Mutex mu_;
  mutable ResolvedSets sets_ ABSL_GUARDED_BY(mu_);
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
