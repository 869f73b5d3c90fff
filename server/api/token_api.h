#pragma once

#include "domain/identity.h"
#include "server/api/reply.h"
#include "server/tokens/token_authority.h"
#include "warden/v1/token.pb.h"

namespace warden {

// warden.v1.TokenService without a transport: the caller the gate admitted and the request
// in, the response filled and a status out. Every transport (gRPC, HTTP) calls these, so
// that they validate, allow and record the same. The use cases (TokenAuthority) decide;
// this only converts. `request` is read only before a method returns; `response` must live
// until `done` runs. Thread-safe.
class TokenApi final {
 public:
  explicit TokenApi(TokenAuthority& tokens) : tokens_(tokens) {}

  void GenerateToken(const Identity& caller, const v1::GenerateTokenRequest& request,
                     v1::GenerateTokenResponse* response, ApiDone done);
  void GetToken(const Identity& caller, const v1::GetTokenRequest& request,
                v1::GetTokenResponse* response, ApiDone done);
  void ListTokens(const Identity& caller, const v1::ListTokensRequest& request,
                  v1::ListTokensResponse* response, ApiDone done);
  void RevokeToken(const Identity& caller, const v1::RevokeTokenRequest& request,
                   v1::RevokeTokenResponse* response, ApiDone done);
  void RotateToken(const Identity& caller, const v1::RotateTokenRequest& request,
                   v1::RotateTokenResponse* response, ApiDone done);
  void ListAllowedTokenRoles(const Identity& caller,
                             const v1::ListAllowedTokenRolesRequest& request,
                             v1::ListAllowedTokenRolesResponse* response, ApiDone done);
  void ListExpiringTokens(const Identity& caller, const v1::ListExpiringTokensRequest& request,
                          v1::ListExpiringTokensResponse* response, ApiDone done);

 private:
  TokenAuthority& tokens_;
};

}  // namespace warden
