#pragma once

#include "domain/identity.h"
#include "server/api/reply.h"
#include "server/m2m/m2m_authority.h"
#include "server/tokens/token_authority.h"
#include "validation/role_view.h"
#include "validation/token_validator.h"
#include "warden/v1/auth.pb.h"

namespace warden {

// The unary methods of warden.v1.AuthService without a transport: who the caller is, checks
// of a presented token, the public keys, and the M2M configurations and exchange. The
// caller the gate admitted and the request in, the response filled and a status out; M2M
// decisions are M2mAuthority's (with its audit records). WatchRevocations streams and stays
// with each transport. `request` is read only before a method returns; `response` must
// live until `done` runs. Thread-safe; referenced objects must outlive it.
class AuthApi final {
 public:
  AuthApi(const TokenValidator& tokens, const RoleView& roles, M2mAuthority& m2m,
          TokenAuthority& token_authority)
      : tokens_(tokens), roles_(roles), m2m_(m2m), token_authority_(token_authority) {}

  void GetAuthStatus(const Identity& caller, const v1::GetAuthStatusRequest& request,
                     v1::GetAuthStatusResponse* response, ApiDone done);
  // Checks the token in the request (not the caller's): its identity and effective
  // permissions, or the reason it is not valid.
  void ValidateToken(const Identity& caller, const v1::ValidateTokenRequest& request,
                     v1::ValidateTokenResponse* response, ApiDone done);

  void ListAuthMachineToMachineConfigs(const Identity& caller,
                                       const v1::ListAuthMachineToMachineConfigsRequest& request,
                                       v1::ListAuthMachineToMachineConfigsResponse* response,
                                       ApiDone done);
  void GetAuthMachineToMachineConfig(const Identity& caller,
                                     const v1::GetAuthMachineToMachineConfigRequest& request,
                                     v1::GetAuthMachineToMachineConfigResponse* response,
                                     ApiDone done);
  void AddAuthMachineToMachineConfig(const Identity& caller,
                                     const v1::AddAuthMachineToMachineConfigRequest& request,
                                     v1::AddAuthMachineToMachineConfigResponse* response,
                                     ApiDone done);
  void UpdateAuthMachineToMachineConfig(const Identity& caller,
                                        const v1::UpdateAuthMachineToMachineConfigRequest& request,
                                        v1::UpdateAuthMachineToMachineConfigResponse* response,
                                        ApiDone done);
  void DeleteAuthMachineToMachineConfig(const Identity& caller,
                                        const v1::DeleteAuthMachineToMachineConfigRequest& request,
                                        v1::DeleteAuthMachineToMachineConfigResponse* response,
                                        ApiDone done);

  // Revokes the Warden token the caller presented (whatever its roles: ending one's own
  // credential needs no permission); FAILED_PRECONDITION for other credentials.
  void SignOut(const Identity& caller, const v1::SignOutRequest& request,
               v1::SignOutResponse* response, ApiDone done);

  // The methods that take no credentials (MethodInfo::anonymous): the transport checks only
  // that the server is ready (CallGate::CheckReady). The public keys are public; the
  // exchange's ID token is its credential, and failures spend no budget because an ID
  // token cannot be guessed.
  void GetPublicKeys(const v1::GetPublicKeysRequest& request, v1::GetPublicKeysResponse* response,
                     ApiDone done);
  void ExchangeAuthMachineToMachineToken(
      const v1::ExchangeAuthMachineToMachineTokenRequest& request,
      v1::ExchangeAuthMachineToMachineTokenResponse* response, ApiDone done);

 private:
  // The identity as the API shows it: with the permissions its roles grant now.
  void FillIdentity(const Identity& identity, v1::Identity* out) const;

  const TokenValidator& tokens_;
  const RoleView& roles_;
  M2mAuthority& m2m_;
  TokenAuthority& token_authority_;
};

}  // namespace warden
