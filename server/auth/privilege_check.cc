#include "server/auth/privilege_check.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace warden {
namespace {

// Same scope, with the same rules: a role write may change a scope's rules (the creator's
// roles are read before it, the changed roles after), and holding a role in a scope says
// nothing about what that scope will cover once widened.
bool SameScope(const AccessScope& a, const AccessScope& b) {
  const bool same = a.id.empty() || b.id.empty() ? a.name == b.name : a.id == b.id;
  return same && a.rules == b.rules;
}

std::string Describe(const std::vector<PrivilegeEscalation>& escalations) {
  return absl::StrJoin(escalations, "; ", [](std::string* out, const PrivilegeEscalation& e) {
    absl::StrAppend(out, e.resource, " in scope ", e.scope, " (requested ", AccessName(e.requested),
                    ", held ", AccessName(e.held), ")");
  });
}

std::vector<const Role*> Pointers(const std::vector<Role>& roles) {
  std::vector<const Role*> out;
  out.reserve(roles.size());
  for (const Role& role : roles) out.push_back(&role);
  return out;
}

// The levels the creator holds in `scope`: its roles in that scope plus its unrestricted
// roles. An unrestricted role covers every scope; a scoped role never covers Unrestricted.
PermissionMap HeldIn(const std::vector<const Role*>& held, const AccessScope& scope) {
  PermissionMap levels;
  for (const Role* role : held) {
    if (role->access_scope.unrestricted() || SameScope(role->access_scope, scope)) {
      MergeMax(levels, role->permission_set.permissions);
    }
  }
  return levels;
}

}  // namespace

std::vector<PrivilegeEscalation> FindEscalations(const std::vector<const Role*>& held,
                                                 const std::vector<const Role*>& requested) {
  // (scope, resource) -> escalation with the highest requested level.
  std::map<std::pair<std::string, std::string>, PrivilegeEscalation> found;
  for (const Role* role : requested) {
    PermissionMap have = HeldIn(held, role->access_scope);
    for (const auto& [resource, level] : role->permission_set.permissions) {
      Access holds = AccessFor(have, resource);
      if (holds >= level) continue;
      auto key = std::make_pair(role->access_scope.name, resource);
      auto [it, inserted] = found.try_emplace(
          key, PrivilegeEscalation{resource, role->access_scope.name, level, holds});
      if (!inserted && level > it->second.requested) it->second.requested = level;
    }
  }
  std::vector<PrivilegeEscalation> out;
  out.reserve(found.size());
  for (auto& [key, escalation] : found) out.push_back(std::move(escalation));
  return out;
}

absl::Status CheckNoEscalation(const std::vector<const Role*>& held,
                               const std::vector<const Role*>& requested) {
  std::vector<PrivilegeEscalation> escalations = FindEscalations(held, requested);
  if (escalations.empty()) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(
      "the requested roles grant more than the caller holds: ", Describe(escalations)));
}

absl::Status CheckRolesGrantable(const std::vector<Role>& held, const std::vector<Role>& granted) {
  const std::vector<const Role*> have = Pointers(held);
  std::vector<std::string> offenders;
  for (const Role& role : granted) {
    std::vector<PrivilegeEscalation> escalations = FindEscalations(have, {&role});
    if (!escalations.empty()) {
      offenders.push_back(absl::StrCat("role ", role.name, ": ", Describe(escalations)));
    }
  }
  if (offenders.empty()) return absl::OkStatus();
  // A status message travels in a header: name the first few roles only.
  constexpr size_t kNamed = 10;
  std::string named = absl::StrJoin(offenders.begin(),
                                    offenders.begin() + std::min(offenders.size(), kNamed), " | ");
  if (offenders.size() > kNamed)
    absl::StrAppend(&named, " | and ", offenders.size() - kNamed, " more roles");
  return absl::PermissionDeniedError(
      absl::StrCat("this change would let roles grant more than the caller holds: ", named));
}

absl::Status CheckRoleNamesGrantable(const RoleSnapshot& snapshot,
                                     const std::vector<std::string>& held,
                                     const std::vector<std::string>& granted) {
  auto resolve = [&snapshot](const std::vector<std::string>& names) {
    std::vector<Role> roles;
    for (const std::string& name : names) {
      if (const Role* role = snapshot.Find(name)) roles.push_back(*role);
    }
    return roles;
  };
  return CheckRolesGrantable(resolve(held), resolve(granted));
}

}  // namespace warden
