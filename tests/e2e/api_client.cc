#include "tests/e2e/api_client.h"

#include "absl/strings/escaping.h"

namespace warden::testing {
std::string Bearer(const std::string& token) { return "Bearer " + token; }

std::string BasicAuthorization(const std::string& user, const std::string& password) {
  return "Basic " + absl::Base64Escape(user + ":" + password);
}

ApiClient::ApiClient(std::shared_ptr<grpc::Channel> channel)
    : tokens_(v1::TokenService::NewStub(channel)), auth_(v1::AuthService::NewStub(channel)) {}

Reply<v1::GenerateTokenResponse> ApiClient::Generate(const std::string& authorization,
                                                     const std::string& name,
                                                     const std::vector<std::string>& roles,
                                                     std::optional<absl::Time> expiration) {
  v1::GenerateTokenRequest request;
  request.set_name(name);
  for (const std::string& role : roles) request.add_roles(role);
  if (expiration.has_value()) {
    request.mutable_expiration()->set_seconds(absl::ToUnixSeconds(*expiration));
  }
  return CallWithAuthorization<v1::GenerateTokenResponse>(
      [this](auto* c, const auto& r, auto* o) { return tokens_->GenerateToken(c, r, o); },
      authorization, request);
}

Reply<v1::GetTokenResponse> ApiClient::Get(const std::string& authorization,
                                           const std::string& id) {
  v1::GetTokenRequest request;
  request.set_id(id);
  return CallWithAuthorization<v1::GetTokenResponse>(
      [this](auto* c, const auto& r, auto* o) { return tokens_->GetToken(c, r, o); }, authorization,
      request);
}

Reply<v1::ListTokensResponse> ApiClient::List(const std::string& authorization,
                                              const v1::ListTokensRequest& request) {
  return CallWithAuthorization<v1::ListTokensResponse>(
      [this](auto* c, const auto& r, auto* o) { return tokens_->ListTokens(c, r, o); },
      authorization, request);
}

Reply<v1::RevokeTokenResponse> ApiClient::Revoke(const std::string& authorization,
                                                 const std::string& id) {
  v1::RevokeTokenRequest request;
  request.set_id(id);
  return CallWithAuthorization<v1::RevokeTokenResponse>(
      [this](auto* c, const auto& r, auto* o) { return tokens_->RevokeToken(c, r, o); },
      authorization, request);
}

Reply<v1::ListAllowedTokenRolesResponse> ApiClient::AllowedRoles(const std::string& authorization) {
  return CallWithAuthorization<v1::ListAllowedTokenRolesResponse>(
      [this](auto* c, const auto& r, auto* o) { return tokens_->ListAllowedTokenRoles(c, r, o); },
      authorization, v1::ListAllowedTokenRolesRequest());
}

Reply<v1::GetAuthStatusResponse> ApiClient::AuthStatus(const std::string& authorization) {
  return CallWithAuthorization<v1::GetAuthStatusResponse>(
      [this](auto* c, const auto& r, auto* o) { return auth_->GetAuthStatus(c, r, o); },
      authorization, v1::GetAuthStatusRequest());
}

Reply<v1::ValidateTokenResponse> ApiClient::Validate(const std::string& authorization,
                                                     const std::string& token) {
  v1::ValidateTokenRequest request;
  request.set_token(token);
  return CallWithAuthorization<v1::ValidateTokenResponse>(
      [this](auto* c, const auto& r, auto* o) { return auth_->ValidateToken(c, r, o); },
      authorization, request);
}

}  // namespace warden::testing
