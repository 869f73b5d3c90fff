#pragma once

#include "client/wardenctl/command.h"

namespace warden::cli {

// `wardenctl scope list|get|create|update|delete`: RoleService's access scopes. Scopes are
// named by name or id; names are resolved to ids by listing.
Command ScopeCommand();

}  // namespace warden::cli
