#include "client/client.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "client/plaintext_policy.h"
#include "common/status_macros.h"

namespace warden {
namespace {

// `what` names the file's role in messages ("CA file"); the message never quotes content.
absl::StatusOr<std::string> ReadPemFile(const char* what, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read ", what, " ", path, ": ", strerror(errno)));
  }
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

int Milliseconds(absl::Duration duration) {
  return static_cast<int>(absl::ToInt64Milliseconds(duration));
}

// INVALID_ARGUMENT if sending the credential `what` would cross a network in cleartext
// without the user's consent (client/plaintext_policy.h).
absl::Status CheckCleartext(const ClientOptions& options, absl::string_view what) {
  if (options.use_tls || options.allow_insecure_plaintext || IsLoopbackEndpoint(options.endpoint)) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("refusing to send the ", what, " in cleartext to ", options.endpoint,
                   ", which is not a loopback address: set use_tls (and ca_file), or "
                   "allow_insecure_plaintext on a network you trust"));
}

absl::Status ToAbslStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::Channel>> CreateWardenChannel(const ClientOptions& options) {
  grpc::ChannelArguments args;
  // Without this, a channel that failed to connect refuses calls until its own reconnect
  // backoff (1 s and growing) passes, and our retries would never reach the server.
  // Not GRPC_ARG_MIN_RECONNECT_BACKOFF_MS: gRPC also takes it as the minimum time a connection
  // attempt gets (20 s by default), and at 100 ms a busy server's TCP + TLS handshake would not
  // finish in time ("tcp handshaker shutdown"); the call's own deadline bounds the attempt.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, Milliseconds(options.retry.initial_backoff));
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, Milliseconds(options.retry.max_backoff));
  args.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (options.use_tls) {
    grpc::SslCredentialsOptions ssl;
    if (!options.ca_file.empty()) {
      ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadPemFile("CA file", options.ca_file));
    }
    if (options.cert_file.empty() != options.key_file.empty()) {
      return absl::InvalidArgumentError(
          "a client certificate needs both its certificate file and its key file");
    }
    if (!options.cert_file.empty()) {
      ASSIGN_OR_RETURN(ssl.pem_cert_chain,
                       ReadPemFile("client certificate file", options.cert_file));
      ASSIGN_OR_RETURN(ssl.pem_private_key, ReadPemFile("client key file", options.key_file));
    }
    if (!options.tls_server_name.empty()) args.SetSslTargetNameOverride(options.tls_server_name);
    credentials = grpc::SslCredentials(ssl);
  } else {
    if (!options.cert_file.empty() || !options.key_file.empty()) {
      return absl::InvalidArgumentError("a client certificate needs TLS");
    }
    if (!options.credentials.empty()) {
      RETURN_IF_ERROR(CheckCleartext(options, options.credentials.kind()));
    }
    credentials = grpc::InsecureChannelCredentials();
  }
  return grpc::CreateCustomChannel(options.endpoint, credentials, args);
}

absl::StatusOr<std::unique_ptr<Client>> Client::Create(ClientOptions options) {
  ASSIGN_OR_RETURN(std::shared_ptr<grpc::Channel> channel, CreateWardenChannel(options));
  return std::make_unique<Client>(std::move(channel), std::move(options));
}

Client::Client(std::shared_ptr<grpc::ChannelInterface> channel, ClientOptions options,
               RetryEnvironment& environment)
    : options_(std::move(options)),
      environment_(environment),
      tokens_(v1::TokenService::NewStub(channel)),
      auth_(v1::AuthService::NewStub(channel)),
      roles_(v1::RoleService::NewStub(channel)),
      providers_(v1::AuthProviderService::NewStub(channel)) {}

absl::Status Client::Call(bool idempotent,
                          const std::function<grpc::Status(grpc::ClientContext*)>& invoke,
                          bool send_credentials) const {
  const absl::Time deadline = environment_.Now() + options_.timeout;
  return RunWithRetry(options_.retry, idempotent, deadline, environment_, [&] {
    grpc::ClientContext context;  // one per attempt: gRPC forbids reusing a context
    context.set_deadline(absl::ToChronoTime(deadline));
    if (send_credentials && !options_.credentials.empty()) {
      context.AddMetadata("authorization", options_.credentials.authorization());
    }
    return ToAbslStatus(invoke(&context));
  });
}

