// One part of the hostile table of hostile_input_test.cc: RoleService requests (roles,
// permission sets, access scopes).

#include <string>
#include <vector>

#include "tests/e2e/hostile_fixture.h"

namespace warden::testing {

using grpc::StatusCode;

std::vector<HostileRow> HostileFixture::RoleRows() {
  return {
      // Roles, permission sets, access scopes.
      {"permission set of SQL and metacharacters is stored verbatim",
       [this] { return PermissionSetVerbatim(kSqlInjection, kMetacharacters); }, StatusCode::OK},
      {"permission set description with a NUL byte",
       [this] { return PermissionSetVerbatim("nul description", kNul); },
       StatusCode::INVALID_ARGUMENT},
      {"permission set description of 1 MB",
       [this] { return PermissionSetVerbatim("big description", megabyte_name_); },
       StatusCode::INVALID_ARGUMENT},
      {"permission set resource of SQL",
       [this] {
         v1::PermissionSet set;
         set.set_name("sql resource");
         (*set.mutable_resource_to_access())[kSqlInjection] = v1::ACCESS_LEVEL_READ_ACCESS;
         return CreatePermissionSet(set);
       },
       StatusCode::INVALID_ARGUMENT},
      {"permission set access level 99",
       [this] {
         v1::PermissionSet set;
         set.set_name("level 99");
         (*set.mutable_resource_to_access())["Image"] = static_cast<v1::AccessLevel>(99);
         return CreatePermissionSet(set);
       },
       StatusCode::INVALID_ARGUMENT},
      {"permission set resource with a NUL byte",
       [this] {
         v1::PermissionSet set;
         set.set_name("nul resource");
         (*set.mutable_resource_to_access())[std::string("Image\0x", 7)] =
             v1::ACCESS_LEVEL_READ_ACCESS;
         return CreatePermissionSet(set);
       },
       StatusCode::INVALID_ARGUMENT},
      {"permission set name that is not UTF-8",
       [this] {
         return RawCall(channel_, "/warden.v1.RoleService/CreatePermissionSet",
                        LengthDelimited(1, LengthDelimited(2, kNotUtf8)), admin_);
       },
       StatusCode::INVALID_ARGUMENT},
      {"access scope cluster with a NUL byte",
       [this] {
         v1::AccessScope scope;
         scope.set_name("nul cluster");
         scope.mutable_rules()->add_clusters(kNul);
         return CreateAccessScope(scope);
       },
       StatusCode::INVALID_ARGUMENT},
      {"access scope namespace with a NUL byte",
       [this] {
         v1::AccessScope scope;
         scope.set_name("nul namespace");
         auto* ns = scope.mutable_rules()->add_namespaces();
         ns->set_cluster("c");
         ns->set_namespace_(kNul);
         return CreateAccessScope(scope);
       },
       StatusCode::INVALID_ARGUMENT},
      {"role of SQL and metacharacters is stored verbatim",
       [this] { return RoleVerbatim("x'); DROP TABLE roles; --", kMetacharacters); },
       StatusCode::OK},
      {"role description that is not UTF-8",
       [this] {
         return RawCall(channel_, "/warden.v1.RoleService/CreateRole",
                        LengthDelimited(1, LengthDelimited(1, "r") + LengthDelimited(2, kNotUtf8)),
                        admin_);
       },
       StatusCode::INVALID_ARGUMENT},
      {"role name of 1 MB",
       [this] {
         v1::Role role;
         role.set_name(megabyte_name_);
         return CreateRole(role);
       },
       StatusCode::INVALID_ARGUMENT},
      {"role permission_set_id of SQL",
       [this] {
         v1::Role role;
         role.set_name("sql ids");
         role.set_permission_set_id(kSqlInjection);
         role.set_access_scope_id(kSqlInjection);
         return CreateRole(role);
       },
       StatusCode::INVALID_ARGUMENT},
      {"GetRole of SQL", [this] { return GetRole(kSqlInjection); }, StatusCode::NOT_FOUND},
      {"GetRole of 'Admin', a NUL byte and more",
       [this] { return GetRole(std::string("Admin\0evil", 10)); }, StatusCode::INVALID_ARGUMENT},
      {"DeleteRole of 'None', a NUL byte and more",
       [this] { return DeleteRole(std::string("None\0evil", 9)); }, StatusCode::INVALID_ARGUMENT},
      {"GetRole of a 1 MB name", [this] { return GetRole(megabyte_name_); },
       StatusCode::INVALID_ARGUMENT},
      {"GetPermissionSet id of SQL", [this] { return GetPermissionSet(kSqlInjection); },
       StatusCode::INVALID_ARGUMENT},
  };
}

}  // namespace warden::testing
