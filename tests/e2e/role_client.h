#pragma once

#include <map>
#include <string>

#include "tests/e2e/api_client.h"
#include "warden/v1/role.grpc.pb.h"

namespace warden::testing {

// Calls warden.v1.RoleService: `Call(&v1::RoleService::Stub::CreateRole, auth, request)`,
// plus shorthands for the objects most tests make.
class RoleClient final {
 public:
  explicit RoleClient(std::shared_ptr<grpc::Channel> channel)
      : stub_(v1::RoleService::NewStub(std::move(channel))) {}

  template <typename Request, typename Response>
  Reply<Response> Call(grpc::Status (v1::RoleService::Stub::*method)(grpc::ClientContext*,
                                                                     const Request&, Response*),
                       const std::string& authorization, const Request& request) {
    return CallWithAuthorization<Response>(
        [&](grpc::ClientContext* c, const Request& r, Response* o) {
          return (stub_.get()->*method)(c, r, o);
        },
        authorization, request);
  }

  // Creates a permission set; returns the reply (its id is in response.permission_set()).
  Reply<v1::CreatePermissionSetResponse> CreatePermissionSet(
      const std::string& authorization, const std::string& name,
      const std::map<std::string, v1::AccessLevel>& access) {
    v1::CreatePermissionSetRequest request;
    request.mutable_permission_set()->set_name(name);
    for (const auto& [resource, level] : access) {
      (*request.mutable_permission_set()->mutable_resource_to_access())[resource] = level;
    }
    return Call(&v1::RoleService::Stub::CreatePermissionSet, authorization, request);
  }

  // Creates a role from a permission set id (and a scope id; empty: Unrestricted).
  Reply<v1::CreateRoleResponse> CreateRole(const std::string& authorization,
                                           const std::string& name,
                                           const std::string& permission_set_id,
                                           const std::string& access_scope_id = "") {
    v1::CreateRoleRequest request;
    request.mutable_role()->set_name(name);
    request.mutable_role()->set_permission_set_id(permission_set_id);
    request.mutable_role()->set_access_scope_id(access_scope_id);
    return Call(&v1::RoleService::Stub::CreateRole, authorization, request);
  }

 private:
  std::unique_ptr<v1::RoleService::Stub> stub_;
};

}  // namespace warden::testing