absl::StatusOr<v1::GenerateTokenResponse> Client::GenerateToken(
    const v1::GenerateTokenRequest& request) {
  v1::GenerateTokenResponse response;
  RETURN_IF_ERROR(Call(/*idempotent=*/false, [&](grpc::ClientContext* context) {
    return tokens_->GenerateToken(context, request, &response);
  }));
  return response;
}

absl::StatusOr<v1::TokenMetadata> Client::GetToken(const std::string& id) {
  v1::GetTokenRequest request;
  request.set_id(id);
  v1::GetTokenResponse response;
  RETURN_IF_ERROR(Call(/*idempotent=*/true, [&](grpc::ClientContext* context) {
    return tokens_->GetToken(context, request, &response);
  }));
  return std::move(*response.mutable_token());
}

absl::StatusOr<v1::ListTokensResponse> Client::ListTokens(const v1::ListTokensRequest& request) {
  v1::ListTokensResponse response;
  RETURN_IF_ERROR(Call(/*idempotent=*/true, [&](grpc::ClientContext* context) {
    return tokens_->ListTokens(context, request, &response);
  }));
  return response;
}

absl::StatusOr<v1::TokenMetadata> Client::RevokeToken(const std::string& id) {
  v1::RevokeTokenRequest request;
  request.set_id(id);
  ASSIGN_OR_RETURN(v1::RevokeTokenResponse response, RevokeTokens(request));
  return std::move(*response.mutable_token());
}

absl::StatusOr<v1::RevokeTokenResponse> Client::RevokeTokens(
    const v1::RevokeTokenRequest& request) {
  v1::RevokeTokenResponse response;
  RETURN_IF_ERROR(Call(/*idempotent=*/true, [&](grpc::ClientContext* context) {
    return tokens_->RevokeToken(context, request, &response);
  }));
  return response;
}

absl::StatusOr<v1::RotateTokenResponse> Client::RotateToken(const v1::RotateTokenRequest& request) {
  v1::RotateTokenResponse response;
  RETURN_IF_ERROR(Call(/*idempotent=*/false, [&](grpc::ClientContext* context) {
    return tokens_->RotateToken(context, request, &response);
  }));
  return response;
}

absl::StatusOr<std::vector<std::string>> Client::ListAllowedTokenRoles() {
  v1::ListAllowedTokenRolesRequest request;
  v1::ListAllowedTokenRolesResponse response;
  RETURN_IF_ERROR(Call(/*idempotent=*/true, [&](grpc::ClientContext* context) {
    return tokens_->ListAllowedTokenRoles(context, request, &response);
  }));
  return std::vector<std::string>(response.role_names().begin(), response.role_names().end());
}

absl::StatusOr<v1::ListExpiringTokensResponse> Client::ListExpiringTokens(
    const v1::ListExpiringTokensRequest& request) {
  v1::ListExpiringTokensResponse response;
  RETURN_IF_ERROR(Call(/*idempotent=*/true, [&](grpc::ClientContext* context) {
    return tokens_->ListExpiringTokens(context, request, &response);
  }));
  return response;
}

absl::StatusOr<v1::Identity> Client::GetAuthStatus() {
  v1::GetAuthStatusRequest request;
  v1::GetAuthStatusResponse response;
  RETURN_IF_ERROR(Call(/*idempotent=*/true, [&](grpc::ClientContext* context) {
    return auth_->GetAuthStatus(context, request, &response);
  }));
  return std::move(*response.mutable_identity());
}

absl::StatusOr<v1::Identity> Client::ValidateToken(const std::string& token) {
  v1::ValidateTokenRequest request;
  request.set_token(token);
  v1::ValidateTokenResponse response;
  RETURN_IF_ERROR(Call(/*idempotent=*/true, [&](grpc::ClientContext* context) {
    return auth_->ValidateToken(context, request, &response);
  }));
  return std::move(*response.mutable_identity());
}

template <typename Request, typename Response>
absl::StatusOr<Response> Client::CallAuth(bool idempotent, AuthMethod<Request, Response> method,
                                          const Request& request, bool send_credentials) const {
  Response response;
  RETURN_IF_ERROR(Call(
      idempotent,
      [&](grpc::ClientContext* context) {
        return (auth_.get()->*method)(context, request, &response);
      },
      send_credentials));
  return response;
}

absl::StatusOr<std::vector<v1::AuthMachineToMachineConfig>>
Client::ListAuthMachineToMachineConfigs() {
  ASSIGN_OR_RETURN(v1::ListAuthMachineToMachineConfigsResponse response,
                   CallAuth(true, &v1::AuthService::Stub::ListAuthMachineToMachineConfigs,
                            v1::ListAuthMachineToMachineConfigsRequest()));
  return std::vector<v1::AuthMachineToMachineConfig>(response.configs().begin(),
                                                     response.configs().end());
}

