#pragma once

#include "server/api/call_gate.h"
#include "server/api/role_api.h"
#include "warden/v1/role.grpc.pb.h"

namespace warden {

// warden.v1.RoleService over gRPC's callback API: each call is admitted by the gate (READ or
// READ_WRITE on Access, per the method table) and answered by RoleApi, which the HTTP
// transport calls too; storage threads finish the reactors.
class RoleServiceImpl final : public v1::RoleService::CallbackService {
 public:
  RoleServiceImpl(const CallGate& gate, RoleApi& api);

  grpc::ServerUnaryReactor* ListResources(grpc::CallbackServerContext* context,
                                          const v1::ListResourcesRequest* request,
                                          v1::ListResourcesResponse* response) override;
  grpc::ServerUnaryReactor* ListPermissionSets(grpc::CallbackServerContext* context,
                                               const v1::ListPermissionSetsRequest* request,
                                               v1::ListPermissionSetsResponse* response) override;
  grpc::ServerUnaryReactor* GetPermissionSet(grpc::CallbackServerContext* context,
                                             const v1::GetPermissionSetRequest* request,
                                             v1::GetPermissionSetResponse* response) override;
  grpc::ServerUnaryReactor* CreatePermissionSet(grpc::CallbackServerContext* context,
                                                const v1::CreatePermissionSetRequest* request,
                                                v1::CreatePermissionSetResponse* response) override;
  grpc::ServerUnaryReactor* UpdatePermissionSet(grpc::CallbackServerContext* context,
                                                const v1::UpdatePermissionSetRequest* request,
                                                v1::UpdatePermissionSetResponse* response) override;
  grpc::ServerUnaryReactor* DeletePermissionSet(grpc::CallbackServerContext* context,
                                                const v1::DeletePermissionSetRequest* request,
                                                v1::DeletePermissionSetResponse* response) override;
  grpc::ServerUnaryReactor* ListAccessScopes(grpc::CallbackServerContext* context,
                                             const v1::ListAccessScopesRequest* request,
                                             v1::ListAccessScopesResponse* response) override;
  grpc::ServerUnaryReactor* GetAccessScope(grpc::CallbackServerContext* context,
                                           const v1::GetAccessScopeRequest* request,
                                           v1::GetAccessScopeResponse* response) override;
  grpc::ServerUnaryReactor* CreateAccessScope(grpc::CallbackServerContext* context,
                                              const v1::CreateAccessScopeRequest* request,
                                              v1::CreateAccessScopeResponse* response) override;
  grpc::ServerUnaryReactor* UpdateAccessScope(grpc::CallbackServerContext* context,
                                              const v1::UpdateAccessScopeRequest* request,
                                              v1::UpdateAccessScopeResponse* response) override;
  grpc::ServerUnaryReactor* DeleteAccessScope(grpc::CallbackServerContext* context,
                                              const v1::DeleteAccessScopeRequest* request,
                                              v1::DeleteAccessScopeResponse* response) override;
  grpc::ServerUnaryReactor* ListRoles(grpc::CallbackServerContext* context,
                                      const v1::ListRolesRequest* request,
                                      v1::ListRolesResponse* response) override;
  grpc::ServerUnaryReactor* GetRole(grpc::CallbackServerContext* context,
                                    const v1::GetRoleRequest* request,
                                    v1::GetRoleResponse* response) override;
  grpc::ServerUnaryReactor* CreateRole(grpc::CallbackServerContext* context,
                                       const v1::CreateRoleRequest* request,
                                       v1::CreateRoleResponse* response) override;
  grpc::ServerUnaryReactor* UpdateRole(grpc::CallbackServerContext* context,
                                       const v1::UpdateRoleRequest* request,
                                       v1::UpdateRoleResponse* response) override;
  grpc::ServerUnaryReactor* DeleteRole(grpc::CallbackServerContext* context,
                                       const v1::DeleteRoleRequest* request,
                                       v1::DeleteRoleResponse* response) override;

 private:
  const CallGate& gate_;
  RoleApi& api_;
};

}  // namespace warden
