#include "server/rpc/auth_service.h"

#include "absl/strings/str_cat.h"
#include "server/rpc/convert.h"
#include "server/rpc/m2m_convert.h"
#include "server/rpc/public_keys.h"
#include "server/rpc/reactor.h"

namespace warden {

AuthServiceImpl::AuthServiceImpl(const CallGate& gate, M2mAuthority& m2m, WatchSources watch,
                                 AuditLog& audit)
    : gate_(gate), m2m_(m2m), watch_(watch), audit_(audit) {}

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

grpc::ServerUnaryReactor* AuthServiceImpl::GetPublicKeys(grpc::CallbackServerContext* context,
                                                         const v1::GetPublicKeysRequest* request,
                                                         v1::GetPublicKeysResponse* response) {
  // Public keys are public: no credentials needed.
  if (absl::Status up = gate_.CheckReady(); !up.ok()) return FinishNow(context, up);
  FillPublicKeys(gate_.authenticator().tokens(), response);
  return FinishNow(context, absl::OkStatus());
}

grpc::ServerWriteReactor<v1::WatchRevocationsResponse>* AuthServiceImpl::WatchRevocations(
    grpc::CallbackServerContext* context, const v1::WatchRevocationsRequest* request) {
  absl::StatusOr<Identity> caller = gate_.Admit(*context, "AuthService.WatchRevocations");
  if (!caller.ok()) return RefuseStream<v1::WatchRevocationsResponse>(caller.status());
  return new WatchReactor(watch_, request->cursor(), *caller);
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
  m2m_.Add(std::move(*config), FinishWith<M2mConfig>(reactor, [this, response, actor = caller->Principal()](
                                                   M2mConfig& stored) {
             audit_.Record("m2m_config.add", actor, stored.id, {{"issuer", stored.issuer}});
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
  m2m_.Update(std::move(*config), FinishWith<M2mConfig>(reactor, [this, response, actor = caller->Principal()](
                                                      M2mConfig& stored) {
                audit_.Record("m2m_config.update", actor, stored.id, {{"issuer", stored.issuer}});
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
  m2m_.Delete(request->id(), [this, reactor, actor = caller->Principal(),
                              id = request->id()](absl::Status status) {
    if (status.ok()) audit_.Record("m2m_config.delete", actor, id);
    reactor->Finish(ToGrpcStatus(status));
  });
  return reactor;
}

grpc::ServerUnaryReactor* AuthServiceImpl::ExchangeAuthMachineToMachineToken(
    grpc::CallbackServerContext* context,
    const v1::ExchangeAuthMachineToMachineTokenRequest* request,
    v1::ExchangeAuthMachineToMachineTokenResponse* response) {
  // The ID token is the credential: no authorization header is needed.
  if (absl::Status up = gate_.AdmitAnonymous(*context); !up.ok()) return FinishNow(context, up);
  if (request->id_token().empty()) {
    return FinishNow(context, absl::InvalidArgumentError("id_token must not be empty"));
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto finish = FinishWith<ExchangedToken>(reactor, [this, response](ExchangedToken& exchanged) {
    audit_.Record("token.exchange", absl::StrCat("m2m:", exchanged.subject), exchanged.token_id,
                  {{"m2m_config_id", exchanged.config_id},
                   {"roles", exchanged.roles},
                   {"expiration", absl::FormatTime(absl::RFC3339_sec, exchanged.expires_at,
                                                   absl::UTCTimeZone())}});
    response->set_access_token(std::move(exchanged.token));
    ToProto(exchanged.expires_at, response->mutable_expiration());
  });
  m2m_.Exchange(request->id_token(),
                [this, finish = std::move(finish), peer = context->peer()](
                    absl::StatusOr<ExchangedToken> result) mutable {
                  if (absl::IsUnauthenticated(result.status())) {
                    gate_.NoteFailedAuthentication(peer);
                  }
                  finish(std::move(result));
                });
  return reactor;
}

}  // namespace warden
