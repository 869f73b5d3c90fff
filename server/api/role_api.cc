#include "server/api/role_api.h"

#include "proto/convert/role_convert.h"

namespace warden {
namespace {

// Fills a repeated field with every item of a list.
template <typename Item, typename Out>
auto FillList(Out* out) {
  return [out](std::vector<Item>& items) {
    for (const Item& item : items) ToProto(item, out->Add());
  };
}

}  // namespace

void RoleApi::ListResources(const Identity&, const v1::ListResourcesRequest&,
                            v1::ListResourcesResponse* response, ApiDone done) {
  roles_.ListResources(
      Reply<std::vector<std::string>>(std::move(done), [response](std::vector<std::string>& names) {
        for (std::string& name : names) response->add_resources(std::move(name));
      }));
}

void RoleApi::ListPermissionSets(const Identity&, const v1::ListPermissionSetsRequest&,
                                 v1::ListPermissionSetsResponse* response, ApiDone done) {
  roles_.ListPermissionSets(Reply<std::vector<PermissionSet>>(
      std::move(done), FillList<PermissionSet>(response->mutable_permission_sets())));
}

void RoleApi::GetPermissionSet(const Identity&, const v1::GetPermissionSetRequest& request,
                               v1::GetPermissionSetResponse* response, ApiDone done) {
  roles_.GetPermissionSet(request.id(),
                          Reply<PermissionSet>(std::move(done), [response](PermissionSet& set) {
                            ToProto(set, response->mutable_permission_set());
                          }));
}

void RoleApi::CreatePermissionSet(const Identity& caller,
                                  const v1::CreatePermissionSetRequest& request,
                                  v1::CreatePermissionSetResponse* response, ApiDone done) {
  absl::StatusOr<PermissionSetSpec> spec = FromProto(request.permission_set());
  if (!spec.ok()) return done(spec.status());
  roles_.CreatePermissionSet(caller, std::move(*spec),
                             Reply<PermissionSet>(std::move(done), [response](PermissionSet& set) {
                               ToProto(set, response->mutable_permission_set());
                             }));
}

void RoleApi::UpdatePermissionSet(const Identity& caller,
                                  const v1::UpdatePermissionSetRequest& request,
                                  v1::UpdatePermissionSetResponse* response, ApiDone done) {
  absl::StatusOr<PermissionSetSpec> spec = FromProto(request.permission_set());
  if (!spec.ok()) return done(spec.status());
  roles_.UpdatePermissionSet(caller, request.permission_set().id(), std::move(*spec),
                             Reply<PermissionSet>(std::move(done), [response](PermissionSet& set) {
                               ToProto(set, response->mutable_permission_set());
                             }));
}

void RoleApi::DeletePermissionSet(const Identity& caller,
                                  const v1::DeletePermissionSetRequest& request,
                                  v1::DeletePermissionSetResponse*, ApiDone done) {
  roles_.DeletePermissionSet(caller, request.id(), std::move(done));
}

void RoleApi::ListAccessScopes(const Identity&, const v1::ListAccessScopesRequest&,
                               v1::ListAccessScopesResponse* response, ApiDone done) {
  roles_.ListAccessScopes(Reply<std::vector<AccessScope>>(
      std::move(done), FillList<AccessScope>(response->mutable_access_scopes())));
}

void RoleApi::GetAccessScope(const Identity&, const v1::GetAccessScopeRequest& request,
                             v1::GetAccessScopeResponse* response, ApiDone done) {
  roles_.GetAccessScope(request.id(),
                        Reply<AccessScope>(std::move(done), [response](AccessScope& scope) {
                          ToProto(scope, response->mutable_access_scope());
                        }));
}

void RoleApi::CreateAccessScope(const Identity& caller, const v1::CreateAccessScopeRequest& request,
                                v1::CreateAccessScopeResponse* response, ApiDone done) {
  roles_.CreateAccessScope(caller, FromProto(request.access_scope()),
                           Reply<AccessScope>(std::move(done), [response](AccessScope& scope) {
                             ToProto(scope, response->mutable_access_scope());
                           }));
}

void RoleApi::UpdateAccessScope(const Identity& caller, const v1::UpdateAccessScopeRequest& request,
                                v1::UpdateAccessScopeResponse* response, ApiDone done) {
  roles_.UpdateAccessScope(caller, request.access_scope().id(), FromProto(request.access_scope()),
                           Reply<AccessScope>(std::move(done), [response](AccessScope& scope) {
                             ToProto(scope, response->mutable_access_scope());
                           }));
}

void RoleApi::DeleteAccessScope(const Identity& caller, const v1::DeleteAccessScopeRequest& request,
                                v1::DeleteAccessScopeResponse*, ApiDone done) {
  roles_.DeleteAccessScope(caller, request.id(), std::move(done));
}

void RoleApi::ListRoles(const Identity&, const v1::ListRolesRequest&,
                        v1::ListRolesResponse* response, ApiDone done) {
  roles_.ListRoles(
      Reply<std::vector<Role>>(std::move(done), FillList<Role>(response->mutable_roles())));
}

void RoleApi::GetRole(const Identity&, const v1::GetRoleRequest& request,
                      v1::GetRoleResponse* response, ApiDone done) {
  roles_.GetRole(request.name(), Reply<Role>(std::move(done), [response](Role& role) {
                   ToProto(role, response->mutable_role());
                 }));
}

void RoleApi::CreateRole(const Identity& caller, const v1::CreateRoleRequest& request,
                         v1::CreateRoleResponse* response, ApiDone done) {
  roles_.CreateRole(caller, FromProto(request.role()),
                    Reply<Role>(std::move(done), [response](Role& role) {
                      ToProto(role, response->mutable_role());
                    }));
}

void RoleApi::UpdateRole(const Identity& caller, const v1::UpdateRoleRequest& request,
                         v1::UpdateRoleResponse* response, ApiDone done) {
  roles_.UpdateRole(caller, FromProto(request.role()),
                    Reply<Role>(std::move(done), [response](Role& role) {
                      ToProto(role, response->mutable_role());
                    }));
}

void RoleApi::DeleteRole(const Identity& caller, const v1::DeleteRoleRequest& request,
                         v1::DeleteRoleResponse*, ApiDone done) {
  roles_.DeleteRole(caller, request.name(), std::move(done));
}

}  // namespace warden
