#include "server/rpc/auth_service.h"

#include "server/rpc/convert.h"
#include "server/rpc/m2m_convert.h"
#include "server/rpc/reactor.h"

namespace warden {

AuthServiceImpl::AuthServiceImpl(const CallGate& gate, M2mAuthority& m2m)
    : gate_(gate), m2m_(m2m) {}

void AuthServiceImpl::FillIdentity(const Identity& identity, v1::Identity* out) const {
  ToProto(identity, gate_.roles().Snapshot()->ResolvePermissions(identity.roles), out);
}

grpc::ServerUnaryReactor* AuthServiceImpl::GetAuthStatus(grpc::CallbackServerContext* context,
                                                         const v1::GetAuthStatusRequest* request,
                                                         v1::GetAuthStatusResponse* response) {
  absl::StatusOr<Identity> caller = gate_.Admit(*context, "AuthService.GetAuthStatus");
  if (!caller.ok()) return FinishNow(context, caller.status());
  FillIdentity(*caller, response->mutable_identity());
  return FinishNow(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* AuthServiceImpl::ValidateToken(grpc::CallbackServerContext* context,
                                                         const v1::ValidateTokenRequest* request,
                                                         v1::ValidateTokenResponse* response) {
  absl::StatusOr<Identity> caller = gate_.Admit(*context, "AuthService.ValidateToken");
  if (!caller.ok()) return FinishNow(context, caller.status());
  if (request->token().empty()) {
    return FinishNow(context, absl::InvalidArgumentError("token must not be empty"));
  }
  absl::StatusOr<Identity> presented =
      gate_.authenticator().tokens().Validate(request->token());
  if (!presented.ok()) return FinishNow(context, presented.status());
  FillIdentity(*presented, response->mutable_identity());
  return FinishNow(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* AuthServiceImpl::ListAuthMachineToMachineConfigs(
    grpc::CallbackServerContext* context, const v1::ListAuthMachineToMachineConfigsRequest* request,
    v1::ListAuthMachineToMachineConfigsResponse* response) {
  absl::StatusOr<Identity> caller = gate_.Admit(*context, "AuthService.ListAuthMachineToMachineConfigs");
  if (!caller.ok()) return FinishNow(context, caller.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  m2m_.List(FinishWith<std::vector<M2mConfig>>(reactor, [response](std::vector<M2mConfig>& all) {
    for (const M2mConfig& config : all) ToProto(config, response->add_configs());
  }));
  return reactor;
}

grpc::ServerUnaryReactor* AuthServiceImpl::GetAuthMachineToMachineConfig(
    grpc::CallbackServerContext* context, const v1::GetAuthMachineToMachineConfigRequest* request,
    v1::GetAuthMachineToMachineConfigResponse* response) {
  absl::StatusOr<Identity> caller = gate_.Admit(*context, "AuthService.GetAuthMachineToMachineConfig");
  if (!caller.ok()) return FinishNow(context, caller.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  m2m_.Get(request->id(), FinishWith<M2mConfig>(reactor, [response](M2mConfig& config) {
             ToProto(config, response->mutable_config());
           }));
  return reactor;
}

grpc::ServerUnaryReactor* AuthServiceImpl::AddAuthMachineToMachineConfig(
    grpc::CallbackServerContext* context, const v1::AddAuthMachineToMachineConfigRequest* request,
    v1::AddAuthMachineToMachineConfigResponse* response) {
  absl::StatusOr<Identity> caller = gate_.Admit(*context, "AuthService.AddAuthMachineToMachineConfig");
  if (!caller.ok()) return FinishNow(context, caller.status());
  absl::StatusOr<M2mConfig> config = FromProto(request->config());
  if (!config.ok()) return FinishNow(context, config.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  m2m_.Add(std::move(*config), FinishWith<M2mConfig>(reactor, [response](M2mConfig& stored) {
             ToProto(stored, response->mutable_config());
           }));
  return reactor;
}

grpc::ServerUnaryReactor* AuthServiceImpl::UpdateAuthMachineToMachineConfig(
    grpc::CallbackServerContext* context,
    const v1::UpdateAuthMachineToMachineConfigRequest* request,
    v1::UpdateAuthMachineToMachineConfigResponse* response) {
  absl::StatusOr<Identity> caller =
      gate_.Admit(*context, "AuthService.UpdateAuthMachineToMachineConfig");
  if (!caller.ok()) return FinishNow(context, caller.status());
  absl::StatusOr<M2mConfig> config = FromProto(request->config());
  if (!config.ok()) return FinishNow(context, config.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  m2m_.Update(std::move(*config), FinishWith<M2mConfig>(reactor, [response](M2mConfig& stored) {
                ToProto(stored, response->mutable_config());
              }));
  return reactor;
}

grpc::ServerUnaryReactor* AuthServiceImpl::DeleteAuthMachineToMachineConfig(
    grpc::CallbackServerContext* context,
    const v1::DeleteAuthMachineToMachineConfigRequest* request,
    v1::DeleteAuthMachineToMachineConfigResponse* response) {
  absl::StatusOr<Identity> caller =
      gate_.Admit(*context, "AuthService.DeleteAuthMachineToMachineConfig");
  if (!caller.ok()) return FinishNow(context, caller.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  m2m_.Delete(request->id(),
              [reactor](absl::Status status) { reactor->Finish(ToGrpcStatus(status)); });
  return reactor;
}

grpc::ServerUnaryReactor* AuthServiceImpl::ExchangeAuthMachineToMachineToken(
    grpc::CallbackServerContext* context,
    const v1::ExchangeAuthMachineToMachineTokenRequest* request,
    v1::ExchangeAuthMachineToMachineTokenResponse* response) {
  // The ID token is the credential: no authorization header is needed.
  if (absl::Status up = gate_.CheckReady(); !up.ok()) return FinishNow(context, up);
  if (request->id_token().empty()) {
    return FinishNow(context, absl::InvalidArgumentError("id_token must not be empty"));
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  m2m_.Exchange(request->id_token(),
                FinishWith<ExchangedToken>(reactor, [response](ExchangedToken& exchanged) {
                  response->set_access_token(std::move(exchanged.token));
                  ToProto(exchanged.expires_at, response->mutable_expiration());
                }));
  return reactor;
}

}  // namespace warden
