#include "tests/bench/bench_setup.h"

#include <grpcpp/client_context.h>

#include <chrono>
#include <fstream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace warden::bench {
namespace {

void Prepare(grpc::ClientContext* context, const std::string& authorization) {
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  context->set_wait_for_ready(true);  // the server may have only just started
  if (!authorization.empty()) context->AddMetadata("authorization", authorization);
}

absl::Status FromGrpc(const grpc::Status& status, const std::string& what) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      absl::StrCat(what, ": ", status.error_message()));
}

}  // namespace

absl::StatusOr<std::string> ReadAdminPassword(const std::string& path) {
  std::ifstream in(path);
  std::string password;
  if (!in || !std::getline(in, password) || password.empty()) {
    return absl::FailedPreconditionError(absl::StrCat("cannot read a password from ", path));
  }
  return password;
}

std::string AdminAuthorization(const std::string& password) {
  return absl::StrCat("Basic ", absl::Base64Escape(absl::StrCat("admin:", password)));
}

BenchSetup::BenchSetup(std::shared_ptr<grpc::Channel> channel, std::string admin_authorization)
    : admin_(std::move(admin_authorization)),
      tokens_(v1::TokenService::NewStub(channel)),
      auth_(v1::AuthService::NewStub(channel)) {}

absl::StatusOr<std::string> BenchSetup::Mint(const std::string& name,
                                             const std::vector<std::string>& roles) {
  v1::GenerateTokenRequest request;
  request.set_name(name);
  for (const std::string& role : roles) request.add_roles(role);
  v1::GenerateTokenResponse response;
  grpc::ClientContext context;
  Prepare(&context, admin_);
  absl::Status status =
      FromGrpc(tokens_->GenerateToken(&context, request, &response), "GenerateToken");
  if (!status.ok()) return status;
  return response.token();
}

absl::StatusOr<v1::ValidateTokenResponse> BenchSetup::Validate(const std::string& authorization,
                                                               const std::string& token) {
  v1::ValidateTokenRequest request;
  request.set_token(token);
  v1::ValidateTokenResponse response;
  grpc::ClientContext context;
  Prepare(&context, authorization);
  absl::Status status =
      FromGrpc(auth_->ValidateToken(&context, request, &response), "ValidateToken");
  if (!status.ok()) return status;
  return response;
}

absl::Status BenchSetup::AddM2mConfig(const std::string& issuer, const std::string& audience,
                                      const std::string& role, const std::string& lifetime) {
  v1::AddAuthMachineToMachineConfigRequest request;
  v1::AuthMachineToMachineConfig* config = request.mutable_config();
  config->set_type(v1::AUTH_MACHINE_TO_MACHINE_CONFIG_TYPE_GENERIC);
  config->set_issuer(issuer);
  config->add_audiences(audience);
  config->set_token_expiration_duration(lifetime);
  v1::AuthMachineToMachineMapping* mapping = config->add_mappings();
  mapping->set_key("sub");
  mapping->set_value_expression(".*");
  mapping->set_role(role);
  v1::AddAuthMachineToMachineConfigResponse response;
  grpc::ClientContext context;
  Prepare(&context, admin_);
  return FromGrpc(auth_->AddAuthMachineToMachineConfig(&context, request, &response),
                  "AddAuthMachineToMachineConfig");
}

}  // namespace warden::bench
