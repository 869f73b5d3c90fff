#pragma once

#include <string>

#include "domain/role.h"

namespace warden::testing {

inline AccessScope Unrestricted() {
  AccessScope scope;
  scope.id = "scope-unrestricted";
  scope.name = kUnrestrictedScopeName;
  scope.origin = Origin::kBuiltIn;
  return scope;
}

inline AccessScope Scope(const std::string& name) {
  AccessScope scope;
  scope.id = "scope-" + name;
  scope.name = name;
  return scope;
}

inline Role MakeRole(const std::string& name, PermissionMap permissions,
                     AccessScope scope = Unrestricted()) {
  Role role;
  role.name = name;
  role.permission_set.id = "ps-" + name;
  role.permission_set.name = name;
  role.permission_set.permissions = std::move(permissions);
  role.access_scope = std::move(scope);
  return role;
}

}  // namespace warden::testing
