#include "server/api/auth_api.h"

#include "proto/convert/convert.h"
#include "server/api/m2m_convert.h"
#include "server/api/public_keys.h"

namespace warden {

void AuthApi::FillIdentity(const Identity& identity, v1::Identity* out) const {
  ToProto(identity, *roles_.Snapshot()->Resolve(identity.roles), out);
}

void AuthApi::GetAuthStatus(const Identity& caller, const v1::GetAuthStatusRequest&,
                            v1::GetAuthStatusResponse* response, ApiDone done) {
  FillIdentity(caller, response->mutable_identity());
  done(absl::OkStatus());
}

void AuthApi::ValidateToken(const Identity&, const v1::ValidateTokenRequest& request,
                            v1::ValidateTokenResponse* response, ApiDone done) {
  if (request.token().empty()) return done(absl::InvalidArgumentError("token must not be empty"));
  absl::StatusOr<Identity> presented = tokens_.Validate(request.token());
  if (!presented.ok()) return done(presented.status());
  FillIdentity(*presented, response->mutable_identity());
  done(absl::OkStatus());
}

void AuthApi::ListAuthMachineToMachineConfigs(const Identity&,
                                              const v1::ListAuthMachineToMachineConfigsRequest&,
                                              v1::ListAuthMachineToMachineConfigsResponse* response,
                                              ApiDone done) {
  m2m_.List(Reply<std::vector<M2mConfig>>(std::move(done), [response](std::vector<M2mConfig>& all) {
    for (const M2mConfig& config : all) ToProto(config, response->add_configs());
  }));
}

void AuthApi::GetAuthMachineToMachineConfig(const Identity&,
                                            const v1::GetAuthMachineToMachineConfigRequest& request,
                                            v1::GetAuthMachineToMachineConfigResponse* response,
                                            ApiDone done) {
  m2m_.Get(request.id(), Reply<M2mConfig>(std::move(done), [response](M2mConfig& config) {
             ToProto(config, response->mutable_config());
           }));
}

void AuthApi::AddAuthMachineToMachineConfig(const Identity& caller,
                                            const v1::AddAuthMachineToMachineConfigRequest& request,
                                            v1::AddAuthMachineToMachineConfigResponse* response,
                                            ApiDone done) {
  absl::StatusOr<M2mConfig> config = FromProto(request.config());
  if (!config.ok()) return done(config.status());
  m2m_.Add(caller, std::move(*config),
           Reply<M2mConfig>(std::move(done), [response](M2mConfig& stored) {
             ToProto(stored, response->mutable_config());
           }));
}

void AuthApi::UpdateAuthMachineToMachineConfig(
    const Identity& caller, const v1::UpdateAuthMachineToMachineConfigRequest& request,
    v1::UpdateAuthMachineToMachineConfigResponse* response, ApiDone done) {
  absl::StatusOr<M2mConfig> config = FromProto(request.config());
  if (!config.ok()) return done(config.status());
  m2m_.Update(caller, std::move(*config),
              Reply<M2mConfig>(std::move(done), [response](M2mConfig& stored) {
                ToProto(stored, response->mutable_config());
              }));
}

void AuthApi::DeleteAuthMachineToMachineConfig(
    const Identity& caller, const v1::DeleteAuthMachineToMachineConfigRequest& request,
    v1::DeleteAuthMachineToMachineConfigResponse*, ApiDone done) {
  m2m_.Delete(caller, request.id(), std::move(done));
}

void AuthApi::SignOut(const Identity& caller, const v1::SignOutRequest&, v1::SignOutResponse*,
                      ApiDone done) {
  if (caller.token_id.empty()) {
    return done(absl::FailedPreconditionError(
        "nothing to sign out of: the credential is not a Warden token (the admin password or a "
        "third-party ID token ends when its holder stops sending it)"));
  }
  token_authority_.Revoke(
      caller, caller.token_id,
      [done = std::move(done)](absl::StatusOr<TokenMetadata> revoked) { done(revoked.status()); });
}

void AuthApi::GetPublicKeys(const v1::GetPublicKeysRequest&, v1::GetPublicKeysResponse* response,
                            ApiDone done) {
  FillPublicKeys(tokens_, response);
  done(absl::OkStatus());
}

void AuthApi::ExchangeAuthMachineToMachineToken(
    const v1::ExchangeAuthMachineToMachineTokenRequest& request,
    v1::ExchangeAuthMachineToMachineTokenResponse* response, ApiDone done) {
  if (request.id_token().empty()) {
    return done(absl::InvalidArgumentError("id_token must not be empty"));
  }
  m2m_.Exchange(request.id_token(),
                Reply<ExchangedToken>(std::move(done), [response](ExchangedToken& exchanged) {
                  response->set_access_token(std::move(exchanged.token));
                  ToProto(exchanged.expires_at, response->mutable_expiration());
                }));
}

}  // namespace warden
