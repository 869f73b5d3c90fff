#pragma once

#include "client/wardenctl/command.h"

namespace warden::cli {

// `wardenctl role list|get|create|update|delete`: RoleService's roles, which are named by
// name; their permission set and scope are given by name or id and shown by name.
Command RoleCommand();

}  // namespace warden::cli
