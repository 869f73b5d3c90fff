#include "validation/role_view.h"

namespace warden {

RoleSnapshot::RoleSnapshot(std::vector<Role> roles, int64_t generation) : generation_(generation) {
  for (Role& role : roles) {
    std::string name = role.name;
    roles_.emplace(std::move(name), std::move(role));
  }
}

const Role* RoleSnapshot::Find(const std::string& name) const {
  auto it = roles_.find(name);
  return it == roles_.end() ? nullptr : &it->second;
}

PermissionMap RoleSnapshot::ResolvePermissions(const std::vector<std::string>& role_names) const {
  PermissionMap resolved;
  for (const std::string& name : role_names) {
    if (const Role* role = Find(name)) MergeMax(resolved, role->permission_set.permissions);
  }
  return resolved;
}

RoleView::RoleView() : snapshot_(std::make_shared<const RoleSnapshot>(std::vector<Role>{})) {}

std::shared_ptr<const RoleSnapshot> RoleView::Snapshot() const {
  absl::ReaderMutexLock lock(&mu_);
  return snapshot_;
}

namespace {

// What validation sees of a set of roles: names and their permissions.
bool SamePermissions(const RoleSnapshot& a, const RoleSnapshot& b) {
  if (a.all().size() != b.all().size()) return false;
  for (auto ia = a.all().begin(), ib = b.all().begin(); ia != a.all().end(); ++ia, ++ib) {
    if (ia->first != ib->first ||
        ia->second.permission_set.permissions != ib->second.permission_set.permissions) {
      return false;
    }
  }
  return true;
}

}  // namespace

void RoleView::Replace(std::vector<Role> roles) { Replace(RoleCatalog{std::move(roles), 0}); }

void RoleView::Replace(RoleCatalog catalog) {
  auto next = std::make_shared<const RoleSnapshot>(std::move(catalog.roles), catalog.generation);
  bool changed;
  {
    absl::MutexLock lock(&mu_);
    // Two reloads may finish out of order (the change feed's and a write's own): never go
    // back to an older generation.
    if (next->generation() != 0 && next->generation() < snapshot_->generation()) return;
    changed = !SamePermissions(*snapshot_, *next);
    snapshot_ = std::move(next);
  }
  if (changed && changed_listener_) changed_listener_();
}

}  // namespace warden