absl::StatusOr<v1::AuthMachineToMachineConfig> Client::GetAuthMachineToMachineConfig(
    const std::string& id) {
  v1::GetAuthMachineToMachineConfigRequest request;
  request.set_id(id);
  ASSIGN_OR_RETURN(v1::GetAuthMachineToMachineConfigResponse response,
                   CallAuth(true, &v1::AuthService::Stub::GetAuthMachineToMachineConfig, request));
  return std::move(*response.mutable_config());
}

absl::StatusOr<v1::AuthMachineToMachineConfig> Client::AddAuthMachineToMachineConfig(
    const v1::AuthMachineToMachineConfig& config) {
  v1::AddAuthMachineToMachineConfigRequest request;
  *request.mutable_config() = config;
  ASSIGN_OR_RETURN(v1::AddAuthMachineToMachineConfigResponse response,
                   CallAuth(false, &v1::AuthService::Stub::AddAuthMachineToMachineConfig, request));
  return std::move(*response.mutable_config());
}

absl::StatusOr<v1::AuthMachineToMachineConfig> Client::UpdateAuthMachineToMachineConfig(
    const v1::AuthMachineToMachineConfig& config) {
  v1::UpdateAuthMachineToMachineConfigRequest request;
  *request.mutable_config() = config;
  ASSIGN_OR_RETURN(
      v1::UpdateAuthMachineToMachineConfigResponse response,
      CallAuth(false, &v1::AuthService::Stub::UpdateAuthMachineToMachineConfig, request));
  return std::move(*response.mutable_config());
}

absl::Status Client::DeleteAuthMachineToMachineConfig(const std::string& id) {
  v1::DeleteAuthMachineToMachineConfigRequest request;
  request.set_id(id);
  return CallAuth(false, &v1::AuthService::Stub::DeleteAuthMachineToMachineConfig, request)
      .status();
}

absl::StatusOr<v1::ExchangeAuthMachineToMachineTokenResponse>
Client::ExchangeAuthMachineToMachineToken(const std::string& id_token) {
  // The ID token is a credential too, and the answer another.
  RETURN_IF_ERROR(CheckCleartext(options_, "ID token"));
  v1::ExchangeAuthMachineToMachineTokenRequest request;
  request.set_id_token(id_token);
  return CallAuth(false, &v1::AuthService::Stub::ExchangeAuthMachineToMachineToken, request,
                  /*send_credentials=*/false);
}

absl::Status Client::SignOut() {
  return CallAuth(true, &v1::AuthService::Stub::SignOut, v1::SignOutRequest()).status();
}

template <typename Request, typename Response>
absl::StatusOr<Response> Client::CallProviders(bool idempotent,
                                               ProviderMethod<Request, Response> method,
                                               const Request& request,
                                               bool send_credentials) const {
  Response response;
  RETURN_IF_ERROR(Call(
      idempotent,
      [&](grpc::ClientContext* context) {
        return (providers_.get()->*method)(context, request, &response);
      },
      send_credentials));
  return response;
}

absl::StatusOr<std::vector<v1::AuthProvider>> Client::ListAuthProviders() {
  ASSIGN_OR_RETURN(v1::ListAuthProvidersResponse response,
                   CallProviders(true, &v1::AuthProviderService::Stub::ListAuthProviders,
                                 v1::ListAuthProvidersRequest()));
  return std::vector<v1::AuthProvider>(response.providers().begin(), response.providers().end());
}

absl::StatusOr<v1::AuthProvider> Client::GetAuthProvider(const std::string& id) {
  v1::GetAuthProviderRequest request;
  request.set_id(id);
  ASSIGN_OR_RETURN(v1::GetAuthProviderResponse response,
                   CallProviders(true, &v1::AuthProviderService::Stub::GetAuthProvider, request));
  return std::move(*response.mutable_provider());
}

absl::StatusOr<v1::AuthProvider> Client::AddAuthProvider(const v1::AuthProvider& provider) {
  v1::AddAuthProviderRequest request;
  *request.mutable_provider() = provider;
  ASSIGN_OR_RETURN(v1::AddAuthProviderResponse response,
                   CallProviders(false, &v1::AuthProviderService::Stub::AddAuthProvider, request));
  return std::move(*response.mutable_provider());
}

