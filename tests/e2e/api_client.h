#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "warden/v1/auth.grpc.pb.h"
#include "warden/v1/token.grpc.pb.h"

namespace warden::testing {

// A response and the status that came with it.
template <typename Response>
struct Reply {
  grpc::Status status;
  Response response;
  bool ok() const { return status.ok(); }
  grpc::StatusCode code() const { return status.error_code(); }
  std::string message() const { return status.error_message(); }
};

// Makes one unary call with `authorization` (empty: none) and a 10 s deadline.
// `method` is a stub member bound as [&](auto* context, const auto& request, auto* response).
template <typename Response, typename Request, typename Method>
Reply<Response> CallWithAuthorization(Method method, const std::string& authorization,
                                      const Request& request) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  if (!authorization.empty()) context.AddMetadata("authorization", authorization);
  Reply<Response> reply;
  reply.status = method(&context, request, &reply.response);
  return reply;
}

// Calls Warden with the generated stubs, as another service would. Each call sends the
// given `authorization` header value (empty: none) and has a 10 s deadline.
class ApiClient final {
 public:
  explicit ApiClient(std::shared_ptr<grpc::Channel> channel);

  Reply<v1::GenerateTokenResponse> Generate(const std::string& authorization,
                                            const std::string& name,
                                            const std::vector<std::string>& roles,
                                            std::optional<absl::Time> expiration = std::nullopt);
  Reply<v1::GetTokenResponse> Get(const std::string& authorization, const std::string& id);
  Reply<v1::ListTokensResponse> List(const std::string& authorization,
                                     const v1::ListTokensRequest& request);
  Reply<v1::RevokeTokenResponse> Revoke(const std::string& authorization, const std::string& id);
  Reply<v1::ListAllowedTokenRolesResponse> AllowedRoles(const std::string& authorization);
  Reply<v1::GetAuthStatusResponse> AuthStatus(const std::string& authorization);
  Reply<v1::ValidateTokenResponse> Validate(const std::string& authorization,
                                            const std::string& token);

 private:
  std::unique_ptr<v1::TokenService::Stub> tokens_;
  std::unique_ptr<v1::AuthService::Stub> auth_;
};

// "Bearer <token>".
std::string Bearer(const std::string& token);
// An authorization header value for HTTP Basic credentials.
std::string BasicAuthorization(const std::string& user, const std::string& password);

}  // namespace warden::testing
