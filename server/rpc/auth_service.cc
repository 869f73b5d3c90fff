#include "server/rpc/auth_service.h"

#include "server/rpc/convert.h"
#include "server/rpc/reactor.h"

namespace warden {

AuthServiceImpl::AuthServiceImpl(const CallGate& gate) : gate_(gate) {}

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

}  // namespace warden
