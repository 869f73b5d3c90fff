#include "server/auth/authorization.h"

#include <catch2/catch.hpp>

namespace warden {
namespace {

TEST_CASE("GenerateToken needs READ Access and READ_WRITE Integration") {
  PermissionMap enough{{"Access", Access::kRead}, {"Integration", Access::kReadWrite}};
  CHECK(Authorize("TokenService.GenerateToken", enough).ok());
  PermissionMap read_only{{"Access", Access::kRead}, {"Integration", Access::kRead}};
  absl::Status denied = Authorize("TokenService.GenerateToken", read_only);
  CHECK(denied.code() == absl::StatusCode::kPermissionDenied);
  CHECK_THAT(std::string(denied.message()),
             Catch::Contains("Integration (needs READ_WRITE_ACCESS, has READ_ACCESS)"));
}

TEST_CASE("get and list need READ Integration; revoke needs READ_WRITE Integration") {
  PermissionMap read{{"Integration", Access::kRead}};
  CHECK(Authorize("TokenService.GetToken", read).ok());
  CHECK(Authorize("TokenService.ListTokens", read).ok());
  CHECK(Authorize("TokenService.RevokeToken", read).code() == absl::StatusCode::kPermissionDenied);
  CHECK(Authorize("TokenService.ListAllowedTokenRoles", read).code() ==
        absl::StatusCode::kPermissionDenied);
}

TEST_CASE("any identity may ask who it is") {
  CHECK(Authorize("AuthService.GetAuthStatus", {}).ok());
  CHECK(Authorize("AuthService.ValidateToken", {}).ok());
}

TEST_CASE("watching revocations needs READ Access (roles) and READ Integration (token ids)") {
  CHECK(Authorize("AuthService.WatchRevocations",
                  {{"Access", Access::kRead}, {"Integration", Access::kRead}})
            .ok());
  absl::Status ci = Authorize("AuthService.WatchRevocations",
                              {{"Detection", Access::kRead}, {"Image", Access::kReadWrite}});
  CHECK(ci.code() == absl::StatusCode::kPermissionDenied);
  CHECK_THAT(std::string(ci.message()),
             Catch::Contains("Access (needs READ_ACCESS, has NO_ACCESS), Integration (needs "
                             "READ_ACCESS, has NO_ACCESS)"));
  CHECK(Authorize("AuthService.WatchRevocations", {{"Access", Access::kRead}}).code() ==
        absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace warden
