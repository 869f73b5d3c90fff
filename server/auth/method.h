#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "domain/access.h"

namespace warden {

// Every warden.v1 RPC, whatever transport carries it. The gate, the permission table and
// the transports name methods by this, never by string.
enum class Method {
  // TokenService
  kGenerateToken,
  kGetToken,
  kListTokens,
  kRevokeToken,
  kRotateToken,
  kListAllowedTokenRoles,
  kListExpiringTokens,
  // RoleService
  kListResources,
  kListPermissionSets,
  kGetPermissionSet,
  kCreatePermissionSet,
  kUpdatePermissionSet,
  kDeletePermissionSet,
  kListAccessScopes,
  kGetAccessScope,
  kCreateAccessScope,
  kUpdateAccessScope,
  kDeleteAccessScope,
  kListRoles,
  kGetRole,
  kCreateRole,
  kUpdateRole,
  kDeleteRole,
  // AuthService
  kGetAuthStatus,
  kValidateToken,
  kGetPublicKeys,
  kWatchRevocations,
  kListM2mConfigs,
  kGetM2mConfig,
  kAddM2mConfig,
  kUpdateM2mConfig,
  kDeleteM2mConfig,
  kExchangeM2mToken,
  kSignOut,
  // AuthProviderService
  kListAuthProviders,
  kGetAuthProvider,
  kAddAuthProvider,
  kUpdateAuthProvider,
  kDeleteAuthProvider,
  kGetSignInOptions,
  kStartSignIn,
  kCompleteSignIn,
  kStartDeviceSignIn,
  kCompleteDeviceSignIn,
};

// What a caller must hold on one resource to call a method.
struct Requirement {
  std::string resource;
  Access level;
};

// One row of the method table (SPEC §2).
struct MethodInfo {
  Method method;
  std::string name;  // "Service.Method" without the package, e.g. "TokenService.GenerateToken"
  // Takes no credentials, so never passes the gate: the public keys (public), and the M2M
  // exchange (its ID token is the credential).
  bool anonymous = false;
  // What the caller's roles must grant; empty: any authenticated identity.
  std::vector<Requirement> requirements;
  // Counted against the caller's root's GenerateToken budget (AbuseLimits::generate).
  bool rate_limited = false;
};

// The row for `method`.
const MethodInfo& Describe(Method method);
// Every method, in declaration order.
const std::vector<MethodInfo>& AllMethods();
// The method called "Service.Method", if there is one.
std::optional<Method> FindMethod(absl::string_view name);

}  // namespace warden
