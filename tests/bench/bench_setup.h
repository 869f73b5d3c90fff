#pragma once

// What warden-bench does before it measures: credentials, tokens to validate, the M2M
// configuration of the exchange scenario. Plain blocking calls, each with a 30 s deadline.

#include <grpcpp/channel.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "warden/v1/auth.grpc.pb.h"
#include "warden/v1/token.grpc.pb.h"

namespace warden::bench {

// The first line of `path` (the server's admin-password file).
absl::StatusOr<std::string> ReadAdminPassword(const std::string& path);

// "Basic base64(admin:<password>)".
std::string AdminAuthorization(const std::string& password);

class BenchSetup final {
 public:
  // Calls Warden over `channel` as `admin_authorization`.
  BenchSetup(std::shared_ptr<grpc::Channel> channel, std::string admin_authorization);

  // A new token named `name` with `roles`, as the admin.
  absl::StatusOr<std::string> Mint(const std::string& name, const std::vector<std::string>& roles);

  // One ValidateToken of `token` by `authorization`, to check the credentials work and to
  // learn how big an answer is (the echo baseline answers with as many bytes).
  absl::StatusOr<v1::ValidateTokenResponse> Validate(const std::string& authorization,
                                                     const std::string& token);

  // A GENERIC M2M configuration trusting `issuer` for `audience`, mapping any subject to
  // `role`, with `lifetime` (Go-style, e.g. "5m") for the tokens it exchanges.
  absl::Status AddM2mConfig(const std::string& issuer, const std::string& audience,
                            const std::string& role, const std::string& lifetime);

 private:
  std::string admin_;
  std::unique_ptr<v1::TokenService::Stub> tokens_;
  std::unique_ptr<v1::AuthService::Stub> auth_;
};

}  // namespace warden::bench
