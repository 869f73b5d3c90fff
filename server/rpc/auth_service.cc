#include "server/rpc/auth_service.h"

#include "server/rpc/reactor.h"

namespace warden {

AuthServiceImpl::AuthServiceImpl(const CallGate& gate, AuthApi& api, WatchSources watch)
    : gate_(gate), api_(api), watch_(watch) {
  SetMessageAllocatorFor_ValidateToken(&validate_messages_);
}

grpc::ServerUnaryReactor* AuthServiceImpl::GetAuthStatus(grpc::CallbackServerContext* context,
                                                         const v1::GetAuthStatusRequest* request,
                                                         v1::GetAuthStatusResponse* response) {
  return Serve(gate_, context, Method::kGetAuthStatus, api_, &AuthApi::GetAuthStatus, request,
               response);
}

grpc::ServerUnaryReactor* AuthServiceImpl::ValidateToken(grpc::CallbackServerContext* context,
                                                         const v1::ValidateTokenRequest* request,
                                                         v1::ValidateTokenResponse* response) {
  return Serve(gate_, context, Method::kValidateToken, api_, &AuthApi::ValidateToken, request,
               response);
}

grpc::ServerUnaryReactor* AuthServiceImpl::GetPublicKeys(grpc::CallbackServerContext* context,
                                                         const v1::GetPublicKeysRequest* request,
                                                         v1::GetPublicKeysResponse* response) {
  return ServeAnonymous(gate_, context, api_, &AuthApi::GetPublicKeys, request, response);
}

grpc::ServerUnaryReactor* AuthServiceImpl::ListAuthMachineToMachineConfigs(
    grpc::CallbackServerContext* context, const v1::ListAuthMachineToMachineConfigsRequest* request,
    v1::ListAuthMachineToMachineConfigsResponse* response) {
  return Serve(gate_, context, Method::kListM2mConfigs, api_,
               &AuthApi::ListAuthMachineToMachineConfigs, request, response);
}

grpc::ServerUnaryReactor* AuthServiceImpl::GetAuthMachineToMachineConfig(
    grpc::CallbackServerContext* context, const v1::GetAuthMachineToMachineConfigRequest* request,
    v1::GetAuthMachineToMachineConfigResponse* response) {
  return Serve(gate_, context, Method::kGetM2mConfig, api_, &AuthApi::GetAuthMachineToMachineConfig,
               request, response);
}

grpc::ServerUnaryReactor* AuthServiceImpl::AddAuthMachineToMachineConfig(
    grpc::CallbackServerContext* context, const v1::AddAuthMachineToMachineConfigRequest* request,
    v1::AddAuthMachineToMachineConfigResponse* response) {
  return Serve(gate_, context, Method::kAddM2mConfig, api_, &AuthApi::AddAuthMachineToMachineConfig,
               request, response);
}

grpc::ServerUnaryReactor* AuthServiceImpl::UpdateAuthMachineToMachineConfig(
    grpc::CallbackServerContext* context,
    const v1::UpdateAuthMachineToMachineConfigRequest* request,
    v1::UpdateAuthMachineToMachineConfigResponse* response) {
  return Serve(gate_, context, Method::kUpdateM2mConfig, api_,
               &AuthApi::UpdateAuthMachineToMachineConfig, request, response);
}

grpc::ServerUnaryReactor* AuthServiceImpl::DeleteAuthMachineToMachineConfig(
    grpc::CallbackServerContext* context,
    const v1::DeleteAuthMachineToMachineConfigRequest* request,
    v1::DeleteAuthMachineToMachineConfigResponse* response) {
  return Serve(gate_, context, Method::kDeleteM2mConfig, api_,
               &AuthApi::DeleteAuthMachineToMachineConfig, request, response);
}

grpc::ServerUnaryReactor* AuthServiceImpl::ExchangeAuthMachineToMachineToken(
    grpc::CallbackServerContext* context,
    const v1::ExchangeAuthMachineToMachineTokenRequest* request,
    v1::ExchangeAuthMachineToMachineTokenResponse* response) {
  return ServeAnonymous(gate_, context, api_, &AuthApi::ExchangeAuthMachineToMachineToken, request,
                        response);
}

grpc::ServerUnaryReactor* AuthServiceImpl::SignOut(grpc::CallbackServerContext* context,
                                                   const v1::SignOutRequest* request,
                                                   v1::SignOutResponse* response) {
  return Serve(gate_, context, Method::kSignOut, api_, &AuthApi::SignOut, request, response);
}

grpc::ServerWriteReactor<v1::WatchRevocationsResponse>* AuthServiceImpl::WatchRevocations(
    grpc::CallbackServerContext* context, const v1::WatchRevocationsRequest* request) {
  // A stream is set up inline: a third-party ID token must be exchanged before it can watch.
  absl::StatusOr<Identity> caller =
      gate_.AdmitInline(CredentialsOf(*context), Method::kWatchRevocations);
  if (!caller.ok()) return RefuseStream<v1::WatchRevocationsResponse>(caller.status());
  return new WatchReactor(watch_, request->cursor(), *caller);
}

}  // namespace warden
