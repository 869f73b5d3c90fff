#include "server/auth/authorization.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "glog/logging.h"

namespace warden {
namespace {

using Table = std::map<std::string, std::vector<Requirement>, std::less<>>;

const Table& MethodTable() {
  static const Table* table = new Table{
      {"TokenService.GenerateToken",
       {{"Access", Access::kRead}, {"Integration", Access::kReadWrite}}},
      {"TokenService.GetToken", {{"Integration", Access::kRead}}},
      {"TokenService.ListTokens", {{"Integration", Access::kRead}}},
      {"TokenService.RevokeToken", {{"Integration", Access::kReadWrite}}},
      {"TokenService.ListAllowedTokenRoles", {{"Access", Access::kRead}}},
      {"TokenService.ListExpiringTokens", {{"Integration", Access::kRead}}},
      {"RoleService.ListResources", {{"Access", Access::kRead}}},
      {"RoleService.ListPermissionSets", {{"Access", Access::kRead}}},
      {"RoleService.GetPermissionSet", {{"Access", Access::kRead}}},
      {"RoleService.CreatePermissionSet", {{"Access", Access::kReadWrite}}},
      {"RoleService.UpdatePermissionSet", {{"Access", Access::kReadWrite}}},
      {"RoleService.DeletePermissionSet", {{"Access", Access::kReadWrite}}},
      {"RoleService.ListAccessScopes", {{"Access", Access::kRead}}},
      {"RoleService.GetAccessScope", {{"Access", Access::kRead}}},
      {"RoleService.CreateAccessScope", {{"Access", Access::kReadWrite}}},
      {"RoleService.UpdateAccessScope", {{"Access", Access::kReadWrite}}},
      {"RoleService.DeleteAccessScope", {{"Access", Access::kReadWrite}}},
      {"RoleService.ListRoles", {{"Access", Access::kRead}}},
      {"RoleService.GetRole", {{"Access", Access::kRead}}},
      {"RoleService.CreateRole", {{"Access", Access::kReadWrite}}},
      {"RoleService.UpdateRole", {{"Access", Access::kReadWrite}}},
      {"RoleService.DeleteRole", {{"Access", Access::kReadWrite}}},
      {"AuthService.ListAuthMachineToMachineConfigs", {{"Access", Access::kRead}}},
      {"AuthService.GetAuthMachineToMachineConfig", {{"Access", Access::kRead}}},
      {"AuthService.AddAuthMachineToMachineConfig", {{"Access", Access::kReadWrite}}},
      {"AuthService.UpdateAuthMachineToMachineConfig", {{"Access", Access::kReadWrite}}},
      {"AuthService.DeleteAuthMachineToMachineConfig", {{"Access", Access::kReadWrite}}},
      // Any authenticated identity may ask who it is, or check a token presented to it.
      {"AuthService.GetAuthStatus", {}},
      {"AuthService.ValidateToken", {}},
      // The stream reveals every role (RoleService guards them with Access READ) and every
      // revoked token id (TokenService guards ids with Integration READ).
      {"AuthService.WatchRevocations", {{"Access", Access::kRead}, {"Integration", Access::kRead}}},
  };
  return *table;
}

}  // namespace

const std::vector<Requirement>& RequirementsFor(absl::string_view method) {
  auto it = MethodTable().find(method);
  CHECK(it != MethodTable().end()) << "method missing from the permission table: " << method;
  return it->second;
}

std::vector<std::string> PermissionTableMethods() {
  std::vector<std::string> methods;
  for (const auto& [method, requirements] : MethodTable()) methods.push_back(method);
  return methods;
}

const std::vector<std::string>& AnonymousMethods() {
  static const auto* methods = new std::vector<std::string>{
      "AuthService.ExchangeAuthMachineToMachineToken", "AuthService.GetPublicKeys"};
  return *methods;
}

absl::Status Authorize(absl::string_view method, const PermissionMap& permissions) {
  std::vector<std::string> missing;
  for (const Requirement& r : RequirementsFor(method)) {
    Access held = AccessFor(permissions, r.resource);
    if (held < r.level) {
      missing.push_back(absl::StrCat(r.resource, " (needs ", AccessName(r.level), ", has ",
                                     AccessName(held), ")"));
    }
  }
  if (missing.empty()) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat(method, " is not allowed: missing ", absl::StrJoin(missing, ", ")));
}

}  // namespace warden
