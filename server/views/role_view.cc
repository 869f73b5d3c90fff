#include "server/views/role_view.h"

namespace warden {

RoleSnapshot::RoleSnapshot(std::vector<Role> roles) {
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

void RoleView::Replace(std::vector<Role> roles) {
  auto next = std::make_shared<const RoleSnapshot>(std::move(roles));
  absl::MutexLock lock(&mu_);
  snapshot_ = std::move(next);
}

}  // namespace warden