absl::StatusOr<v1::AuthProvider> Client::UpdateAuthProvider(const v1::AuthProvider& provider) {
  v1::UpdateAuthProviderRequest request;
  *request.mutable_provider() = provider;
  ASSIGN_OR_RETURN(
      v1::UpdateAuthProviderResponse response,
      CallProviders(false, &v1::AuthProviderService::Stub::UpdateAuthProvider, request));
  return std::move(*response.mutable_provider());
}

absl::Status Client::DeleteAuthProvider(const std::string& id) {
  v1::DeleteAuthProviderRequest request;
  request.set_id(id);
  return CallProviders(false, &v1::AuthProviderService::Stub::DeleteAuthProvider, request).status();
}

absl::StatusOr<v1::GetSignInOptionsResponse> Client::GetSignInOptions() {
  return CallProviders(true, &v1::AuthProviderService::Stub::GetSignInOptions,
                       v1::GetSignInOptionsRequest(), /*send_credentials=*/false);
}

absl::StatusOr<v1::StartSignInResponse> Client::StartSignIn(const std::string& provider,
                                                            const std::string& redirect_uri) {
  v1::StartSignInRequest request;
  request.set_provider(provider);
  request.set_redirect_uri(redirect_uri);
  return CallProviders(true, &v1::AuthProviderService::Stub::StartSignIn, request,
                       /*send_credentials=*/false);
}

absl::StatusOr<v1::SignInSession> Client::CompleteSignIn(const v1::CompleteSignInRequest& request) {
  RETURN_IF_ERROR(CheckCleartext(options_, "authorization code"));
  ASSIGN_OR_RETURN(v1::CompleteSignInResponse response,
                   CallProviders(false, &v1::AuthProviderService::Stub::CompleteSignIn, request,
                                 /*send_credentials=*/false));
  return std::move(*response.mutable_session());
}

absl::StatusOr<v1::StartDeviceSignInResponse> Client::StartDeviceSignIn(
    const std::string& provider) {
  RETURN_IF_ERROR(CheckCleartext(options_, "device code"));
  v1::StartDeviceSignInRequest request;
  request.set_provider(provider);
  return CallProviders(false, &v1::AuthProviderService::Stub::StartDeviceSignIn, request,
                       /*send_credentials=*/false);
}

absl::StatusOr<v1::CompleteDeviceSignInResponse> Client::CompleteDeviceSignIn(
    const v1::CompleteDeviceSignInRequest& request) {
  RETURN_IF_ERROR(CheckCleartext(options_, "device code"));
  return CallProviders(false, &v1::AuthProviderService::Stub::CompleteDeviceSignIn, request,
                       /*send_credentials=*/false);
}

template <typename Request, typename Response>
absl::StatusOr<Response> Client::CallRoles(bool idempotent, RoleMethod<Request, Response> method,
                                           const Request& request) const {
  Response response;
  RETURN_IF_ERROR(Call(idempotent, [&](grpc::ClientContext* context) {
    return (roles_.get()->*method)(context, request, &response);
  }));
  return response;
}

absl::StatusOr<std::vector<std::string>> Client::ListResources() {
  ASSIGN_OR_RETURN(
      v1::ListResourcesResponse response,
      CallRoles(true, &v1::RoleService::Stub::ListResources, v1::ListResourcesRequest()));
  return std::vector<std::string>(response.resources().begin(), response.resources().end());
}

absl::StatusOr<std::vector<v1::PermissionSet>> Client::ListPermissionSets() {
  ASSIGN_OR_RETURN(
      v1::ListPermissionSetsResponse response,
      CallRoles(true, &v1::RoleService::Stub::ListPermissionSets, v1::ListPermissionSetsRequest()));
  return std::vector<v1::PermissionSet>(response.permission_sets().begin(),
                                        response.permission_sets().end());
}

absl::StatusOr<v1::PermissionSet> Client::GetPermissionSet(const std::string& id) {
  v1::GetPermissionSetRequest request;
  request.set_id(id);
  ASSIGN_OR_RETURN(v1::GetPermissionSetResponse response,
                   CallRoles(true, &v1::RoleService::Stub::GetPermissionSet, request));
  return std::move(*response.mutable_permission_set());
}

absl::StatusOr<v1::PermissionSet> Client::CreatePermissionSet(const v1::PermissionSet& set) {
  v1::CreatePermissionSetRequest request;
  *request.mutable_permission_set() = set;
  ASSIGN_OR_RETURN(v1::CreatePermissionSetResponse response,
                   CallRoles(false, &v1::RoleService::Stub::CreatePermissionSet, request));
  return std::move(*response.mutable_permission_set());
}

