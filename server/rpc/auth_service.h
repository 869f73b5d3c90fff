#pragma once

#include "server/api/auth_api.h"
#include "server/api/call_gate.h"
#include "server/rpc/arena_allocator.h"
#include "server/rpc/watch_reactor.h"
#include "warden/v1/auth.grpc.pb.h"

namespace warden {

// warden.v1.AuthService over gRPC's callback API. Unary calls are admitted by the gate (the
// public keys and the M2M exchange need no credentials) and answered by AuthApi, which the
// HTTP transport calls too; WatchRevocations streams from the watch hub (WatchReactor).
class AuthServiceImpl final : public v1::AuthService::CallbackService {
 public:
  AuthServiceImpl(const CallGate& gate, AuthApi& api, WatchSources watch);

  grpc::ServerUnaryReactor* GetAuthStatus(grpc::CallbackServerContext* context,
                                          const v1::GetAuthStatusRequest* request,
                                          v1::GetAuthStatusResponse* response) override;
  grpc::ServerUnaryReactor* ValidateToken(grpc::CallbackServerContext* context,
                                          const v1::ValidateTokenRequest* request,
                                          v1::ValidateTokenResponse* response) override;
  grpc::ServerUnaryReactor* GetPublicKeys(grpc::CallbackServerContext* context,
                                          const v1::GetPublicKeysRequest* request,
                                          v1::GetPublicKeysResponse* response) override;
  grpc::ServerUnaryReactor* ListAuthMachineToMachineConfigs(
      grpc::CallbackServerContext* context,
      const v1::ListAuthMachineToMachineConfigsRequest* request,
      v1::ListAuthMachineToMachineConfigsResponse* response) override;
  grpc::ServerUnaryReactor* GetAuthMachineToMachineConfig(
      grpc::CallbackServerContext* context, const v1::GetAuthMachineToMachineConfigRequest* request,
      v1::GetAuthMachineToMachineConfigResponse* response) override;
  grpc::ServerUnaryReactor* AddAuthMachineToMachineConfig(
      grpc::CallbackServerContext* context, const v1::AddAuthMachineToMachineConfigRequest* request,
      v1::AddAuthMachineToMachineConfigResponse* response) override;
  grpc::ServerUnaryReactor* UpdateAuthMachineToMachineConfig(
      grpc::CallbackServerContext* context,
      const v1::UpdateAuthMachineToMachineConfigRequest* request,
      v1::UpdateAuthMachineToMachineConfigResponse* response) override;
  grpc::ServerUnaryReactor* DeleteAuthMachineToMachineConfig(
      grpc::CallbackServerContext* context,
      const v1::DeleteAuthMachineToMachineConfigRequest* request,
      v1::DeleteAuthMachineToMachineConfigResponse* response) override;
  grpc::ServerUnaryReactor* ExchangeAuthMachineToMachineToken(
      grpc::CallbackServerContext* context,
      const v1::ExchangeAuthMachineToMachineTokenRequest* request,
      v1::ExchangeAuthMachineToMachineTokenResponse* response) override;
  grpc::ServerUnaryReactor* SignOut(grpc::CallbackServerContext* context,
                                    const v1::SignOutRequest* request,
                                    v1::SignOutResponse* response) override;
  grpc::ServerWriteReactor<v1::WatchRevocationsResponse>* WatchRevocations(
      grpc::CallbackServerContext* context, const v1::WatchRevocationsRequest* request) override;

 private:
  const CallGate& gate_;
  AuthApi& api_;
  const WatchSources watch_;
  // ValidateToken is the hot path: its answer (an identity and its permissions) in an arena.
  ArenaMessageAllocator<v1::ValidateTokenRequest, v1::ValidateTokenResponse> validate_messages_;
};

}  // namespace warden
