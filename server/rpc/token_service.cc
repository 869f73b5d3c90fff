#include "server/rpc/token_service.h"

#include "server/rpc/reactor.h"

namespace warden {

TokenServiceImpl::TokenServiceImpl(const CallGate& gate, TokenApi& api) : gate_(gate), api_(api) {}

grpc::ServerUnaryReactor* TokenServiceImpl::GenerateToken(grpc::CallbackServerContext* context,
                                                          const v1::GenerateTokenRequest* request,
                                                          v1::GenerateTokenResponse* response) {
  return Serve(gate_, context, Method::kGenerateToken, api_, &TokenApi::GenerateToken, request,
               response);
}

grpc::ServerUnaryReactor* TokenServiceImpl::GetToken(grpc::CallbackServerContext* context,
                                                     const v1::GetTokenRequest* request,
                                                     v1::GetTokenResponse* response) {
  return Serve(gate_, context, Method::kGetToken, api_, &TokenApi::GetToken, request, response);
}

grpc::ServerUnaryReactor* TokenServiceImpl::ListTokens(grpc::CallbackServerContext* context,
                                                       const v1::ListTokensRequest* request,
                                                       v1::ListTokensResponse* response) {
  return Serve(gate_, context, Method::kListTokens, api_, &TokenApi::ListTokens, request, response);
}

grpc::ServerUnaryReactor* TokenServiceImpl::RevokeToken(grpc::CallbackServerContext* context,
                                                        const v1::RevokeTokenRequest* request,
                                                        v1::RevokeTokenResponse* response) {
  return Serve(gate_, context, Method::kRevokeToken, api_, &TokenApi::RevokeToken, request,
               response);
}

grpc::ServerUnaryReactor* TokenServiceImpl::RotateToken(grpc::CallbackServerContext* context,
                                                        const v1::RotateTokenRequest* request,
                                                        v1::RotateTokenResponse* response) {
  return Serve(gate_, context, Method::kRotateToken, api_, &TokenApi::RotateToken, request,
               response);
}

grpc::ServerUnaryReactor* TokenServiceImpl::ListAllowedTokenRoles(
    grpc::CallbackServerContext* context, const v1::ListAllowedTokenRolesRequest* request,
    v1::ListAllowedTokenRolesResponse* response) {
  return Serve(gate_, context, Method::kListAllowedTokenRoles, api_,
               &TokenApi::ListAllowedTokenRoles, request, response);
}

grpc::ServerUnaryReactor* TokenServiceImpl::ListExpiringTokens(
    grpc::CallbackServerContext* context, const v1::ListExpiringTokensRequest* request,
    v1::ListExpiringTokensResponse* response) {
  return Serve(gate_, context, Method::kListExpiringTokens, api_, &TokenApi::ListExpiringTokens,
               request, response);
}

}  // namespace warden
