#include "server/auth/privilege_check.h"

#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace warden {
namespace {

bool SameScope(const AccessScope& a, const AccessScope& b) {
  return a.id.empty() || b.id.empty() ? a.name == b.name : a.id == b.id;
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
      auto [it, inserted] =
          found.try_emplace(key, PrivilegeEscalation{resource, role->access_scope.name, level, holds});
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
  std::string details = absl::StrJoin(
      escalations, "; ", [](std::string* out, const PrivilegeEscalation& e) {
        absl::StrAppend(out, e.resource, " in scope ", e.scope, " (requested ",
                        AccessName(e.requested), ", held ", AccessName(e.held), ")");
      });
  return absl::PermissionDeniedError(absl::StrCat(
      "the requested roles grant more than the caller holds: ", details));
}

}  // namespace warden
