#pragma once

#include "server/api/call_gate.h"
#include "server/api/token_api.h"
#include "warden/v1/token.grpc.pb.h"

namespace warden {

// warden.v1.TokenService over gRPC's callback API: each call is admitted by the gate and
// answered by TokenApi, which the HTTP transport calls too. Database work finishes the
// reactor from a storage thread; gRPC's threads never block.
class TokenServiceImpl final : public v1::TokenService::CallbackService {
 public:
  TokenServiceImpl(const CallGate& gate, TokenApi& api);

  grpc::ServerUnaryReactor* GenerateToken(grpc::CallbackServerContext* context,
                                          const v1::GenerateTokenRequest* request,
                                          v1::GenerateTokenResponse* response) override;
  grpc::ServerUnaryReactor* GetToken(grpc::CallbackServerContext* context,
                                     const v1::GetTokenRequest* request,
                                     v1::GetTokenResponse* response) override;
  grpc::ServerUnaryReactor* ListTokens(grpc::CallbackServerContext* context,
                                       const v1::ListTokensRequest* request,
                                       v1::ListTokensResponse* response) override;
  grpc::ServerUnaryReactor* RevokeToken(grpc::CallbackServerContext* context,
                                        const v1::RevokeTokenRequest* request,
                                        v1::RevokeTokenResponse* response) override;
  grpc::ServerUnaryReactor* RotateToken(grpc::CallbackServerContext* context,
                                        const v1::RotateTokenRequest* request,
                                        v1::RotateTokenResponse* response) override;
  grpc::ServerUnaryReactor* ListAllowedTokenRoles(
      grpc::CallbackServerContext* context, const v1::ListAllowedTokenRolesRequest* request,
      v1::ListAllowedTokenRolesResponse* response) override;
  grpc::ServerUnaryReactor* ListExpiringTokens(grpc::CallbackServerContext* context,
                                               const v1::ListExpiringTokensRequest* request,
                                               v1::ListExpiringTokensResponse* response) override;

 private:
  const CallGate& gate_;
  TokenApi& api_;
};

}  // namespace warden
