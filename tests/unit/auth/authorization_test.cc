#include "server/auth/authorization.h"

#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "google/protobuf/descriptor.h"
#include "warden/v1/auth.pb.h"
#include "warden/v1/auth_provider.pb.h"
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
  (void)v1::ListAuthProvidersRequest::descriptor();
  const google::protobuf::DescriptorPool* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const char* name : {"warden.v1.TokenService", "warden.v1.AuthService",
                           "warden.v1.RoleService", "warden.v1.AuthProviderService"}) {
    const google::protobuf::ServiceDescriptor* service = pool->FindServiceByName(name);
    REQUIRE(service != nullptr);
    for (int i = 0; i < service->method_count(); ++i) {
      methods.insert(service->name() + "." + service->method(i)->name());
    }
  }
  return methods;
}

// A new RPC cannot ship without deciding who may call it: the table must name it, once, with
// the name the protos give it (before, a missing entry was found only when the call
// CHECK-failed at run time).
TEST_CASE("the method table covers every method of the protos, and only those") {
  const std::set<std::string> in_protos = ProtoMethods();
  std::set<std::string> decided;
  for (const MethodInfo& info : AllMethods()) {
    CHECK(in_protos.count(info.name) == 1);   // no stale entry
    CHECK(decided.insert(info.name).second);  // no method twice
    REQUIRE(FindMethod(info.name).has_value());
    CHECK(*FindMethod(info.name) == info.method);
    CHECK(&Describe(info.method) == &info);
  }
  CHECK(decided == in_protos);
  CHECK_FALSE(FindMethod("TokenService.NoSuchMethod").has_value());
}

TEST_CASE("only the public keys, the M2M exchange and signing in take no credentials") {
  std::set<std::string> anonymous;
  for (const MethodInfo& info : AllMethods()) {
    if (info.anonymous) {
      anonymous.insert(info.name);
      CHECK(info.requirements.empty());
    }
  }
  CHECK(anonymous == std::set<std::string>{
                         "AuthService.ExchangeAuthMachineToMachineToken",
                         "AuthService.GetPublicKeys", "AuthProviderService.GetSignInOptions",
                         "AuthProviderService.StartSignIn", "AuthProviderService.CompleteSignIn",
                         "AuthProviderService.StartDeviceSignIn",
                         "AuthProviderService.CompleteDeviceSignIn"});
}

TEST_CASE("only the methods that mint a token spend the mint budget") {
  for (const MethodInfo& info : AllMethods()) {
    CAPTURE(info.name);
    CHECK(info.rate_limited ==
          (info.method == Method::kGenerateToken || info.method == Method::kRotateToken));
  }
}

TEST_CASE("GenerateToken needs READ Access and READ_WRITE Integration") {
  PermissionMap enough{{"Access", Access::kRead}, {"Integration", Access::kReadWrite}};
  CHECK(Authorize(Method::kGenerateToken, enough).ok());
  PermissionMap read_only{{"Access", Access::kRead}, {"Integration", Access::kRead}};
  absl::Status denied = Authorize(Method::kGenerateToken, read_only);
  CHECK(denied.code() == absl::StatusCode::kPermissionDenied);
  CHECK_THAT(std::string(denied.message()),
             Catch::Contains("Integration (needs READ_WRITE_ACCESS, has READ_ACCESS)"));
}

TEST_CASE("get and list need READ Integration, and revoke needs READ_WRITE Integration") {
  PermissionMap read{{"Integration", Access::kRead}};
  CHECK(Authorize(Method::kGetToken, read).ok());
  CHECK(Authorize(Method::kListTokens, read).ok());
  CHECK(Authorize(Method::kRevokeToken, read).code() == absl::StatusCode::kPermissionDenied);
  CHECK(Authorize(Method::kListAllowedTokenRoles, read).code() ==
        absl::StatusCode::kPermissionDenied);
}

TEST_CASE("any identity may ask who it is") {
  CHECK(Authorize(Method::kGetAuthStatus, {}).ok());
  CHECK(Authorize(Method::kValidateToken, {}).ok());
}

TEST_CASE("watching revocations needs READ Access (roles) and READ Integration (token ids)") {
  CHECK(Authorize(Method::kWatchRevocations,
                  {{"Access", Access::kRead}, {"Integration", Access::kRead}})
            .ok());
  absl::Status ci = Authorize(Method::kWatchRevocations,
                              {{"Detection", Access::kRead}, {"Image", Access::kReadWrite}});
  CHECK(ci.code() == absl::StatusCode::kPermissionDenied);
  CHECK_THAT(std::string(ci.message()),
             Catch::Contains("Access (needs READ_ACCESS, has NO_ACCESS), Integration (needs "
                             "READ_ACCESS, has NO_ACCESS)"));
  CHECK(Authorize(Method::kWatchRevocations, {{"Access", Access::kRead}}).code() ==
        absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace warden