absl::StatusOr<v1::PermissionSet> Client::UpdatePermissionSet(const v1::PermissionSet& set) {
  v1::UpdatePermissionSetRequest request;
  *request.mutable_permission_set() = set;
  ASSIGN_OR_RETURN(v1::UpdatePermissionSetResponse response,
                   CallRoles(false, &v1::RoleService::Stub::UpdatePermissionSet, request));
  return std::move(*response.mutable_permission_set());
}

absl::Status Client::DeletePermissionSet(const std::string& id) {
  v1::DeletePermissionSetRequest request;
  request.set_id(id);
  return CallRoles(false, &v1::RoleService::Stub::DeletePermissionSet, request).status();
}

absl::StatusOr<std::vector<v1::AccessScope>> Client::ListAccessScopes() {
  ASSIGN_OR_RETURN(
      v1::ListAccessScopesResponse response,
      CallRoles(true, &v1::RoleService::Stub::ListAccessScopes, v1::ListAccessScopesRequest()));
  return std::vector<v1::AccessScope>(response.access_scopes().begin(),
                                      response.access_scopes().end());
}

absl::StatusOr<v1::AccessScope> Client::GetAccessScope(const std::string& id) {
  v1::GetAccessScopeRequest request;
  request.set_id(id);
  ASSIGN_OR_RETURN(v1::GetAccessScopeResponse response,
                   CallRoles(true, &v1::RoleService::Stub::GetAccessScope, request));
  return std::move(*response.mutable_access_scope());
}

absl::StatusOr<v1::AccessScope> Client::CreateAccessScope(const v1::AccessScope& scope) {
  v1::CreateAccessScopeRequest request;
  *request.mutable_access_scope() = scope;
  ASSIGN_OR_RETURN(v1::CreateAccessScopeResponse response,
                   CallRoles(false, &v1::RoleService::Stub::CreateAccessScope, request));
  return std::move(*response.mutable_access_scope());
}

absl::StatusOr<v1::AccessScope> Client::UpdateAccessScope(const v1::AccessScope& scope) {
  v1::UpdateAccessScopeRequest request;
  *request.mutable_access_scope() = scope;
  ASSIGN_OR_RETURN(v1::UpdateAccessScopeResponse response,
                   CallRoles(false, &v1::RoleService::Stub::UpdateAccessScope, request));
  return std::move(*response.mutable_access_scope());
}

absl::Status Client::DeleteAccessScope(const std::string& id) {
  v1::DeleteAccessScopeRequest request;
  request.set_id(id);
  return CallRoles(false, &v1::RoleService::Stub::DeleteAccessScope, request).status();
}

absl::StatusOr<std::vector<v1::Role>> Client::ListRoles() {
  ASSIGN_OR_RETURN(v1::ListRolesResponse response,
                   CallRoles(true, &v1::RoleService::Stub::ListRoles, v1::ListRolesRequest()));
  return std::vector<v1::Role>(response.roles().begin(), response.roles().end());
}

absl::StatusOr<v1::Role> Client::GetRole(const std::string& name) {
  v1::GetRoleRequest request;
  request.set_name(name);
  ASSIGN_OR_RETURN(v1::GetRoleResponse response,
                   CallRoles(true, &v1::RoleService::Stub::GetRole, request));
  return std::move(*response.mutable_role());
}

absl::StatusOr<v1::Role> Client::CreateRole(const v1::Role& role) {
  v1::CreateRoleRequest request;
  *request.mutable_role() = role;
  ASSIGN_OR_RETURN(v1::CreateRoleResponse response,
                   CallRoles(false, &v1::RoleService::Stub::CreateRole, request));
  return std::move(*response.mutable_role());
}

absl::StatusOr<v1::Role> Client::UpdateRole(const v1::Role& role) {
  v1::UpdateRoleRequest request;
  *request.mutable_role() = role;
  ASSIGN_OR_RETURN(v1::UpdateRoleResponse response,
                   CallRoles(false, &v1::RoleService::Stub::UpdateRole, request));
  return std::move(*response.mutable_role());
}

absl::Status Client::DeleteRole(const std::string& name) {
  v1::DeleteRoleRequest request;
  request.set_name(name);
  return CallRoles(false, &v1::RoleService::Stub::DeleteRole, request).status();
}

}  // namespace warden
