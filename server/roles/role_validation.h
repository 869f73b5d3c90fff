#pragma once

#include "absl/status/status.h"
#include "domain/role.h"

namespace warden {

// Checks what a client sends before storage sees it: names (domain/names.h), description
// length, non-empty resource names, scope rules without empty parts, and ids that look
// like ids. Everything that needs the database (known resources, duplicates, references)
// is storage's. Each returns OK or INVALID_ARGUMENT naming the field.
absl::Status ValidatePermissionSetSpec(const PermissionSetSpec& spec);
absl::Status ValidateAccessScopeSpec(const AccessScopeSpec& spec);
absl::Status ValidateRoleSpec(const RoleSpec& spec);
// An id of a permission set or access scope: a UUID. `what` names it in the error.
absl::Status ValidateObjectId(const std::string& id, const char* what);

inline constexpr size_t kMaxDescriptionBytes = 4096;

}  // namespace warden
