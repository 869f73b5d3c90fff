#include "server/rpc/role_service.h"

#include "server/rpc/reactor.h"

namespace warden {

RoleServiceImpl::RoleServiceImpl(const CallGate& gate, RoleApi& api) : gate_(gate), api_(api) {}

grpc::ServerUnaryReactor* RoleServiceImpl::ListResources(grpc::CallbackServerContext* context,
                                                         const v1::ListResourcesRequest* request,
                                                         v1::ListResourcesResponse* response) {
  return Serve(gate_, context, Method::kListResources, api_, &RoleApi::ListResources, request,
               response);
}

grpc::ServerUnaryReactor* RoleServiceImpl::ListPermissionSets(
    grpc::CallbackServerContext* context, const v1::ListPermissionSetsRequest* request,
    v1::ListPermissionSetsResponse* response) {
  return Serve(gate_, context, Method::kListPermissionSets, api_, &RoleApi::ListPermissionSets,
               request, response);
}

grpc::ServerUnaryReactor* RoleServiceImpl::GetPermissionSet(
    grpc::CallbackServerContext* context, const v1::GetPermissionSetRequest* request,
    v1::GetPermissionSetResponse* response) {
  return Serve(gate_, context, Method::kGetPermissionSet, api_, &RoleApi::GetPermissionSet, request,
               response);
}

grpc::ServerUnaryReactor* RoleServiceImpl::CreatePermissionSet(
    grpc::CallbackServerContext* context, const v1::CreatePermissionSetRequest* request,
    v1::CreatePermissionSetResponse* response) {
  return Serve(gate_, context, Method::kCreatePermissionSet, api_, &RoleApi::CreatePermissionSet,
               request, response);
}

grpc::ServerUnaryReactor* RoleServiceImpl::UpdatePermissionSet(
    grpc::CallbackServerContext* context, const v1::UpdatePermissionSetRequest* request,
    v1::UpdatePermissionSetResponse* response) {
  return Serve(gate_, context, Method::kUpdatePermissionSet, api_, &RoleApi::UpdatePermissionSet,
               request, response);
}

grpc::ServerUnaryReactor* RoleServiceImpl::DeletePermissionSet(
    grpc::CallbackServerContext* context, const v1::DeletePermissionSetRequest* request,
    v1::DeletePermissionSetResponse* response) {
  return Serve(gate_, context, Method::kDeletePermissionSet, api_, &RoleApi::DeletePermissionSet,
               request, response);
}

grpc::ServerUnaryReactor* RoleServiceImpl::ListAccessScopes(
    grpc::CallbackServerContext* context, const v1::ListAccessScopesRequest* request,
    v1::ListAccessScopesResponse* response) {
  return Serve(gate_, context, Method::kListAccessScopes, api_, &RoleApi::ListAccessScopes, request,
               response);
}

grpc::ServerUnaryReactor* RoleServiceImpl::GetAccessScope(grpc::CallbackServerContext* context,
                                                          const v1::GetAccessScopeRequest* request,
                                                          v1::GetAccessScopeResponse* response) {
  return Serve(gate_, context, Method::kGetAccessScope, api_, &RoleApi::GetAccessScope, request,
               response);
}

grpc::ServerUnaryReactor* RoleServiceImpl::CreateAccessScope(
    grpc::CallbackServerContext* context, const v1::CreateAccessScopeRequest* request,
    v1::CreateAccessScopeResponse* response) {
  return Serve(gate_, context, Method::kCreateAccessScope, api_, &RoleApi::CreateAccessScope,
               request, response);
}

grpc::ServerUnaryReactor* RoleServiceImpl::UpdateAccessScope(
    grpc::CallbackServerContext* context, const v1::UpdateAccessScopeRequest* request,
    v1::UpdateAccessScopeResponse* response) {
  return Serve(gate_, context, Method::kUpdateAccessScope, api_, &RoleApi::UpdateAccessScope,
               request, response);
}

grpc::ServerUnaryReactor* RoleServiceImpl::DeleteAccessScope(
    grpc::CallbackServerContext* context, const v1::DeleteAccessScopeRequest* request,
    v1::DeleteAccessScopeResponse* response) {
  return Serve(gate_, context, Method::kDeleteAccessScope, api_, &RoleApi::DeleteAccessScope,
               request, response);
}

grpc::ServerUnaryReactor* RoleServiceImpl::ListRoles(grpc::CallbackServerContext* context,
                                                     const v1::ListRolesRequest* request,
                                                     v1::ListRolesResponse* response) {
  return Serve(gate_, context, Method::kListRoles, api_, &RoleApi::ListRoles, request, response);
}

grpc::ServerUnaryReactor* RoleServiceImpl::GetRole(grpc::CallbackServerContext* context,
                                                   const v1::GetRoleRequest* request,
                                                   v1::GetRoleResponse* response) {
  return Serve(gate_, context, Method::kGetRole, api_, &RoleApi::GetRole, request, response);
}

grpc::ServerUnaryReactor* RoleServiceImpl::CreateRole(grpc::CallbackServerContext* context,
                                                      const v1::CreateRoleRequest* request,
                                                      v1::CreateRoleResponse* response) {
  return Serve(gate_, context, Method::kCreateRole, api_, &RoleApi::CreateRole, request, response);
}

grpc::ServerUnaryReactor* RoleServiceImpl::UpdateRole(grpc::CallbackServerContext* context,
                                                      const v1::UpdateRoleRequest* request,
                                                      v1::UpdateRoleResponse* response) {
  return Serve(gate_, context, Method::kUpdateRole, api_, &RoleApi::UpdateRole, request, response);
}

grpc::ServerUnaryReactor* RoleServiceImpl::DeleteRole(grpc::CallbackServerContext* context,
                                                      const v1::DeleteRoleRequest* request,
                                                      v1::DeleteRoleResponse* response) {
  return Serve(gate_, context, Method::kDeleteRole, api_, &RoleApi::DeleteRole, request, response);
}

}  // namespace warden
