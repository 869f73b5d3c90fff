#pragma once

#include <functional>

#include "domain/identity.h"
#include "server/api/reply.h"
#include "server/signin/auth_provider_authority.h"
#include "server/signin/sign_in_authority.h"
#include "validation/role_view.h"
#include "warden/v1/auth_provider.pb.h"

namespace warden {

// The unary methods of warden.v1.AuthProviderService without a transport: the providers
// (AuthProviderAuthority decides, and audits) and signing in through them
// (SignInAuthority). The sign-in methods take no credentials (MethodInfo::anonymous): the
// transport checks only that the server is ready. `request` is read only before a method
// returns; `response` must live until `done` runs. Thread-safe; referenced objects must
// outlive it.
class AuthProviderApi final {
 public:
  // `admin_password` says whether the admin password is accepted now.
  AuthProviderApi(AuthProviderAuthority& providers, SignInAuthority& sign_in, const RoleView& roles,
                  std::function<bool()> admin_password)
      : providers_(providers),
        sign_in_(sign_in),
        roles_(roles),
        admin_password_(std::move(admin_password)) {}

  void ListAuthProviders(const Identity& caller, const v1::ListAuthProvidersRequest& request,
                         v1::ListAuthProvidersResponse* response, ApiDone done);
  void GetAuthProvider(const Identity& caller, const v1::GetAuthProviderRequest& request,
                       v1::GetAuthProviderResponse* response, ApiDone done);
  void AddAuthProvider(const Identity& caller, const v1::AddAuthProviderRequest& request,
                       v1::AddAuthProviderResponse* response, ApiDone done);
  void UpdateAuthProvider(const Identity& caller, const v1::UpdateAuthProviderRequest& request,
                          v1::UpdateAuthProviderResponse* response, ApiDone done);
  void DeleteAuthProvider(const Identity& caller, const v1::DeleteAuthProviderRequest& request,
                          v1::DeleteAuthProviderResponse* response, ApiDone done);

  void GetSignInOptions(const v1::GetSignInOptionsRequest& request,
                        v1::GetSignInOptionsResponse* response, ApiDone done);
  void StartSignIn(const v1::StartSignInRequest& request, v1::StartSignInResponse* response,
                   ApiDone done);
  void CompleteSignIn(const v1::CompleteSignInRequest& request,
                      v1::CompleteSignInResponse* response, ApiDone done);
  void StartDeviceSignIn(const v1::StartDeviceSignInRequest& request,
                         v1::StartDeviceSignInResponse* response, ApiDone done);
  void CompleteDeviceSignIn(const v1::CompleteDeviceSignInRequest& request,
                            v1::CompleteDeviceSignInResponse* response, ApiDone done);

 private:
  void FillSession(const SignedInSession& session, v1::SignInSession* out) const;

  AuthProviderAuthority& providers_;
  SignInAuthority& sign_in_;
  const RoleView& roles_;
  const std::function<bool()> admin_password_;
};

}  // namespace warden
