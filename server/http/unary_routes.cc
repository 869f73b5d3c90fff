#include "server/http/unary_routes.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace warden::http {
namespace {

template <typename Api, typename Request, typename Response>
UnaryRoute Route(Method method, Api& api,
                 void (Api::*handler)(const Identity&, const Request&, Response*, ApiDone)) {
  return UnaryRoute{
      method, ConnectPath(method), &Request::default_instance(), &Response::default_instance(),
      [&api, handler](const Identity* caller, const google::protobuf::Message& request,
                      google::protobuf::Message* response, ApiDone done) {
        (api.*handler)(*caller, static_cast<const Request&>(request),
                       static_cast<Response*>(response), std::move(done));
      }};
}

template <typename Api, typename Request, typename Response>
UnaryRoute AnonymousRoute(Method method, Api& api,
                          void (Api::*handler)(const Request&, Response*, ApiDone)) {
  return UnaryRoute{method, ConnectPath(method), &Request::default_instance(),
                    &Response::default_instance(),
                    [&api, handler](const Identity*, const google::protobuf::Message& request,
                                    google::protobuf::Message* response, ApiDone done) {
                      (api.*handler)(static_cast<const Request&>(request),
                                     static_cast<Response*>(response), std::move(done));
                    }};
}

}  // namespace

std::string ConnectPath(Method method) {
  return absl::StrCat("/warden.v1.", absl::StrReplaceAll(Describe(method).name, {{".", "/"}}));
}

std::vector<UnaryRoute> UnaryRoutes(TokenApi& tokens, RoleApi& roles, AuthApi& auth,
                                    AuthProviderApi& providers) {
  return {
      Route(Method::kGenerateToken, tokens, &TokenApi::GenerateToken),
      Route(Method::kGetToken, tokens, &TokenApi::GetToken),
      Route(Method::kListTokens, tokens, &TokenApi::ListTokens),
      Route(Method::kRevokeToken, tokens, &TokenApi::RevokeToken),
      Route(Method::kRotateToken, tokens, &TokenApi::RotateToken),
      Route(Method::kListAllowedTokenRoles, tokens, &TokenApi::ListAllowedTokenRoles),
      Route(Method::kListExpiringTokens, tokens, &TokenApi::ListExpiringTokens),
      Route(Method::kListResources, roles, &RoleApi::ListResources),
      Route(Method::kListPermissionSets, roles, &RoleApi::ListPermissionSets),
      Route(Method::kGetPermissionSet, roles, &RoleApi::GetPermissionSet),
      Route(Method::kCreatePermissionSet, roles, &RoleApi::CreatePermissionSet),
      Route(Method::kUpdatePermissionSet, roles, &RoleApi::UpdatePermissionSet),
      Route(Method::kDeletePermissionSet, roles, &RoleApi::DeletePermissionSet),
      Route(Method::kListAccessScopes, roles, &RoleApi::ListAccessScopes),
      Route(Method::kGetAccessScope, roles, &RoleApi::GetAccessScope),
      Route(Method::kCreateAccessScope, roles, &RoleApi::CreateAccessScope),
      Route(Method::kUpdateAccessScope, roles, &RoleApi::UpdateAccessScope),
      Route(Method::kDeleteAccessScope, roles, &RoleApi::DeleteAccessScope),
      Route(Method::kListRoles, roles, &RoleApi::ListRoles),
      Route(Method::kGetRole, roles, &RoleApi::GetRole),
      Route(Method::kCreateRole, roles, &RoleApi::CreateRole),
      Route(Method::kUpdateRole, roles, &RoleApi::UpdateRole),
      Route(Method::kDeleteRole, roles, &RoleApi::DeleteRole),
      Route(Method::kGetAuthStatus, auth, &AuthApi::GetAuthStatus),
      Route(Method::kValidateToken, auth, &AuthApi::ValidateToken),
      AnonymousRoute(Method::kGetPublicKeys, auth, &AuthApi::GetPublicKeys),
      Route(Method::kListM2mConfigs, auth, &AuthApi::ListAuthMachineToMachineConfigs),
      Route(Method::kGetM2mConfig, auth, &AuthApi::GetAuthMachineToMachineConfig),
      Route(Method::kAddM2mConfig, auth, &AuthApi::AddAuthMachineToMachineConfig),
      Route(Method::kUpdateM2mConfig, auth, &AuthApi::UpdateAuthMachineToMachineConfig),
      Route(Method::kDeleteM2mConfig, auth, &AuthApi::DeleteAuthMachineToMachineConfig),
      AnonymousRoute(Method::kExchangeM2mToken, auth, &AuthApi::ExchangeAuthMachineToMachineToken),
      Route(Method::kSignOut, auth, &AuthApi::SignOut),
      Route(Method::kListAuthProviders, providers, &AuthProviderApi::ListAuthProviders),
      Route(Method::kGetAuthProvider, providers, &AuthProviderApi::GetAuthProvider),
      Route(Method::kAddAuthProvider, providers, &AuthProviderApi::AddAuthProvider),
      Route(Method::kUpdateAuthProvider, providers, &AuthProviderApi::UpdateAuthProvider),
      Route(Method::kDeleteAuthProvider, providers, &AuthProviderApi::DeleteAuthProvider),
      AnonymousRoute(Method::kGetSignInOptions, providers, &AuthProviderApi::GetSignInOptions),
      AnonymousRoute(Method::kStartSignIn, providers, &AuthProviderApi::StartSignIn),
      AnonymousRoute(Method::kCompleteSignIn, providers, &AuthProviderApi::CompleteSignIn),
      AnonymousRoute(Method::kStartDeviceSignIn, providers, &AuthProviderApi::StartDeviceSignIn),
      AnonymousRoute(Method::kCompleteDeviceSignIn, providers,
                     &AuthProviderApi::CompleteDeviceSignIn),
  };
}

}  // namespace warden::http
