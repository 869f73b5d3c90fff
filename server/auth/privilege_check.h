#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "domain/access.h"
#include "domain/role.h"

namespace warden {

// One permission a requested role would grant beyond what the creator holds.
struct PrivilegeEscalation {
  std::string resource;
  std::string scope;  // access scope name
  Access requested;
  Access held;
};

// The no-privilege-escalation rule (SPEC §2): for each requested role, for each
// (resource, level) it grants, the creator's union of levels over its roles with the same
// access scope plus its Unrestricted roles must be at least that level.
// Returns every offending (resource, scope) once, with the highest level requested,
// ordered by scope then resource. Empty means the request is allowed.
std::vector<PrivilegeEscalation> FindEscalations(const std::vector<const Role*>& held,
                                                 const std::vector<const Role*>& requested);

// OK, or PERMISSION_DENIED listing every escalation from FindEscalations.
absl::Status CheckNoEscalation(const std::vector<const Role*>& held,
                               const std::vector<const Role*>& requested);

// The same rule for every other way of granting (a RoleService write, an M2M mapping): OK
// if each role in `granted` grants no more than `held` do together, else PERMISSION_DENIED
// naming each offending role with its escalations.
absl::Status CheckRolesGrantable(const std::vector<Role>& held, const std::vector<Role>& granted);

}  // namespace warden
