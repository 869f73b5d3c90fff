#include "server/auth/method.h"

#include "absl/container/flat_hash_map.h"
#include "glog/logging.h"

namespace warden {
namespace {

std::vector<MethodInfo> BuildTable() {
  const Requirement access_read{"Access", Access::kRead};
  const Requirement access_write{"Access", Access::kReadWrite};
  const Requirement integration_read{"Integration", Access::kRead};
  const Requirement integration_write{"Integration", Access::kReadWrite};
  auto row = [](Method method, const char* name, std::vector<Requirement> requirements) {
    return MethodInfo{method, name, false, std::move(requirements), false};
  };
  auto anonymous = [](Method method, const char* name) {
    return MethodInfo{method, name, true, {}, false};
  };
  std::vector<MethodInfo> table = {
      {Method::kGenerateToken,
       "TokenService.GenerateToken",
       false,
       {access_read, integration_write},
       true},
      row(Method::kGetToken, "TokenService.GetToken", {integration_read}),
      row(Method::kListTokens, "TokenService.ListTokens", {integration_read}),
      row(Method::kRevokeToken, "TokenService.RevokeToken", {integration_write}),
      {Method::kRotateToken,
       "TokenService.RotateToken",
       false,
       {access_read, integration_write},
       true},
      row(Method::kListAllowedTokenRoles, "TokenService.ListAllowedTokenRoles", {access_read}),
      row(Method::kListExpiringTokens, "TokenService.ListExpiringTokens", {integration_read}),
      row(Method::kListResources, "RoleService.ListResources", {access_read}),
      row(Method::kListPermissionSets, "RoleService.ListPermissionSets", {access_read}),
      row(Method::kGetPermissionSet, "RoleService.GetPermissionSet", {access_read}),
      row(Method::kCreatePermissionSet, "RoleService.CreatePermissionSet", {access_write}),
      row(Method::kUpdatePermissionSet, "RoleService.UpdatePermissionSet", {access_write}),
      row(Method::kDeletePermissionSet, "RoleService.DeletePermissionSet", {access_write}),
      row(Method::kListAccessScopes, "RoleService.ListAccessScopes", {access_read}),
      row(Method::kGetAccessScope, "RoleService.GetAccessScope", {access_read}),
      row(Method::kCreateAccessScope, "RoleService.CreateAccessScope", {access_write}),
      row(Method::kUpdateAccessScope, "RoleService.UpdateAccessScope", {access_write}),
      row(Method::kDeleteAccessScope, "RoleService.DeleteAccessScope", {access_write}),
      row(Method::kListRoles, "RoleService.ListRoles", {access_read}),
      row(Method::kGetRole, "RoleService.GetRole", {access_read}),
      row(Method::kCreateRole, "RoleService.CreateRole", {access_write}),
      row(Method::kUpdateRole, "RoleService.UpdateRole", {access_write}),
      row(Method::kDeleteRole, "RoleService.DeleteRole", {access_write}),
      // Any authenticated identity may ask who it is, or check a token presented to it.
      row(Method::kGetAuthStatus, "AuthService.GetAuthStatus", {}),
      row(Method::kValidateToken, "AuthService.ValidateToken", {}),
      {Method::kGetPublicKeys, "AuthService.GetPublicKeys", true, {}, false},
      // The stream reveals every role (RoleService guards them with Access READ) and every
      // revoked token id (TokenService guards ids with Integration READ).
      row(Method::kWatchRevocations, "AuthService.WatchRevocations",
          {access_read, integration_read}),
      row(Method::kListM2mConfigs, "AuthService.ListAuthMachineToMachineConfigs", {access_read}),
      row(Method::kGetM2mConfig, "AuthService.GetAuthMachineToMachineConfig", {access_read}),
      row(Method::kAddM2mConfig, "AuthService.AddAuthMachineToMachineConfig", {access_write}),
      row(Method::kUpdateM2mConfig, "AuthService.UpdateAuthMachineToMachineConfig", {access_write}),
      row(Method::kDeleteM2mConfig, "AuthService.DeleteAuthMachineToMachineConfig", {access_write}),
      {Method::kExchangeM2mToken, "AuthService.ExchangeAuthMachineToMachineToken", true, {}, false},
      // Ending one's own credential needs no permission.
      row(Method::kSignOut, "AuthService.SignOut", {}),
      row(Method::kListAuthProviders, "AuthProviderService.ListAuthProviders", {access_read}),
      row(Method::kGetAuthProvider, "AuthProviderService.GetAuthProvider", {access_read}),
      row(Method::kAddAuthProvider, "AuthProviderService.AddAuthProvider", {access_write}),
      row(Method::kUpdateAuthProvider, "AuthProviderService.UpdateAuthProvider", {access_write}),
      row(Method::kDeleteAuthProvider, "AuthProviderService.DeleteAuthProvider", {access_write}),
      // Signing in: the person has no credential yet.
      anonymous(Method::kGetSignInOptions, "AuthProviderService.GetSignInOptions"),
      anonymous(Method::kStartSignIn, "AuthProviderService.StartSignIn"),
      anonymous(Method::kCompleteSignIn, "AuthProviderService.CompleteSignIn"),
      anonymous(Method::kStartDeviceSignIn, "AuthProviderService.StartDeviceSignIn"),
      anonymous(Method::kCompleteDeviceSignIn, "AuthProviderService.CompleteDeviceSignIn"),
  };
  // Indexed by the enum: every enumerator has its row, in order.
  for (size_t i = 0; i < table.size(); ++i) CHECK(static_cast<size_t>(table[i].method) == i);
  return table;
}

}  // namespace

const std::vector<MethodInfo>& AllMethods() {
  static const auto* table = new std::vector<MethodInfo>(BuildTable());
  return *table;
}

const MethodInfo& Describe(Method method) { return AllMethods()[static_cast<size_t>(method)]; }

std::optional<Method> FindMethod(absl::string_view name) {
  static const auto* index = [] {
    auto* index = new absl::flat_hash_map<std::string, Method>();
    for (const MethodInfo& info : AllMethods()) index->emplace(info.name, info.method);
    return index;
  }();
  auto it = index->find(name);
  if (it == index->end()) return std::nullopt;
  return it->second;
}

}  // namespace warden
