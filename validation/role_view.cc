#include "validation/role_view.h"

#include "absl/hash/hash.h"

namespace warden {

RoleSnapshot::RoleSnapshot(std::vector<Role> roles, int64_t generation)
    : none_(std::make_shared<const PermissionMap>()), generation_(generation) {
  for (Role& role : roles) {
    std::string name = role.name;
    roles_.emplace(std::move(name), std::move(role));
  }
  for (const auto& [name, role] : roles_) {
    single_.emplace(name, std::make_shared<const PermissionMap>(role.permission_set.permissions));
  }
}

size_t RoleSnapshot::NamesHash::operator()(absl::Span<const std::string> names) const {
  return absl::HashOf(names);
}

const Role* RoleSnapshot::Find(const std::string& name) const {
  auto it = roles_.find(name);
  return it == roles_.end() ? nullptr : &it->second;
}

std::shared_ptr<const PermissionMap> RoleSnapshot::Resolve(
    const std::vector<std::string>& role_names) const {
  if (role_names.empty()) return none_;
  if (role_names.size() == 1) {  // no lock: built with the snapshot
    auto it = single_.find(role_names.front());
    return it == single_.end() ? none_ : it->second;
  }
  const absl::Span<const std::string> names(role_names);
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = sets_.find(names);
    if (it != sets_.end()) return it->second;
  }
  std::shared_ptr<const PermissionMap> resolved = ResolveUncached(role_names);
  absl::MutexLock lock(&mu_);
  if (sets_.size() >= kMaxResolvedSets) return resolved;
  // Another thread may have resolved the same set meanwhile: keep the first.
  return sets_.try_emplace(role_names, std::move(resolved)).first->second;
}

std::shared_ptr<const PermissionMap> RoleSnapshot::ResolveUncached(
    const std::vector<std::string>& role_names) const {
  auto resolved = std::make_shared<PermissionMap>();
  for (const std::string& name : role_names) {
    if (const Role* role = Find(name)) MergeMax(*resolved, role->permission_set.permissions);
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
