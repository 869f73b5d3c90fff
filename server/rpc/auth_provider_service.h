#pragma once

#include "server/api/auth_provider_api.h"
#include "server/api/call_gate.h"
#include "warden/v1/auth_provider.grpc.pb.h"

namespace warden {

// warden.v1.AuthProviderService over gRPC's callback API: calls admitted by the gate (the
// sign-in methods need no credentials) and answered by AuthProviderApi, which the HTTP
// transport calls too.
class AuthProviderServiceImpl final : public v1::AuthProviderService::CallbackService {
 public:
  AuthProviderServiceImpl(const CallGate& gate, AuthProviderApi& api) : gate_(gate), api_(api) {}

  grpc::ServerUnaryReactor* ListAuthProviders(grpc::CallbackServerContext* context,
                                              const v1::ListAuthProvidersRequest* request,
                                              v1::ListAuthProvidersResponse* response) override;
  grpc::ServerUnaryReactor* GetAuthProvider(grpc::CallbackServerContext* context,
                                            const v1::GetAuthProviderRequest* request,
                                            v1::GetAuthProviderResponse* response) override;
  grpc::ServerUnaryReactor* AddAuthProvider(grpc::CallbackServerContext* context,
                                            const v1::AddAuthProviderRequest* request,
                                            v1::AddAuthProviderResponse* response) override;
  grpc::ServerUnaryReactor* UpdateAuthProvider(grpc::CallbackServerContext* context,
                                               const v1::UpdateAuthProviderRequest* request,
                                               v1::UpdateAuthProviderResponse* response) override;
  grpc::ServerUnaryReactor* DeleteAuthProvider(grpc::CallbackServerContext* context,
                                               const v1::DeleteAuthProviderRequest* request,
                                               v1::DeleteAuthProviderResponse* response) override;
  grpc::ServerUnaryReactor* GetSignInOptions(grpc::CallbackServerContext* context,
                                             const v1::GetSignInOptionsRequest* request,
                                             v1::GetSignInOptionsResponse* response) override;
  grpc::ServerUnaryReactor* StartSignIn(grpc::CallbackServerContext* context,
                                        const v1::StartSignInRequest* request,
                                        v1::StartSignInResponse* response) override;
  grpc::ServerUnaryReactor* CompleteSignIn(grpc::CallbackServerContext* context,
                                           const v1::CompleteSignInRequest* request,
                                           v1::CompleteSignInResponse* response) override;
  grpc::ServerUnaryReactor* StartDeviceSignIn(grpc::CallbackServerContext* context,
                                              const v1::StartDeviceSignInRequest* request,
                                              v1::StartDeviceSignInResponse* response) override;
  grpc::ServerUnaryReactor* CompleteDeviceSignIn(
      grpc::CallbackServerContext* context, const v1::CompleteDeviceSignInRequest* request,
      v1::CompleteDeviceSignInResponse* response) override;

 private:
  const CallGate& gate_;
  AuthProviderApi& api_;
};

}  // namespace warden
