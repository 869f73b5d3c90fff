// End to end: a table of hostile requests — oversized, not UTF-8, NUL bytes, SQL
// metacharacters in every string field, huge repeated fields, out-of-range numbers, piles of
// credentials, deeply nested JSON — each answered with the code a careful API user expects,
// a short message that echoes none of it, and a server that stays healthy.

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/jose/base64url.h"
#include "tests/e2e/api_client.h"
#include "tests/e2e/hostile_fixture.h"
#include "tests/unit/oidc/test_issuer.h"

namespace warden::testing {
namespace {

using grpc::StatusCode;

constexpr char kSqlInjection[] = "'; DROP TABLE tokens; --";
constexpr char kUnknownId[] = "5f0c3f5e-8d2a-4b5e-9a51-0c1d2e3f4a5b";
// Characters that LIKE patterns, string literals and C strings treat specially.
const std::string kMetacharacters =
    std::string("100% _x_ \\ \\\\ \" ' ` ; -- /* */ $1 ") + "Robert'); DELETE FROM roles; --";
const std::string kNul("a\0b", 3);
const std::string kNotUtf8 = "caf\xc3\x28 \xff\xfe";

// A page token in the server's format ("t1:<micros>:<id>", base64url) with any time in it.
std::string PageToken(const std::string& micros) {
  return absl::WebSafeBase64Escape(absl::StrCat("t1:", micros, ":", kUnknownId));
}

struct Row {
  std::string description;
  std::function<grpc::Status()> call;
  StatusCode expected;
};

TEST_CASE_METHOD(HostileFixture, "hostile input gets the right code and the server stays healthy") {
  const std::string megabyte_name(1 << 20, 'Q');
  const std::string megabyte_token(1 << 20, 'T');
  std::vector<std::string> distinct_roles, same_role;
  for (int i = 0; i < 10000; ++i) {
    distinct_roles.push_back(absl::StrCat("role-", i));
    same_role.push_back("Analyst");
  }
  // ID tokens the configured issuer really signed (its test key is shared per algorithm),
  // whose claims nest `levels` deep.
  auto deep_id_token = [this](int levels) {
    const std::string claims =
        absl::StrCat(R"({"iss":")", issuer_.url(), R"(","sub":"x","aud":"warden-test",)",
                     R"("repository":"org/repo","iat":)", absl::ToUnixSeconds(absl::Now()),
                     R"(,"exp":)", absl::ToUnixSeconds(absl::Now() + absl::Minutes(5)),
                     R"(,"deep":)", std::string(levels, '['), std::string(levels, ']'), "}");
    const auto key = oidc::testing::MakeKey(jose::JwsAlgorithm::kEs256, "issuer-key-1");
    return oidc::testing::SignRaw(*key.key, R"({"alg":"ES256","kid":"issuer-key-1","typ":"JWT"})",
                                  claims);
  };
  const std::string deep_header_token = absl::StrCat(
      jose::Base64UrlEncode(std::string(10000, '[') + std::string(10000, ']')), ".e30.c2ln");
  REQUIRE(AddM2m(issuer_.url(), [](auto&) {}).ok());  // so that its ID tokens are verified

  const std::vector<Row> rows = {
      // Names: length, control characters, encodings, metacharacters.
      {"token name of 129 characters", [&] { return Generate(std::string(129, 'n'), {"Analyst"}); },
       StatusCode::INVALID_ARGUMENT},
      {"token name of 1 MB", [&] { return Generate(megabyte_name, {"Analyst"}); },
       StatusCode::INVALID_ARGUMENT},
      {"token name with a NUL byte", [&] { return Generate(kNul, {"Analyst"}); },
       StatusCode::INVALID_ARGUMENT},
      {"token name of SQL is stored verbatim", [&] { return GenerateVerbatim(kSqlInjection); },
       StatusCode::OK},
      {"token name of metacharacters is stored verbatim",
       [&] { return GenerateVerbatim(kMetacharacters.substr(0, 128)); }, StatusCode::OK},
      {"token name that is not UTF-8",
       [&] {
         return RawCall(channel_, "/warden.v1.TokenService/GenerateToken",
                        LengthDelimited(1, kNotUtf8) + LengthDelimited(2, "Analyst"), admin_);
       },
       StatusCode::INVALID_ARGUMENT},
      {"role that is not UTF-8",
       [&] {
         return RawCall(channel_, "/warden.v1.TokenService/GenerateToken",
                        LengthDelimited(1, "n") + LengthDelimited(2, kNotUtf8), admin_);
       },
       StatusCode::INVALID_ARGUMENT},
      {"bytes that are no protobuf message",
       [&] {
         return RawCall(channel_, "/warden.v1.TokenService/GenerateToken", "\xff\xff\xff\xff",
                        admin_);
       },
       StatusCode::INVALID_ARGUMENT},
      // Roles.
      {"10,000 unknown roles in one request", [&] { return Generate("many", distinct_roles); },
       StatusCode::INVALID_ARGUMENT},
      {"10,000 copies of one role", [&] { return Generate("same", same_role); }, StatusCode::OK},
      {"role of 1 MB", [&] { return Generate("big role", {megabyte_name}); },
       StatusCode::INVALID_ARGUMENT},
      {"role of SQL", [&] { return Generate("sql role", {kSqlInjection}); },
       StatusCode::INVALID_ARGUMENT},
      {"role Admin with a NUL byte and more after it",
       [&] { return Generate("nul role", {std::string("Admin\0evil", 10)}); },
       StatusCode::INVALID_ARGUMENT},
      // Times and numbers out of range.
      {"expiration in the year 292277026596",
       [&] {
         v1::GenerateTokenRequest request;
         request.set_name("far");
         request.add_roles("Analyst");
         request.mutable_expiration()->set_seconds(std::numeric_limits<int64_t>::max());
         return Generate(request);
       },
       StatusCode::INVALID_ARGUMENT},
      {"expiration with negative nanos",
       [&] {
         v1::GenerateTokenRequest request;
         request.set_name("nanos");
         request.add_roles("Analyst");
         request.mutable_expiration()->set_seconds(absl::ToUnixSeconds(absl::Now()) + 3600);
         request.mutable_expiration()->set_nanos(-1);
         return Generate(request);
       },
       StatusCode::INVALID_ARGUMENT},
      {"page_size -1",
       [&] {
         v1::ListTokensRequest request;
         request.set_page_size(-1);
         return List(request);
       },
       StatusCode::INVALID_ARGUMENT},
      {"page_size 2^31-1",
       [&] {
         v1::ListTokensRequest request;
         request.set_page_size(std::numeric_limits<int32_t>::max());
         return List(request);
       },
       StatusCode::INVALID_ARGUMENT},
      {"unused_since before year 1",
       [&] {
         v1::ListTokensRequest request;
         request.mutable_unused_since()->set_seconds(std::numeric_limits<int64_t>::min());
         return List(request);
       },
       StatusCode::INVALID_ARGUMENT},
      {"page_token of SQL",
       [&] {
         v1::ListTokensRequest request;
         request.set_page_token(kSqlInjection);
         return List(request);
       },
       StatusCode::INVALID_ARGUMENT},
      {"page_token of 1 MB",
       [&] {
         v1::ListTokensRequest request;
         request.set_page_token(megabyte_token);
         return List(request);
       },
       StatusCode::INVALID_ARGUMENT},
      {"page_token holding a time far beyond any timestamp",
       [&] {
         v1::ListTokensRequest request;
         request.set_page_token(PageToken("9223372036854775807"));
         return List(request);
       },
       StatusCode::INVALID_ARGUMENT},
      {"page_token holding a time far before any timestamp",
       [&] {
         v1::ListTokensRequest request;
         request.set_page_token(PageToken("-9223372036854775807"));
         return List(request);
       },
       StatusCode::INVALID_ARGUMENT},
      {"expiring page_token holding a time far beyond any timestamp",
       [&] {
         v1::ListExpiringTokensRequest request;
         request.set_page_token(PageToken("9223372036854775807"));
         return ListExpiring(request);
       },
       StatusCode::INVALID_ARGUMENT},
      {"expiring window of 2^63-1 seconds",
       [&] {
         v1::ListExpiringTokensRequest request;
         request.mutable_within()->set_seconds(std::numeric_limits<int64_t>::max());
         return ListExpiring(request);
       },
       StatusCode::INVALID_ARGUMENT},
      {"negative expiring window",
       [&] {
         v1::ListExpiringTokensRequest request;
         request.mutable_within()->set_seconds(-3600);
         return ListExpiring(request);
       },
       StatusCode::INVALID_ARGUMENT},
      // Ids.
      {"GetToken id of SQL", [&] { return Get("' OR '1'='1"); }, StatusCode::INVALID_ARGUMENT},
      {"GetToken id of 1 MB", [&] { return Get(megabyte_token); }, StatusCode::INVALID_ARGUMENT},
      {"GetToken of an unknown id", [&] { return Get(kUnknownId); }, StatusCode::NOT_FOUND},
      {"RevokeToken id of SQL", [&] { return Revoke(kSqlInjection); },
       StatusCode::INVALID_ARGUMENT},
      {"RevokeToken of an unknown id", [&] { return Revoke(kUnknownId); }, StatusCode::NOT_FOUND},
      // Message size.
      {"a 5 MB request", [&] { return Generate(std::string(5 << 20, 'Q'), {"Analyst"}); },
       StatusCode::RESOURCE_EXHAUSTED},
      // Credentials.
      {"100 authorization headers",
       [&] { return AuthStatusWith(std::vector<std::string>(100, "Bearer a")); },
       StatusCode::UNAUTHENTICATED},
      {"10 authorization headers, each of them valid",
       [&] { return AuthStatusWith(std::vector<std::string>(10, admin_)); },
       StatusCode::UNAUTHENTICATED},
      {"two authorization headers, a valid one first",
       [&] {
         return AuthStatusWith({admin_, "Bearer x"});
       },
       StatusCode::UNAUTHENTICATED},
      {"bearer token of SQL", [&] { return AuthStatusWith({Bearer(kSqlInjection)}); },
       StatusCode::UNAUTHENTICATED},
      {"bearer token of 6 KB", [&] { return AuthStatusWith({Bearer(std::string(6000, 'T'))}); },
       StatusCode::UNAUTHENTICATED},
      // gRPC refuses a header block over 8 KB before Warden sees the call.
      {"bearer token of 1 MB, on the sender's own connection",
       [&] {
         grpc::ChannelArguments own;
         own.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
         auto stub = v1::AuthService::NewStub(
             grpc::CreateCustomChannel(server_.address(), grpc::InsecureChannelCredentials(), own));
         v1::GetAuthStatusResponse response;
         return stub->GetAuthStatus(ContextWith({Bearer(megabyte_token)}).get(),
                                    v1::GetAuthStatusRequest(), &response);
       },
       StatusCode::RESOURCE_EXHAUSTED},
      {"token whose JWS header nests 10,000 levels", [&] { return Validate(deep_header_token); },
       StatusCode::UNAUTHENTICATED},
      {"basic credentials of SQL",
       [&] {
         return AuthStatusWith(
             {"Basic " + absl::Base64Escape("admin:" + std::string(kSqlInjection))});
       },
       StatusCode::UNAUTHENTICATED},
      {"ValidateToken of a 1 MB token", [&] { return Validate(megabyte_token); },
       StatusCode::UNAUTHENTICATED},
      {"ValidateToken of SQL", [&] { return Validate(kSqlInjection); },
       StatusCode::UNAUTHENTICATED},
      // ID tokens.
      {"exchange of an ID token whose claims nest 10,000 levels",
       [&] { return Exchange(deep_id_token(10000)); }, StatusCode::INVALID_ARGUMENT},
      // As deep as fits in a header.
      {"an ID token whose claims nest 2,000 levels used as a bearer token",
       [&] { return AuthStatusWith({Bearer(deep_id_token(2000))}); }, StatusCode::UNAUTHENTICATED},
      {"exchange of a 1 MB ID token", [&] { return Exchange(megabyte_token); },
       StatusCode::INVALID_ARGUMENT},
      {"exchange of SQL", [&] { return Exchange(kSqlInjection); }, StatusCode::INVALID_ARGUMENT},
      // Roles, permission sets, access scopes.
      {"permission set of SQL and metacharacters is stored verbatim",
       [&] { return PermissionSetVerbatim(kSqlInjection, kMetacharacters); }, StatusCode::OK},
      {"permission set description with a NUL byte",
       [&] { return PermissionSetVerbatim("nul description", kNul); },
       StatusCode::INVALID_ARGUMENT},
      {"permission set description of 1 MB",
       [&] { return PermissionSetVerbatim("big description", megabyte_name); },
       StatusCode::INVALID_ARGUMENT},
      {"permission set resource of SQL",
       [&] {
         v1::PermissionSet set;
         set.set_name("sql resource");
         (*set.mutable_resource_to_access())[kSqlInjection] = v1::ACCESS_LEVEL_READ_ACCESS;
         return CreatePermissionSet(set);
       },
       StatusCode::INVALID_ARGUMENT},
      {"permission set access level 99",
       [&] {
         v1::PermissionSet set;
         set.set_name("level 99");
         (*set.mutable_resource_to_access())["Image"] = static_cast<v1::AccessLevel>(99);
         return CreatePermissionSet(set);
       },
       StatusCode::INVALID_ARGUMENT},
      {"permission set resource with a NUL byte",
       [&] {
         v1::PermissionSet set;
         set.set_name("nul resource");
         (*set.mutable_resource_to_access())[std::string("Image\0x", 7)] =
             v1::ACCESS_LEVEL_READ_ACCESS;
         return CreatePermissionSet(set);
       },
       StatusCode::INVALID_ARGUMENT},
      {"permission set name that is not UTF-8",
       [&] {
         return RawCall(channel_, "/warden.v1.RoleService/CreatePermissionSet",
                        LengthDelimited(1, LengthDelimited(2, kNotUtf8)), admin_);
       },
       StatusCode::INVALID_ARGUMENT},
      {"access scope cluster with a NUL byte",
       [&] {
         v1::AccessScope scope;
         scope.set_name("nul cluster");
         scope.mutable_rules()->add_clusters(kNul);
         return CreateAccessScope(scope);
       },
       StatusCode::INVALID_ARGUMENT},
      {"access scope namespace with a NUL byte",
       [&] {
         v1::AccessScope scope;
         scope.set_name("nul namespace");
         auto* ns = scope.mutable_rules()->add_namespaces();
         ns->set_cluster("c");
         ns->set_namespace_(kNul);
         return CreateAccessScope(scope);
       },
       StatusCode::INVALID_ARGUMENT},
      {"role of SQL and metacharacters is stored verbatim",
       [&] { return RoleVerbatim("x'); DROP TABLE roles; --", kMetacharacters); }, StatusCode::OK},
      {"role description that is not UTF-8",
       [&] {
         return RawCall(channel_, "/warden.v1.RoleService/CreateRole",
                        LengthDelimited(1, LengthDelimited(1, "r") + LengthDelimited(2, kNotUtf8)),
                        admin_);
       },
       StatusCode::INVALID_ARGUMENT},
      {"role name of 1 MB",
       [&] {
         v1::Role role;
         role.set_name(megabyte_name);
         return CreateRole(role);
       },
       StatusCode::INVALID_ARGUMENT},
      {"role permission_set_id of SQL",
       [&] {
         v1::Role role;
         role.set_name("sql ids");
         role.set_permission_set_id(kSqlInjection);
         role.set_access_scope_id(kSqlInjection);
         return CreateRole(role);
       },
       StatusCode::INVALID_ARGUMENT},
      {"GetRole of SQL", [&] { return GetRole(kSqlInjection); }, StatusCode::NOT_FOUND},
      {"GetRole of 'Admin', a NUL byte and more",
       [&] { return GetRole(std::string("Admin\0evil", 10)); }, StatusCode::INVALID_ARGUMENT},
      {"DeleteRole of 'None', a NUL byte and more",
       [&] { return DeleteRole(std::string("None\0evil", 9)); }, StatusCode::INVALID_ARGUMENT},
      {"GetRole of a 1 MB name", [&] { return GetRole(megabyte_name); },
       StatusCode::INVALID_ARGUMENT},
      {"GetPermissionSet id of SQL", [&] { return GetPermissionSet(kSqlInjection); },
       StatusCode::INVALID_ARGUMENT},
      // Machine-to-machine configurations.
      {"M2M audience, claim key and expression of SQL are stored verbatim",
       [&] {
         return M2mVerbatim([](auto& config) {
           config.add_audiences(kSqlInjection);
           auto* mapping = config.add_mappings();
           mapping->set_key(kMetacharacters);
           mapping->set_value_expression("'; DROP TABLE m2m_configs; --.*");
           mapping->set_role("Analyst");
         });
       },
       StatusCode::OK},
      {"M2M mapping role of SQL",
       [&] {
         return TryM2m([](auto& config) { config.mutable_mappings(0)->set_role(kSqlInjection); });
       },
       StatusCode::INVALID_ARGUMENT},
      {"M2M issuer of SQL",
       [&] { return TryM2m([](auto& config) { config.set_issuer(kSqlInjection); }); },
       StatusCode::INVALID_ARGUMENT},
      {"M2M audience with a NUL byte",
       [&] { return TryM2m([](auto& config) { config.set_audiences(0, kNul); }); },
       StatusCode::INVALID_ARGUMENT},
      {"M2M claim key with a NUL byte",
       [&] { return M2mVerbatim([](auto& config) { config.mutable_mappings(0)->set_key(kNul); }); },
       StatusCode::INVALID_ARGUMENT},
      {"M2M expression '.*', a NUL byte and more (stored, it would match everything)",
       [&] {
         return M2mVerbatim([](auto& config) {
           config.mutable_mappings(0)->set_value_expression(std::string(".*\0org/repo", 11));
         });
       },
       StatusCode::INVALID_ARGUMENT},
      {"M2M token lifetime of SQL",
       [&] {
         return TryM2m([](auto& config) { config.set_token_expiration_duration(kSqlInjection); });
       },
       StatusCode::INVALID_ARGUMENT},
      {"M2M expression of 1 MB",
       [&] {
         return TryM2m([&](auto& config) {
           config.mutable_mappings(0)->set_value_expression(megabyte_name);
         });
       },
       StatusCode::INVALID_ARGUMENT},
  };

  for (const Row& row : rows) {
    INFO("row: " << row.description);
    grpc::Status status = row.call();
    INFO("answer: " << static_cast<int>(status.error_code()) << " "
                    << status.error_message().substr(0, 300));
    CHECK(status.error_code() == row.expected);
    // A short message that does not echo the input back.
    CHECK(status.error_message().size() <= 512);
    CHECK_FALSE(absl::StrContains(status.error_message(), "QQQQQQQQ"));
    CHECK_FALSE(absl::StrContains(status.error_message(), "TTTTTTTT"));
    // Still healthy, and still doing its job.
    CHECK(Health() == "SERVING");
    CHECK(AuthStatusWith({admin_}).ok());
  }

  // Nothing the table did reached SQL as SQL.
  CHECK(Get(kUnknownId).error_code() == StatusCode::NOT_FOUND);
  v1::GetRoleResponse admin_role;
  CHECK(GetRole("Admin", &admin_role).ok());

  // The log holds no secret, none of the hostile payloads, and no sign of a crash.
  const std::string log = server_.Log();
  CHECK_FALSE(absl::StrContains(log, server_.admin_password()));
  for (const std::string& token : minted_tokens_) CHECK_FALSE(absl::StrContains(log, token));
  CHECK_FALSE(absl::StrContains(log, std::string(64, 'Q')));
  CHECK_FALSE(absl::StrContains(log, std::string(64, 'T')));
  for (const char* crash : {"Check failed", "terminate called", "SIGSEGV", "SIGABRT", "*** "}) {
    CHECK_FALSE(absl::StrContains(log, crash));
  }
}

}  // namespace
}  // namespace warden::testing
