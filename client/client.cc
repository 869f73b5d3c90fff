#include "client/client.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace warden {
namespace {

absl::StatusOr<std::string> ReadCaFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read CA file ", path, ": ", strerror(errno)));
  }
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

int Milliseconds(absl::Duration duration) {
  return static_cast<int>(absl::ToInt64Milliseconds(duration));
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
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, Milliseconds(options.retry.initial_backoff));
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, Milliseconds(options.retry.initial_backoff));
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, Milliseconds(options.retry.max_backoff));
  args.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (options.use_tls) {
    grpc::SslCredentialsOptions ssl;
    if (!options.ca_file.empty()) {
      ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadCaFile(options.ca_file));
    }
    if (!options.tls_server_name.empty()) args.SetSslTargetNameOverride(options.tls_server_name);
    credentials = grpc::SslCredentials(ssl);
  } else {
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
      auth_(v1::AuthService::NewStub(channel)) {}

absl::Status Client::Call(bool idempotent,
                          const std::function<grpc::Status(grpc::ClientContext*)>& invoke) const {
  const absl::Time deadline = environment_.Now() + options_.timeout;
  return RunWithRetry(options_.retry, idempotent, deadline, environment_, [&] {
    grpc::ClientContext context;  // one per attempt: gRPC forbids reusing a context
    context.set_deadline(absl::ToChronoTime(deadline));
    if (!options_.credentials.empty()) {
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
  v1::RevokeTokenResponse response;
  RETURN_IF_ERROR(Call(/*idempotent=*/true, [&](grpc::ClientContext* context) {
    return tokens_->RevokeToken(context, request, &response);
  }));
  return std::move(*response.mutable_token());
}

absl::StatusOr<std::vector<std::string>> Client::ListAllowedTokenRoles() {
  v1::ListAllowedTokenRolesRequest request;
  v1::ListAllowedTokenRolesResponse response;
  RETURN_IF_ERROR(Call(/*idempotent=*/true, [&](grpc::ClientContext* context) {
    return tokens_->ListAllowedTokenRoles(context, request, &response);
  }));
  return std::vector<std::string>(response.role_names().begin(), response.role_names().end());
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

}  // namespace warden
