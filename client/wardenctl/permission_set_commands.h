#pragma once

#include "client/wardenctl/command.h"

namespace warden::cli {

// `wardenctl permission-set list|get|create|update|delete`: RoleService's permission sets.
// Sets are named by name or id; names are resolved to ids by listing.
Command PermissionSetCommand();

}  // namespace warden::cli
