#pragma once

#include <string>
#include <vector>

#include "domain/access.h"

namespace warden {

// The name of the built-in access scope that covers everything.
inline constexpr char kUnrestrictedScopeName[] = "Unrestricted";
// The built-in role that grants nothing; never offered as an assignable token role.
inline constexpr char kNoneRoleName[] = "None";
// The role the bootstrap admin user holds.
inline constexpr char kAdminRoleName[] = "Admin";

struct AccessScope {
  std::string id;
  std::string name;
  std::string description;
  bool built_in = false;

  bool unrestricted() const { return name == kUnrestrictedScopeName && built_in; }
};

struct PermissionSet {
  std::string id;
  std::string name;
  std::string description;
  PermissionMap permissions;
  bool built_in = false;
};

// A role as the server uses it: its permission set and scope already resolved.
struct Role {
  std::string name;
  std::string description;
  PermissionSet permission_set;
  AccessScope access_scope;
  bool built_in = false;
};

}  // namespace warden
