#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "domain/access.h"
#include "domain/role.h"
#include "validation/role_view.h"

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

// CheckRolesGrantable for role names, resolved in `snapshot`. Names that match no role are
// skipped on both sides: a caller holds nothing through them, and storage names unknown
// granted roles (INVALID_ARGUMENT) inside its write.
absl::Status CheckRoleNamesGrantable(const RoleSnapshot& snapshot,
                                     const std::vector<std::string>& held,
                                     const std::vector<std::string>& granted);

}  // namespace warden
