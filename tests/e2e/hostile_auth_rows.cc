// One part of the hostile table of hostile_input_test.cc: credentials (AuthService, and the
// authorization header of every call) and ID tokens to exchange.

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "tests/e2e/api_client.h"
#include "tests/e2e/hostile_fixture.h"
#include "tests/unit/oidc/test_issuer.h"
#include "validation/jose/base64url.h"

namespace warden::testing {

using grpc::StatusCode;

namespace {

// An ID token `issuer` really signed (its test key is shared per algorithm), whose claims
// nest `levels` deep.
std::string DeepIdToken(const std::string& issuer, int levels) {
  const std::string claims =
      absl::StrCat(R"({"iss":")", issuer, R"(","sub":"x","aud":"warden-test",)",
                   R"("repository":"org/repo","iat":)", absl::ToUnixSeconds(absl::Now()),
                   R"(,"exp":)", absl::ToUnixSeconds(absl::Now() + absl::Minutes(5)), R"(,"deep":)",
                   std::string(levels, '['), std::string(levels, ']'), "}");
  const auto key = oidc::testing::MakeKey(jose::JwsAlgorithm::kEs256, "issuer-key-1");
  return oidc::testing::SignRaw(*key.key, R"({"alg":"ES256","kid":"issuer-key-1","typ":"JWT"})",
                                claims);
}

}  // namespace

std::vector<HostileRow> HostileFixture::AuthRows() {
  const std::string deep_header_token = absl::StrCat(
      jose::Base64UrlEncode(std::string(10000, '[') + std::string(10000, ']')), ".e30.c2ln");
  return {
      // Credentials.
      {"100 authorization headers",
       [this] { return AuthStatusWith(std::vector<std::string>(100, "Bearer a")); },
       StatusCode::UNAUTHENTICATED},
      {"10 authorization headers, each of them valid",
       [this] { return AuthStatusWith(std::vector<std::string>(10, admin_)); },
       StatusCode::UNAUTHENTICATED},
      {"two authorization headers, a valid one first",
       [this] {
         return AuthStatusWith({admin_, "Bearer x"});
       },
       StatusCode::UNAUTHENTICATED},
      {"bearer token of SQL", [this] { return AuthStatusWith({Bearer(kSqlInjection)}); },
       StatusCode::UNAUTHENTICATED},
      {"bearer token of 6 KB", [this] { return AuthStatusWith({Bearer(std::string(6000, 'T'))}); },
       StatusCode::UNAUTHENTICATED},
      // gRPC refuses a header block over 8 KB before Warden sees the call.
      {"bearer token of 1 MB, on the sender's own connection",
       [this] {
         grpc::ChannelArguments own;
         own.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
         auto stub = v1::AuthService::NewStub(
             grpc::CreateCustomChannel(server_.address(), grpc::InsecureChannelCredentials(), own));
         v1::GetAuthStatusResponse response;
         return stub->GetAuthStatus(ContextWith({Bearer(megabyte_token_)}).get(),
                                    v1::GetAuthStatusRequest(), &response);
       },
       StatusCode::RESOURCE_EXHAUSTED},
      {"token whose JWS header nests 10,000 levels",
       [this, deep_header_token] { return Validate(deep_header_token); },
       StatusCode::UNAUTHENTICATED},
      {"basic credentials of SQL",
       [this] {
         return AuthStatusWith(
             {"Basic " + absl::Base64Escape("admin:" + std::string(kSqlInjection))});
       },
       StatusCode::UNAUTHENTICATED},
      {"ValidateToken of a 1 MB token", [this] { return Validate(megabyte_token_); },
       StatusCode::UNAUTHENTICATED},
      {"ValidateToken of SQL", [this] { return Validate(kSqlInjection); },
       StatusCode::UNAUTHENTICATED},
      // ID tokens.
      {"exchange of an ID token whose claims nest 10,000 levels",
       [this] { return Exchange(DeepIdToken(issuer_.url(), 10000)); },
       StatusCode::INVALID_ARGUMENT},
      // As deep as fits in a header.
      {"an ID token whose claims nest 2,000 levels used as a bearer token",
       [this] { return AuthStatusWith({Bearer(DeepIdToken(issuer_.url(), 2000))}); },
       StatusCode::UNAUTHENTICATED},
      {"exchange of a 1 MB ID token", [this] { return Exchange(megabyte_token_); },
       StatusCode::INVALID_ARGUMENT},
      {"exchange of SQL", [this] { return Exchange(kSqlInjection); }, StatusCode::INVALID_ARGUMENT},
  };
}

}  // namespace warden::testing
