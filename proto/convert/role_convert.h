#pragma once

#include "absl/status/statusor.h"
#include "domain/role.h"
#include "warden/v1/role.pb.h"

namespace warden {

// Conversions between warden.v1 role messages and domain types, for RoleServiceImpl.

v1::Origin ToProto(Origin origin);
void ToProto(const PermissionSet& set, v1::PermissionSet* out);
void ToProto(const AccessScope& scope, v1::AccessScope* out);
void ToProto(const Role& role, v1::Role* out);

// INVALID_ARGUMENT for an access level that is unset or unknown, naming the resource.
absl::StatusOr<PermissionSetSpec> FromProto(const v1::PermissionSet& set);
AccessScopeSpec FromProto(const v1::AccessScope& scope);
// An empty access_scope_id means the built-in Unrestricted scope.
RoleSpec FromProto(const v1::Role& role);

}  // namespace warden
