#include "server/api/auth_provider_api.h"

#include "proto/convert/convert.h"
#include "server/api/auth_provider_convert.h"

namespace warden {

void AuthProviderApi::ListAuthProviders(const Identity&, const v1::ListAuthProvidersRequest&,
                                        v1::ListAuthProvidersResponse* response, ApiDone done) {
  providers_.List(
      Reply<std::vector<AuthProvider>>(std::move(done), [response](std::vector<AuthProvider>& all) {
        for (const AuthProvider& provider : all) ToProto(provider, response->add_providers());
      }));
}

void AuthProviderApi::GetAuthProvider(const Identity&, const v1::GetAuthProviderRequest& request,
                                      v1::GetAuthProviderResponse* response, ApiDone done) {
  providers_.Get(request.id(), Reply<AuthProvider>(std::move(done), [response](AuthProvider& p) {
                   ToProto(p, response->mutable_provider());
                 }));
}

void AuthProviderApi::AddAuthProvider(const Identity& caller,
                                      const v1::AddAuthProviderRequest& request,
                                      v1::AddAuthProviderResponse* response, ApiDone done) {
  providers_.Add(caller, FromProto(request.provider()),
                 Reply<AuthProvider>(std::move(done), [response](AuthProvider& stored) {
                   ToProto(stored, response->mutable_provider());
                 }));
}

void AuthProviderApi::UpdateAuthProvider(const Identity& caller,
                                         const v1::UpdateAuthProviderRequest& request,
                                         v1::UpdateAuthProviderResponse* response, ApiDone done) {
  providers_.Update(caller, FromProto(request.provider()),
                    Reply<AuthProvider>(std::move(done), [response](AuthProvider& stored) {
                      ToProto(stored, response->mutable_provider());
                    }));
}

void AuthProviderApi::DeleteAuthProvider(const Identity& caller,
                                         const v1::DeleteAuthProviderRequest& request,
                                         v1::DeleteAuthProviderResponse*, ApiDone done) {
  providers_.Delete(caller, request.id(), std::move(done));
}

void AuthProviderApi::GetSignInOptions(const v1::GetSignInOptionsRequest&,
                                       v1::GetSignInOptionsResponse* response, ApiDone done) {
  for (const std::string& name : sign_in_.ProviderNames()) {
    response->add_providers()->set_name(name);
  }
  response->set_admin_password(admin_password_());
  done(absl::OkStatus());
}

void AuthProviderApi::StartSignIn(const v1::StartSignInRequest& request,
                                  v1::StartSignInResponse* response, ApiDone done) {
  sign_in_.Start(request.provider(), request.redirect_uri(),
                 Reply<SignInAuthority::Started>(
                     std::move(done), [response](SignInAuthority::Started& started) {
                       response->set_authorization_url(std::move(started.authorization_url));
                       response->set_state(std::move(started.state));
                       response->set_code_verifier(std::move(started.code_verifier));
                     }));
}

void AuthProviderApi::FillSession(const SignedInSession& session, v1::SignInSession* out) const {
  out->set_token(session.token);
  out->set_token_id(session.token_id);
  ToProto(session.expires_at, out->mutable_expiration());
  ToProto(session.identity, *roles_.Snapshot()->Resolve(session.identity.roles),
          out->mutable_identity());
}

void AuthProviderApi::CompleteSignIn(const v1::CompleteSignInRequest& request,
                                     v1::CompleteSignInResponse* response, ApiDone done) {
  sign_in_.Complete(request.state(), request.code(), request.code_verifier(),
                    request.session_name(),
                    Reply<SignedInSession>(std::move(done), [this, response](SignedInSession& s) {
                      FillSession(s, response->mutable_session());
                    }));
}

void AuthProviderApi::StartDeviceSignIn(const v1::StartDeviceSignInRequest& request,
                                        v1::StartDeviceSignInResponse* response, ApiDone done) {
  sign_in_.StartDevice(
      request.provider(),
      Reply<DeviceAuthorization>(std::move(done), [response](DeviceAuthorization& device) {
        response->set_user_code(device.user_code);
        response->set_verification_uri(device.verification_uri);
        response->set_verification_uri_complete(device.verification_uri_complete);
        response->set_device_code(device.device_code);
        response->set_interval_seconds(static_cast<int32_t>(absl::ToInt64Seconds(device.interval)));
        ToProto(device.expires_at, response->mutable_expiration());
      }));
}

void AuthProviderApi::CompleteDeviceSignIn(const v1::CompleteDeviceSignInRequest& request,
                                           v1::CompleteDeviceSignInResponse* response,
                                           ApiDone done) {
  sign_in_.CompleteDevice(
      request.provider(), request.device_code(), request.session_name(),
      Reply<SignInAuthority::DeviceResult>(
          std::move(done), [this, response](SignInAuthority::DeviceResult& result) {
            response->set_pending(result.pending);
            response->set_slow_down_seconds(
                static_cast<int32_t>(absl::ToInt64Seconds(result.slow_down)));
            if (result.session.has_value())
              FillSession(*result.session, response->mutable_session());
          }));
}

}  // namespace warden
