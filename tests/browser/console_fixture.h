#pragma once

// What the console's browser tests share: running one scenario of web/tests/scenarios/ in
// Debian's chromium, and a Warden server with HTTP plus gRPC clients to check what the
// scenario did, as another client of Warden would see it.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/api_client.h"
#include "tests/e2e/warden_process.h"
#include "tests/support/test_database.h"
#include "warden/v1/role.grpc.pb.h"
#include "warden/v1/token.grpc.pb.h"

namespace warden::testing {

using Json = nlohmann::json;

// Runs web/tests/scenarios/`name`.mjs with `input` against `server` (which serves HTTP);
// REQUIREs that it passes and returns what it reports. A failing scenario leaves a
// screenshot in the build tree.
Json Browse(const WardenProcess& server, const std::string& name,
            const Json& input = Json::object(),
            const std::map<std::string, std::string>& extra_env = {});

// A Warden server with HTTP, and gRPC clients to check what the console did.
class ConsoleFixture {
 public:
  ConsoleFixture();

  Json Browse(const std::string& name, const Json& input = Json::object()) {
    return testing::Browse(server_, name, input);
  }

  std::string Admin() const { return server_.AdminAuthorization(); }

  // Mints a token over gRPC as `authorization` (the admin when empty), REQUIRing success.
  v1::GenerateTokenResponse Mint(const std::string& name, const std::vector<std::string>& roles,
                                 absl::Duration lifetime = absl::Hours(24 * 30),
                                 const std::string& description = "",
                                 const std::string& authorization = "");

  // The live tokens named `name`.
  std::vector<v1::TokenMetadata> Named(const std::string& name);

  // True if `token` authenticates (GetAuthStatus answers OK); REQUIREs that a refusal is
  // UNAUTHENTICATED.
  bool Works(const std::string& token);

  TestDatabase database_;
  WardenProcess server_;
  ApiClient api_;
  std::unique_ptr<v1::RoleService::Stub> roles_;
  std::unique_ptr<v1::TokenService::Stub> tokens_;
};

}  // namespace warden::testing
