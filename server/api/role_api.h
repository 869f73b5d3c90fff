#pragma once

#include "domain/identity.h"
#include "server/api/reply.h"
#include "server/roles/role_authority.h"
#include "warden/v1/role.pb.h"

namespace warden {

// warden.v1.RoleService without a transport: the caller the gate admitted and the request
// in, the response filled and a status out. RoleAuthority decides (validation, the
// no-escalation rule, the audit trail); this only converts. `request` is read only before
// a method returns; `response` must live until `done` runs. Thread-safe.
class RoleApi final {
 public:
  explicit RoleApi(RoleAuthority& roles) : roles_(roles) {}

  void ListResources(const Identity& caller, const v1::ListResourcesRequest& request,
                     v1::ListResourcesResponse* response, ApiDone done);
  void ListPermissionSets(const Identity& caller, const v1::ListPermissionSetsRequest& request,
                          v1::ListPermissionSetsResponse* response, ApiDone done);
  void GetPermissionSet(const Identity& caller, const v1::GetPermissionSetRequest& request,
                        v1::GetPermissionSetResponse* response, ApiDone done);
  void CreatePermissionSet(const Identity& caller, const v1::CreatePermissionSetRequest& request,
                           v1::CreatePermissionSetResponse* response, ApiDone done);
  void UpdatePermissionSet(const Identity& caller, const v1::UpdatePermissionSetRequest& request,
                           v1::UpdatePermissionSetResponse* response, ApiDone done);
  void DeletePermissionSet(const Identity& caller, const v1::DeletePermissionSetRequest& request,
                           v1::DeletePermissionSetResponse* response, ApiDone done);
  void ListAccessScopes(const Identity& caller, const v1::ListAccessScopesRequest& request,
                        v1::ListAccessScopesResponse* response, ApiDone done);
  void GetAccessScope(const Identity& caller, const v1::GetAccessScopeRequest& request,
                      v1::GetAccessScopeResponse* response, ApiDone done);
  void CreateAccessScope(const Identity& caller, const v1::CreateAccessScopeRequest& request,
                         v1::CreateAccessScopeResponse* response, ApiDone done);
  void UpdateAccessScope(const Identity& caller, const v1::UpdateAccessScopeRequest& request,
                         v1::UpdateAccessScopeResponse* response, ApiDone done);
  void DeleteAccessScope(const Identity& caller, const v1::DeleteAccessScopeRequest& request,
                         v1::DeleteAccessScopeResponse* response, ApiDone done);
  void ListRoles(const Identity& caller, const v1::ListRolesRequest& request,
                 v1::ListRolesResponse* response, ApiDone done);
  void GetRole(const Identity& caller, const v1::GetRoleRequest& request,
               v1::GetRoleResponse* response, ApiDone done);
  void CreateRole(const Identity& caller, const v1::CreateRoleRequest& request,
                  v1::CreateRoleResponse* response, ApiDone done);
  void UpdateRole(const Identity& caller, const v1::UpdateRoleRequest& request,
                  v1::UpdateRoleResponse* response, ApiDone done);
  void DeleteRole(const Identity& caller, const v1::DeleteRoleRequest& request,
                  v1::DeleteRoleResponse* response, ApiDone done);

 private:
  RoleAuthority& roles_;
};

}  // namespace warden
