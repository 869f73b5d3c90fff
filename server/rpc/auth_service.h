#pragma once

#include "server/audit/audit_log.h"
#include "server/m2m/m2m_authority.h"
#include "server/rpc/call_gate.h"
#include "server/rpc/watch_reactor.h"
#include "warden/v1/auth.grpc.pb.h"

namespace warden {

// warden.v1.AuthService over the callback API. GetAuthStatus, ValidateToken and
// GetPublicKeys are CPU-only (from memory) and finish inline; WatchRevocations streams from
// the watch hub (WatchReactor); the M2M methods finish from M2mAuthority's threads (key
// fetching) or storage threads.
class AuthServiceImpl final : public v1::AuthService::CallbackService {
 public:
  AuthServiceImpl(const CallGate& gate, M2mAuthority& m2m, WatchSources watch, AuditLog& audit);

  grpc::ServerUnaryReactor* GetAuthStatus(grpc::CallbackServerContext* context,
                                          const v1::GetAuthStatusRequest* request,
                                          v1::GetAuthStatusResponse* response) override;
  grpc::ServerUnaryReactor* ValidateToken(grpc::CallbackServerContext* context,
                                          const v1::ValidateTokenRequest* request,
                                          v1::ValidateTokenResponse* response) override;
  grpc::ServerUnaryReactor* GetPublicKeys(grpc::CallbackServerContext* context,
                                          const v1::GetPublicKeysRequest* request,
                                          v1::GetPublicKeysResponse* response) override;
  grpc::ServerWriteReactor<v1::WatchRevocationsResponse>* WatchRevocations(
      grpc::CallbackServerContext* context, const v1::WatchRevocationsRequest* request) override;

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

 private:
  void FillIdentity(const Identity& identity, v1::Identity* out) const;

  const CallGate& gate_;
  M2mAuthority& m2m_;
  const WatchSources watch_;
  AuditLog& audit_;
};

}  // namespace warden
