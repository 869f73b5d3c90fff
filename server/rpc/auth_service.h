#pragma once

#include "server/rpc/call_gate.h"
#include "warden/v1/auth.grpc.pb.h"

namespace warden {

// warden.v1.AuthService over the callback API. Both methods are CPU-only (validation from
// memory) and finish inline.
class AuthServiceImpl final : public v1::AuthService::CallbackService {
 public:
  explicit AuthServiceImpl(const CallGate& gate);

  grpc::ServerUnaryReactor* GetAuthStatus(grpc::CallbackServerContext* context,
                                          const v1::GetAuthStatusRequest* request,
                                          v1::GetAuthStatusResponse* response) override;
  grpc::ServerUnaryReactor* ValidateToken(grpc::CallbackServerContext* context,
                                          const v1::ValidateTokenRequest* request,
                                          v1::ValidateTokenResponse* response) override;

 private:
  void FillIdentity(const Identity& identity, v1::Identity* out) const;

  const CallGate& gate_;
};

}  // namespace warden
