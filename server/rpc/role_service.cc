#include "server/rpc/role_service.h"

#include "proto/convert/role_convert.h"
#include "server/rpc/reactor.h"

namespace warden {
namespace {

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

RoleServiceImpl::RoleServiceImpl(const CallGate& gate, RoleAuthority& authority, AuditLog& audit)
    : gate_(gate), authority_(authority), audit_(audit) {}

grpc::ServerUnaryReactor* RoleServiceImpl::ListResources(grpc::CallbackServerContext* context,
                                                         const v1::ListResourcesRequest* request,
                                                         v1::ListResourcesResponse* response) {
  return AdmitThen(gate_, context, "RoleService.ListResources",
                   [this, request, response](auto* reactor, const Identity& caller) {
                     authority_.ListResources(FinishWith<std::vector<std::string>>(
                         reactor, [response](std::vector<std::string>& names) {
                           for (std::string& name : names) response->add_resources(std::move(name));
                         }));
                   });
}

grpc::ServerUnaryReactor* RoleServiceImpl::ListPermissionSets(
    grpc::CallbackServerContext* context, const v1::ListPermissionSetsRequest* request,
    v1::ListPermissionSetsResponse* response) {
  return AdmitThen(gate_, context, "RoleService.ListPermissionSets",
                   [this, request, response](auto* reactor, const Identity& caller) {
                     authority_.ListPermissionSets(FinishWith<std::vector<PermissionSet>>(
                         reactor, FillList<PermissionSet>(response->mutable_permission_sets())));
                   });
}

grpc::ServerUnaryReactor* RoleServiceImpl::GetPermissionSet(
    grpc::CallbackServerContext* context, const v1::GetPermissionSetRequest* request,
    v1::GetPermissionSetResponse* response) {
  return AdmitThen(gate_, context, "RoleService.GetPermissionSet",
                   [this, request, response](auto* reactor, const Identity& caller) {
                     authority_.GetPermissionSet(
                         request->id(),
                         FinishWith<PermissionSet>(reactor, [response](PermissionSet& set) {
                           ToProto(set, response->mutable_permission_set());
                         }));
                   });
}

grpc::ServerUnaryReactor* RoleServiceImpl::CreatePermissionSet(
    grpc::CallbackServerContext* context, const v1::CreatePermissionSetRequest* request,
    v1::CreatePermissionSetResponse* response) {
  return AdmitThen(
      gate_, context, "RoleService.CreatePermissionSet",
      [this, request, response](auto* reactor, const Identity& caller) {
        absl::StatusOr<PermissionSetSpec> spec = FromProto(request->permission_set());
        if (!spec.ok()) return Finish(reactor, spec.status());
        authority_.CreatePermissionSet(
            std::move(*spec),
            FinishWith<PermissionSet>(
                reactor, [this, response, actor = caller.Principal()](PermissionSet& set) {
                  audit_.Record("permission_set.create", actor, set.id, {{"name", set.name}});
                  ToProto(set, response->mutable_permission_set());
                }));
      });
}

grpc::ServerUnaryReactor* RoleServiceImpl::UpdatePermissionSet(
    grpc::CallbackServerContext* context, const v1::UpdatePermissionSetRequest* request,
    v1::UpdatePermissionSetResponse* response) {
  return AdmitThen(
      gate_, context, "RoleService.UpdatePermissionSet",
      [this, request, response](auto* reactor, const Identity& caller) {
        absl::StatusOr<PermissionSetSpec> spec = FromProto(request->permission_set());
        if (!spec.ok()) return Finish(reactor, spec.status());
        authority_.UpdatePermissionSet(
            caller, request->permission_set().id(), std::move(*spec),
            FinishWith<PermissionSet>(
                reactor, [this, response, actor = caller.Principal()](PermissionSet& set) {
                  audit_.Record("permission_set.update", actor, set.id, {{"name", set.name}});
                  ToProto(set, response->mutable_permission_set());
                }));
      });
}

grpc::ServerUnaryReactor* RoleServiceImpl::DeletePermissionSet(
    grpc::CallbackServerContext* context, const v1::DeletePermissionSetRequest* request,
    v1::DeletePermissionSetResponse* response) {
  return AdmitThen(gate_, context, "RoleService.DeletePermissionSet",
                   [this, request, response](auto* reactor, const Identity& caller) {
                     authority_.DeletePermissionSet(
                         request->id(), FinishDeleted(reactor, audit_, "permission_set.delete",
                                                      caller.Principal(), request->id()));
                   });
}

grpc::ServerUnaryReactor* RoleServiceImpl::ListAccessScopes(
    grpc::CallbackServerContext* context, const v1::ListAccessScopesRequest* request,
    v1::ListAccessScopesResponse* response) {
  return AdmitThen(gate_, context, "RoleService.ListAccessScopes",
                   [this, request, response](auto* reactor, const Identity& caller) {
                     authority_.ListAccessScopes(FinishWith<std::vector<AccessScope>>(
                         reactor, FillList<AccessScope>(response->mutable_access_scopes())));
                   });
}

grpc::ServerUnaryReactor* RoleServiceImpl::GetAccessScope(grpc::CallbackServerContext* context,
                                                          const v1::GetAccessScopeRequest* request,
                                                          v1::GetAccessScopeResponse* response) {
  return AdmitThen(gate_, context, "RoleService.GetAccessScope",
                   [this, request, response](auto* reactor, const Identity& caller) {
                     authority_.GetAccessScope(
                         request->id(),
                         FinishWith<AccessScope>(reactor, [response](AccessScope& scope) {
                           ToProto(scope, response->mutable_access_scope());
                         }));
                   });
}

grpc::ServerUnaryReactor* RoleServiceImpl::CreateAccessScope(
    grpc::CallbackServerContext* context, const v1::CreateAccessScopeRequest* request,
    v1::CreateAccessScopeResponse* response) {
  return AdmitThen(
      gate_, context, "RoleService.CreateAccessScope",
      [this, request, response](auto* reactor, const Identity& caller) {
        authority_.CreateAccessScope(
            FromProto(request->access_scope()),
            FinishWith<AccessScope>(
                reactor, [this, response, actor = caller.Principal()](AccessScope& scope) {
                  audit_.Record("access_scope.create", actor, scope.id, {{"name", scope.name}});
                  ToProto(scope, response->mutable_access_scope());
                }));
      });
}

grpc::ServerUnaryReactor* RoleServiceImpl::UpdateAccessScope(
    grpc::CallbackServerContext* context, const v1::UpdateAccessScopeRequest* request,
    v1::UpdateAccessScopeResponse* response) {
  return AdmitThen(
      gate_, context, "RoleService.UpdateAccessScope",
      [this, request, response](auto* reactor, const Identity& caller) {
        authority_.UpdateAccessScope(
            caller, request->access_scope().id(), FromProto(request->access_scope()),
            FinishWith<AccessScope>(
                reactor, [this, response, actor = caller.Principal()](AccessScope& scope) {
                  audit_.Record("access_scope.update", actor, scope.id, {{"name", scope.name}});
                  ToProto(scope, response->mutable_access_scope());
                }));
      });
}

grpc::ServerUnaryReactor* RoleServiceImpl::DeleteAccessScope(
    grpc::CallbackServerContext* context, const v1::DeleteAccessScopeRequest* request,
    v1::DeleteAccessScopeResponse* response) {
  return AdmitThen(gate_, context, "RoleService.DeleteAccessScope",
                   [this, request, response](auto* reactor, const Identity& caller) {
                     authority_.DeleteAccessScope(
                         request->id(), FinishDeleted(reactor, audit_, "access_scope.delete",
                                                      caller.Principal(), request->id()));
                   });
}

grpc::ServerUnaryReactor* RoleServiceImpl::ListRoles(grpc::CallbackServerContext* context,
                                                     const v1::ListRolesRequest* request,
                                                     v1::ListRolesResponse* response) {
  return AdmitThen(gate_, context, "RoleService.ListRoles",
                   [this, request, response](auto* reactor, const Identity& caller) {
                     authority_.ListRoles(FinishWith<std::vector<Role>>(
                         reactor, FillList<Role>(response->mutable_roles())));
                   });
}

grpc::ServerUnaryReactor* RoleServiceImpl::GetRole(grpc::CallbackServerContext* context,
                                                   const v1::GetRoleRequest* request,
                                                   v1::GetRoleResponse* response) {
  return AdmitThen(gate_, context, "RoleService.GetRole",
                   [this, request, response](auto* reactor, const Identity& caller) {
                     authority_.GetRole(request->name(),
                                        FinishWith<Role>(reactor, [response](Role& role) {
                                          ToProto(role, response->mutable_role());
                                        }));
                   });
}

grpc::ServerUnaryReactor* RoleServiceImpl::CreateRole(grpc::CallbackServerContext* context,
                                                      const v1::CreateRoleRequest* request,
                                                      v1::CreateRoleResponse* response) {
  return AdmitThen(gate_, context, "RoleService.CreateRole",
                   [this, request, response](auto* reactor, const Identity& caller) {
                     authority_.CreateRole(
                         caller, FromProto(request->role()),
                         FinishWith<Role>(reactor, [this, response, actor = caller.Principal(),
                                                    action = "role.create"](Role& role) {
                           audit_.Record(action, actor, role.name,
                                         {{"permission_set", role.permission_set.name},
                                          {"access_scope", role.access_scope.name}});
                           ToProto(role, response->mutable_role());
                         }));
                   });
}

grpc::ServerUnaryReactor* RoleServiceImpl::UpdateRole(grpc::CallbackServerContext* context,
                                                      const v1::UpdateRoleRequest* request,
                                                      v1::UpdateRoleResponse* response) {
  return AdmitThen(gate_, context, "RoleService.UpdateRole",
                   [this, request, response](auto* reactor, const Identity& caller) {
                     authority_.UpdateRole(
                         caller, FromProto(request->role()),
                         FinishWith<Role>(reactor, [this, response, actor = caller.Principal(),
                                                    action = "role.update"](Role& role) {
                           audit_.Record(action, actor, role.name,
                                         {{"permission_set", role.permission_set.name},
                                          {"access_scope", role.access_scope.name}});
                           ToProto(role, response->mutable_role());
                         }));
                   });
}

grpc::ServerUnaryReactor* RoleServiceImpl::DeleteRole(grpc::CallbackServerContext* context,
                                                      const v1::DeleteRoleRequest* request,
                                                      v1::DeleteRoleResponse* response) {
  return AdmitThen(gate_, context, "RoleService.DeleteRole",
                   [this, request, response](auto* reactor, const Identity& caller) {
                     authority_.DeleteRole(request->name(),
                                           FinishDeleted(reactor, audit_, "role.delete",
                                                         caller.Principal(), request->name()));
                   });
}

}  // namespace warden
