#pragma once

#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "tests/e2e/api_client.h"
#include "tests/e2e/warden_process.h"
#include "tests/support/test_database.h"

namespace warden::testing {

// One real warden-server on a fresh database, started, with a stub client and the admin's
// authorization header.
class ServerFixture {
 public:
  ServerFixture() : server_({{"WARDEN_DATABASE_URL", database_.url()}}), api_(server_.channel()) {
    server_.Start();
    admin_ = server_.AdminAuthorization();
  }

  // Mints a token as admin, failing the test if that does not work.
  v1::GenerateTokenResponse MintAsAdmin(const std::string& name, std::vector<std::string> roles,
                                        std::optional<absl::Time> expiration = std::nullopt) {
    auto minted = api_.Generate(admin_, name, roles, expiration);
    INFO(minted.message());
    REQUIRE(minted.ok());
    return minted.response;
  }

  TestDatabase database_;
  WardenProcess server_;
  ApiClient api_;
  std::string admin_;
};

}  // namespace warden::testing
