#include "server/rpc/role_service.h"

#include "server/rpc/reactor.h"
#include "server/rpc/role_convert.h"

namespace warden {
namespace {

// Admits the caller for `method`; on failure finishes the call and returns nullptr.
#define WARDEN_ADMIT_OR_FINISH(method)                                    \
  absl::StatusOr<Identity> caller = gate_.Admit(*context, method);        \
  if (!caller.ok()) return FinishNow(context, caller.status());           \
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor()

// A completion for deletes, which return nothing: audits `action` on `target` when it
// succeeded.
auto FinishDeleted(grpc::ServerUnaryReactor* reactor, AuditLog& audit, const char* action,
                   std::string actor, std::string target) {
  return [reactor, &audit, action, actor = std::move(actor),
          target = std::move(target)](absl::Status status) {
    if (status.ok()) audit.Record(action, actor, target);
    reactor->Finish(ToGrpcStatus(status));
  };
}

template <typename Item, typename Out>
auto FillList(Out* out) {
  return [out](std::vector<Item>& items) {
    for (const Item& item : items) ToProto(item, out->Add());
  };
}

}  // namespace

RoleServiceImpl::RoleServiceImpl(const CallGate& gate, RoleAuthority& authority,
                                 AuditLog& audit)
    : gate_(gate), authority_(authority), audit_(audit) {}

grpc::ServerUnaryReactor* RoleServiceImpl::ListResources(grpc::CallbackServerContext* context,
                                                         const v1::ListResourcesRequest* request,
                                                         v1::ListResourcesResponse* response) {
  WARDEN_ADMIT_OR_FINISH("RoleService.ListResources");
  authority_.ListResources(FinishWith<std::vector<std::string>>(
      reactor, [response](std::vector<std::string>& names) {
        for (std::string& name : names) response->add_resources(std::move(name));
      }));
  return reactor;
}

grpc::ServerUnaryReactor* RoleServiceImpl::ListPermissionSets(
    grpc::CallbackServerContext* context, const v1::ListPermissionSetsRequest* request,
    v1::ListPermissionSetsResponse* response) {
  WARDEN_ADMIT_OR_FINISH("RoleService.ListPermissionSets");
  authority_.ListPermissionSets(FinishWith<std::vector<PermissionSet>>(
      reactor, FillList<PermissionSet>(response->mutable_permission_sets())));
  return reactor;
}

grpc::ServerUnaryReactor* RoleServiceImpl::GetPermissionSet(
    grpc::CallbackServerContext* context, const v1::GetPermissionSetRequest* request,
    v1::GetPermissionSetResponse* response) {
  WARDEN_ADMIT_OR_FINISH("RoleService.GetPermissionSet");
  authority_.GetPermissionSet(request->id(),
                              FinishWith<PermissionSet>(reactor, [response](PermissionSet& set) {
                                ToProto(set, response->mutable_permission_set());
                              }));
  return reactor;
}

grpc::ServerUnaryReactor* RoleServiceImpl::CreatePermissionSet(
    grpc::CallbackServerContext* context, const v1::CreatePermissionSetRequest* request,
    v1::CreatePermissionSetResponse* response) {
  WARDEN_ADMIT_OR_FINISH("RoleService.CreatePermissionSet");
  absl::StatusOr<PermissionSetSpec> spec = FromProto(request->permission_set());
  if (!spec.ok()) {  // not FinishNow: DefaultReactor() may be called only once
    reactor->Finish(ToGrpcStatus(spec.status()));
    return reactor;
  }
  authority_.CreatePermissionSet(
      std::move(*spec), FinishWith<PermissionSet>(reactor, [this, response, actor = caller->Principal()](
                                                        PermissionSet& set) {
        audit_.Record("permission_set.create", actor, set.id, {{"name", set.name}});
        ToProto(set, response->mutable_permission_set());
      }));
  return reactor;
}

grpc::ServerUnaryReactor* RoleServiceImpl::UpdatePermissionSet(
    grpc::CallbackServerContext* context, const v1::UpdatePermissionSetRequest* request,
    v1::UpdatePermissionSetResponse* response) {
  WARDEN_ADMIT_OR_FINISH("RoleService.UpdatePermissionSet");
  absl::StatusOr<PermissionSetSpec> spec = FromProto(request->permission_set());
  if (!spec.ok()) {  // not FinishNow: DefaultReactor() may be called only once
    reactor->Finish(ToGrpcStatus(spec.status()));
    return reactor;
  }
  authority_.UpdatePermissionSet(
      request->permission_set().id(), std::move(*spec),
      FinishWith<PermissionSet>(reactor, [this, response, actor = caller->Principal()](
                                             PermissionSet& set) {
        audit_.Record("permission_set.update", actor, set.id, {{"name", set.name}});
        ToProto(set, response->mutable_permission_set());
      }));
  return reactor;
}

grpc::ServerUnaryReactor* RoleServiceImpl::DeletePermissionSet(
    grpc::CallbackServerContext* context, const v1::DeletePermissionSetRequest* request,
    v1::DeletePermissionSetResponse* response) {
  WARDEN_ADMIT_OR_FINISH("RoleService.DeletePermissionSet");
  authority_.DeletePermissionSet(request->id(),
                                 FinishDeleted(reactor, audit_, "permission_set.delete",
                                               caller->Principal(), request->id()));
  return reactor;
}

grpc::ServerUnaryReactor* RoleServiceImpl::ListAccessScopes(
    grpc::CallbackServerContext* context, const v1::ListAccessScopesRequest* request,
    v1::ListAccessScopesResponse* response) {
  WARDEN_ADMIT_OR_FINISH("RoleService.ListAccessScopes");
  authority_.ListAccessScopes(FinishWith<std::vector<AccessScope>>(
      reactor, FillList<AccessScope>(response->mutable_access_scopes())));
  return reactor;
}

grpc::ServerUnaryReactor* RoleServiceImpl::GetAccessScope(grpc::CallbackServerContext* context,
                                                          const v1::GetAccessScopeRequest* request,
                                                          v1::GetAccessScopeResponse* response) {
  WARDEN_ADMIT_OR_FINISH("RoleService.GetAccessScope");
  authority_.GetAccessScope(request->id(),
                            FinishWith<AccessScope>(reactor, [response](AccessScope& scope) {
                              ToProto(scope, response->mutable_access_scope());
                            }));
  return reactor;
}

grpc::ServerUnaryReactor* RoleServiceImpl::CreateAccessScope(
    grpc::CallbackServerContext* context, const v1::CreateAccessScopeRequest* request,
    v1::CreateAccessScopeResponse* response) {
  WARDEN_ADMIT_OR_FINISH("RoleService.CreateAccessScope");
  authority_.CreateAccessScope(FromProto(request->access_scope()),
                               FinishWith<AccessScope>(reactor, [this, response,
                                                                 actor = caller->Principal()](
                                                                    AccessScope& scope) {
                                 audit_.Record("access_scope.create", actor, scope.id,
                                               {{"name", scope.name}});
                                 ToProto(scope, response->mutable_access_scope());
                               }));
  return reactor;
}

grpc::ServerUnaryReactor* RoleServiceImpl::UpdateAccessScope(
    grpc::CallbackServerContext* context, const v1::UpdateAccessScopeRequest* request,
    v1::UpdateAccessScopeResponse* response) {
  WARDEN_ADMIT_OR_FINISH("RoleService.UpdateAccessScope");
  authority_.UpdateAccessScope(request->access_scope().id(), FromProto(request->access_scope()),
                               FinishWith<AccessScope>(reactor, [this, response,
                                                                 actor = caller->Principal()](
                                                                    AccessScope& scope) {
                                 audit_.Record("access_scope.update", actor, scope.id,
                                               {{"name", scope.name}});
                                 ToProto(scope, response->mutable_access_scope());
                               }));
  return reactor;
}

grpc::ServerUnaryReactor* RoleServiceImpl::DeleteAccessScope(
    grpc::CallbackServerContext* context, const v1::DeleteAccessScopeRequest* request,
    v1::DeleteAccessScopeResponse* response) {
  WARDEN_ADMIT_OR_FINISH("RoleService.DeleteAccessScope");
  authority_.DeleteAccessScope(request->id(),
                               FinishDeleted(reactor, audit_, "access_scope.delete",
                                             caller->Principal(), request->id()));
  return reactor;
}

grpc::ServerUnaryReactor* RoleServiceImpl::ListRoles(grpc::CallbackServerContext* context,
                                                     const v1::ListRolesRequest* request,
                                                     v1::ListRolesResponse* response) {
  WARDEN_ADMIT_OR_FINISH("RoleService.ListRoles");
  authority_.ListRoles(
      FinishWith<std::vector<Role>>(reactor, FillList<Role>(response->mutable_roles())));
  return reactor;
}

grpc::ServerUnaryReactor* RoleServiceImpl::GetRole(grpc::CallbackServerContext* context,
                                                   const v1::GetRoleRequest* request,
                                                   v1::GetRoleResponse* response) {
  WARDEN_ADMIT_OR_FINISH("RoleService.GetRole");
  authority_.GetRole(request->name(), FinishWith<Role>(reactor, [response](Role& role) {
                       ToProto(role, response->mutable_role());
                     }));
  return reactor;
}

grpc::ServerUnaryReactor* RoleServiceImpl::CreateRole(grpc::CallbackServerContext* context,
                                                      const v1::CreateRoleRequest* request,
                                                      v1::CreateRoleResponse* response) {
  WARDEN_ADMIT_OR_FINISH("RoleService.CreateRole");
  authority_.CreateRole(FromProto(request->role()),
                        FinishWith<Role>(reactor, [this, response, actor = caller->Principal(),
                                                   action = "role.create"](Role& role) {
                          audit_.Record(action, actor, role.name,
                                        {{"permission_set", role.permission_set.name},
                                         {"access_scope", role.access_scope.name}});
                          ToProto(role, response->mutable_role());
                        }));
  return reactor;
}

grpc::ServerUnaryReactor* RoleServiceImpl::UpdateRole(grpc::CallbackServerContext* context,
                                                      const v1::UpdateRoleRequest* request,
                                                      v1::UpdateRoleResponse* response) {
  WARDEN_ADMIT_OR_FINISH("RoleService.UpdateRole");
  authority_.UpdateRole(FromProto(request->role()),
                        FinishWith<Role>(reactor, [this, response, actor = caller->Principal(),
                                                   action = "role.update"](Role& role) {
                          audit_.Record(action, actor, role.name,
                                        {{"permission_set", role.permission_set.name},
                                         {"access_scope", role.access_scope.name}});
                          ToProto(role, response->mutable_role());
                        }));
  return reactor;
}

grpc::ServerUnaryReactor* RoleServiceImpl::DeleteRole(grpc::CallbackServerContext* context,
                                                      const v1::DeleteRoleRequest* request,
                                                      v1::DeleteRoleResponse* response) {
  WARDEN_ADMIT_OR_FINISH("RoleService.DeleteRole");
  authority_.DeleteRole(request->name(), FinishDeleted(reactor, audit_, "role.delete",
                                                       caller->Principal(), request->name()));
  return reactor;
}

#undef WARDEN_ADMIT_OR_FINISH

}  // namespace warden
