#include "server/rpc/auth_service.h"

#include "absl/strings/str_cat.h"
#include "proto/convert/convert.h"
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
  return AdmitThen(gate_, context, "AuthService.GetAuthStatus",
                   [this, response](auto* reactor, const Identity& caller) {
                     FillIdentity(caller, response->mutable_identity());
                     Finish(reactor, absl::OkStatus());
                   });
}

grpc::ServerUnaryReactor* AuthServiceImpl::ValidateToken(grpc::CallbackServerContext* context,
                                                         const v1::ValidateTokenRequest* request,
                                                         v1::ValidateTokenResponse* response) {
  return AdmitThen(gate_, context, "AuthService.ValidateToken",
                   [this, request, response](auto* reactor, const Identity&) {
                     if (request->token().empty()) {
                       return Finish(reactor,
                                     absl::InvalidArgumentError("token must not be empty"));
                     }
                     absl::StatusOr<Identity> presented =
                         gate_.authenticator().tokens().Validate(request->token());
                     if (!presented.ok()) return Finish(reactor, presented.status());
                     FillIdentity(*presented, response->mutable_identity());
                     Finish(reactor, absl::OkStatus());
                   });
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
  // A stream is set up inline: a third-party ID token must be exchanged before it can watch.
  absl::StatusOr<Identity> caller = gate_.AdmitInline(*context, "AuthService.WatchRevocations");
  if (!caller.ok()) return RefuseStream<v1::WatchRevocationsResponse>(caller.status());
  return new WatchReactor(watch_, request->cursor(), *caller);
}

grpc::ServerUnaryReactor* AuthServiceImpl::ListAuthMachineToMachineConfigs(
    grpc::CallbackServerContext* context, const v1::ListAuthMachineToMachineConfigsRequest* request,
    v1::ListAuthMachineToMachineConfigsResponse* response) {
  return AdmitThen(gate_, context, "AuthService.ListAuthMachineToMachineConfigs",
                   [this, response](auto* reactor, const Identity&) {
                     m2m_.List(FinishWith<std::vector<M2mConfig>>(
                         reactor, [response](std::vector<M2mConfig>& all) {
                           for (const M2mConfig& config : all)
                             ToProto(config, response->add_configs());
                         }));
                   });
}

grpc::ServerUnaryReactor* AuthServiceImpl::GetAuthMachineToMachineConfig(
    grpc::CallbackServerContext* context, const v1::GetAuthMachineToMachineConfigRequest* request,
    v1::GetAuthMachineToMachineConfigResponse* response) {
  return AdmitThen(gate_, context, "AuthService.GetAuthMachineToMachineConfig",
                   [this, request, response](auto* reactor, const Identity&) {
                     m2m_.Get(request->id(),
                              FinishWith<M2mConfig>(reactor, [response](M2mConfig& config) {
                                ToProto(config, response->mutable_config());
                              }));
                   });
}

grpc::ServerUnaryReactor* AuthServiceImpl::AddAuthMachineToMachineConfig(
    grpc::CallbackServerContext* context, const v1::AddAuthMachineToMachineConfigRequest* request,
    v1::AddAuthMachineToMachineConfigResponse* response) {
  return AdmitThen(
      gate_, context, "AuthService.AddAuthMachineToMachineConfig",
      [this, request, response](auto* reactor, const Identity& caller) {
        absl::StatusOr<M2mConfig> config = FromProto(request->config());
        if (!config.ok()) return Finish(reactor, config.status());
        m2m_.Add(caller, std::move(*config),
                 FinishWith<M2mConfig>(reactor, [this, response,
                                                 actor = caller.Principal()](M2mConfig& stored) {
                   audit_.Record("m2m_config.add", actor, stored.id, {{"issuer", stored.issuer}});
                   ToProto(stored, response->mutable_config());
                 }));
      });
}

grpc::ServerUnaryReactor* AuthServiceImpl::UpdateAuthMachineToMachineConfig(
    grpc::CallbackServerContext* context,
    const v1::UpdateAuthMachineToMachineConfigRequest* request,
    v1::UpdateAuthMachineToMachineConfigResponse* response) {
  return AdmitThen(
      gate_, context, "AuthService.UpdateAuthMachineToMachineConfig",
      [this, request, response](auto* reactor, const Identity& caller) {
        absl::StatusOr<M2mConfig> config = FromProto(request->config());
        if (!config.ok()) return Finish(reactor, config.status());
        m2m_.Update(
            caller, std::move(*config),
            FinishWith<M2mConfig>(
                reactor, [this, response, actor = caller.Principal()](M2mConfig& stored) {
                  audit_.Record("m2m_config.update", actor, stored.id, {{"issuer", stored.issuer}});
                  ToProto(stored, response->mutable_config());
                }));
      });
}

grpc::ServerUnaryReactor* AuthServiceImpl::DeleteAuthMachineToMachineConfig(
    grpc::CallbackServerContext* context,
    const v1::DeleteAuthMachineToMachineConfigRequest* request,
    v1::DeleteAuthMachineToMachineConfigResponse* response) {
  return AdmitThen(gate_, context, "AuthService.DeleteAuthMachineToMachineConfig",
                   [this, request](auto* reactor, const Identity& caller) {
                     m2m_.Delete(request->id(), [this, reactor, actor = caller.Principal(),
                                                 id = request->id()](absl::Status status) {
                       if (status.ok()) audit_.Record("m2m_config.delete", actor, id);
                       Finish(reactor, status);
                     });
                   });
}

grpc::ServerUnaryReactor* AuthServiceImpl::ExchangeAuthMachineToMachineToken(
    grpc::CallbackServerContext* context,
    const v1::ExchangeAuthMachineToMachineTokenRequest* request,
    v1::ExchangeAuthMachineToMachineTokenResponse* response) {
  // The ID token is the credential: no authorization header is needed.
  // ID tokens are signed by their issuer and cannot be guessed: failures spend no budget.
  if (absl::Status up = gate_.CheckReady(); !up.ok()) return FinishNow(context, up);
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
  m2m_.Exchange(request->id_token(), std::move(finish));
  return reactor;
}

}  // namespace warden
