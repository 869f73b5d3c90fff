#include "server/rpc/auth_provider_service.h"

#include "server/rpc/reactor.h"

namespace warden {

grpc::ServerUnaryReactor* AuthProviderServiceImpl::ListAuthProviders(
    grpc::CallbackServerContext* context, const v1::ListAuthProvidersRequest* request,
    v1::ListAuthProvidersResponse* response) {
  return Serve(gate_, context, Method::kListAuthProviders, api_,
               &AuthProviderApi::ListAuthProviders, request, response);
}

grpc::ServerUnaryReactor* AuthProviderServiceImpl::GetAuthProvider(
    grpc::CallbackServerContext* context, const v1::GetAuthProviderRequest* request,
    v1::GetAuthProviderResponse* response) {
  return Serve(gate_, context, Method::kGetAuthProvider, api_, &AuthProviderApi::GetAuthProvider,
               request, response);
}

grpc::ServerUnaryReactor* AuthProviderServiceImpl::AddAuthProvider(
    grpc::CallbackServerContext* context, const v1::AddAuthProviderRequest* request,
    v1::AddAuthProviderResponse* response) {
  return Serve(gate_, context, Method::kAddAuthProvider, api_, &AuthProviderApi::AddAuthProvider,
               request, response);
}

grpc::ServerUnaryReactor* AuthProviderServiceImpl::UpdateAuthProvider(
    grpc::CallbackServerContext* context, const v1::UpdateAuthProviderRequest* request,
    v1::UpdateAuthProviderResponse* response) {
  return Serve(gate_, context, Method::kUpdateAuthProvider, api_,
               &AuthProviderApi::UpdateAuthProvider, request, response);
}

grpc::ServerUnaryReactor* AuthProviderServiceImpl::DeleteAuthProvider(
    grpc::CallbackServerContext* context, const v1::DeleteAuthProviderRequest* request,
    v1::DeleteAuthProviderResponse* response) {
  return Serve(gate_, context, Method::kDeleteAuthProvider, api_,
               &AuthProviderApi::DeleteAuthProvider, request, response);
}

grpc::ServerUnaryReactor* AuthProviderServiceImpl::GetSignInOptions(
    grpc::CallbackServerContext* context, const v1::GetSignInOptionsRequest* request,
    v1::GetSignInOptionsResponse* response) {
  return ServeAnonymous(gate_, context, api_, &AuthProviderApi::GetSignInOptions, request,
                        response);
}

grpc::ServerUnaryReactor* AuthProviderServiceImpl::StartSignIn(
    grpc::CallbackServerContext* context, const v1::StartSignInRequest* request,
    v1::StartSignInResponse* response) {
  return ServeAnonymous(gate_, context, api_, &AuthProviderApi::StartSignIn, request, response);
}

grpc::ServerUnaryReactor* AuthProviderServiceImpl::CompleteSignIn(
    grpc::CallbackServerContext* context, const v1::CompleteSignInRequest* request,
    v1::CompleteSignInResponse* response) {
  return ServeAnonymous(gate_, context, api_, &AuthProviderApi::CompleteSignIn, request, response);
}

grpc::ServerUnaryReactor* AuthProviderServiceImpl::StartDeviceSignIn(
    grpc::CallbackServerContext* context, const v1::StartDeviceSignInRequest* request,
    v1::StartDeviceSignInResponse* response) {
  return ServeAnonymous(gate_, context, api_, &AuthProviderApi::StartDeviceSignIn, request,
                        response);
}

grpc::ServerUnaryReactor* AuthProviderServiceImpl::CompleteDeviceSignIn(
    grpc::CallbackServerContext* context, const v1::CompleteDeviceSignInRequest* request,
    v1::CompleteDeviceSignInResponse* response) {
  return ServeAnonymous(gate_, context, api_, &AuthProviderApi::CompleteDeviceSignIn, request,
                        response);
}

}  // namespace warden
