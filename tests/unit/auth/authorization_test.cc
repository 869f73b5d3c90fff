#include "server/auth/authorization.h"

#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "google/protobuf/descriptor.h"
#include "warden/v1/auth.pb.h"
#include "warden/v1/role.pb.h"
#include "warden/v1/token.pb.h"

namespace warden {
namespace {

// Every "Service.Method" of warden.v1, from the generated descriptors.
std::set<std::string> ProtoMethods() {
  std::set<std::string> methods;
  // Touching a message of each file registers its descriptors with the generated pool.
  (void)v1::GenerateTokenRequest::descriptor();
  (void)v1::GetAuthStatusRequest::descriptor();
  (void)v1::ListRolesRequest::descriptor();
  const google::protobuf::DescriptorPool* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const char* name : {"warden.v1.TokenService", "warden.v1.AuthService",
                           "warden.v1.RoleService"}) {
    const google::protobuf::ServiceDescriptor* service = pool->FindServiceByName(name);
    REQUIRE(service != nullptr);
    for (int i = 0; i < service->method_count(); ++i) {
      methods.insert(service->name() + "." + service->method(i)->name());
    }
  }
  return methods;
}

// A new RPC cannot ship without deciding who may call it: the table must name it (before,
// a missing entry was found only when the call CHECK-failed at run time).
TEST_CASE("the permission table covers every method of the protos, and only those") {
  const std::set<std::string> in_protos = ProtoMethods();
  std::set<std::string> decided;
  for (const std::string& method : PermissionTableMethods()) {
    CHECK(in_protos.count(method) == 1);  // no stale entry
    decided.insert(method);
  }
  for (const std::string& method : AnonymousMethods()) {
    CHECK(in_protos.count(method) == 1);
    CHECK(decided.insert(method).second);  // not in both lists
  }
  CHECK(decided == in_protos);
}

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
