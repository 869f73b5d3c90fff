// One part of the hostile table of hostile_input_test.cc: TokenService requests (names, roles,
// times and numbers, ids, message size).

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "tests/e2e/hostile_fixture.h"

namespace warden::testing {

using grpc::StatusCode;

namespace {

// A page token in the server's format ("t1:<micros>:<id>", base64url) with any time in it.
std::string PageToken(const std::string& micros) {
  return absl::WebSafeBase64Escape(absl::StrCat("t1:", micros, ":", HostileFixture::kUnknownId));
}

}  // namespace

std::vector<HostileRow> HostileFixture::TokenRows() {
  std::vector<std::string> distinct_roles, same_role;
  for (int i = 0; i < 10000; ++i) {
    distinct_roles.push_back(absl::StrCat("role-", i));
    same_role.push_back("Analyst");
  }
  // A row's call: ListTokens (ListExpiringTokens) of a request that `fill` sets fields of.
  auto list = [this](auto fill) {
    return [this, fill] {
      v1::ListTokensRequest request;
      fill(request);
      return List(request);
    };
  };
  auto list_expiring = [this](auto fill) {
    return [this, fill] {
      v1::ListExpiringTokensRequest request;
      fill(request);
      return ListExpiring(request);
    };
  };
  return {
      // Names: length, control characters, encodings, metacharacters.
      {"token name of 129 characters",
       [this] { return Generate(std::string(129, 'n'), {"Analyst"}); },
       StatusCode::INVALID_ARGUMENT},
      {"token name of 1 MB", [this] { return Generate(megabyte_name_, {"Analyst"}); },
       StatusCode::INVALID_ARGUMENT},
      {"token name with a NUL byte", [this] { return Generate(kNul, {"Analyst"}); },
       StatusCode::INVALID_ARGUMENT},
      {"token name of SQL is stored verbatim", [this] { return GenerateVerbatim(kSqlInjection); },
       StatusCode::OK},
      {"token name of metacharacters is stored verbatim",
       [this] { return GenerateVerbatim(kMetacharacters.substr(0, 128)); }, StatusCode::OK},
      {"token name that is not UTF-8",
       [this] {
         return RawCall(channel_, "/warden.v1.TokenService/GenerateToken",
                        LengthDelimited(1, kNotUtf8) + LengthDelimited(2, "Analyst"), admin_);
       },
       StatusCode::INVALID_ARGUMENT},
      {"role that is not UTF-8",
       [this] {
         return RawCall(channel_, "/warden.v1.TokenService/GenerateToken",
                        LengthDelimited(1, "n") + LengthDelimited(2, kNotUtf8), admin_);
       },
       StatusCode::INVALID_ARGUMENT},
      {"bytes that are no protobuf message",
       [this] {
         return RawCall(channel_, "/warden.v1.TokenService/GenerateToken", "\xff\xff\xff\xff",
                        admin_);
       },
       StatusCode::INVALID_ARGUMENT},
      // Roles.
      {"10,000 unknown roles in one request",
       [this, distinct_roles] { return Generate("many", distinct_roles); },
       StatusCode::INVALID_ARGUMENT},
      {"10,000 copies of one role", [this, same_role] { return Generate("same", same_role); },
       StatusCode::OK},
      {"role of 1 MB", [this] { return Generate("big role", {megabyte_name_}); },
       StatusCode::INVALID_ARGUMENT},
      {"role of SQL", [this] { return Generate("sql role", {kSqlInjection}); },
       StatusCode::INVALID_ARGUMENT},
      {"role Admin with a NUL byte and more after it",
       [this] { return Generate("nul role", {std::string("Admin\0evil", 10)}); },
       StatusCode::INVALID_ARGUMENT},
      // Times and numbers out of range.
      {"expiration in the year 292277026596",
       [this] {
         v1::GenerateTokenRequest request;
         request.set_name("far");
         request.add_roles("Analyst");
         request.mutable_expiration()->set_seconds(std::numeric_limits<int64_t>::max());
         return Generate(request);
       },
       StatusCode::INVALID_ARGUMENT},
      {"expiration with negative nanos",
       [this] {
         v1::GenerateTokenRequest request;
         request.set_name("nanos");
         request.add_roles("Analyst");
         request.mutable_expiration()->set_seconds(absl::ToUnixSeconds(absl::Now()) + 3600);
         request.mutable_expiration()->set_nanos(-1);
         return Generate(request);
       },
       StatusCode::INVALID_ARGUMENT},
      {"page_size -1", list([](auto& request) { request.set_page_size(-1); }),
       StatusCode::INVALID_ARGUMENT},
      {"page_size 2^31-1",
       list([](auto& request) { request.set_page_size(std::numeric_limits<int32_t>::max()); }),
       StatusCode::INVALID_ARGUMENT},
      {"unused_since before year 1", list([](auto& request) {
         request.mutable_unused_since()->set_seconds(std::numeric_limits<int64_t>::min());
       }),
       StatusCode::INVALID_ARGUMENT},
      {"page_token of SQL", list([](auto& request) { request.set_page_token(kSqlInjection); }),
       StatusCode::INVALID_ARGUMENT},
      {"page_token of 1 MB",
       list([this](auto& request) { request.set_page_token(megabyte_token_); }),
       StatusCode::INVALID_ARGUMENT},
      {"page_token holding a time far beyond any timestamp",
       list([](auto& request) { request.set_page_token(PageToken("9223372036854775807")); }),
       StatusCode::INVALID_ARGUMENT},
      {"page_token holding a time far before any timestamp",
       list([](auto& request) { request.set_page_token(PageToken("-9223372036854775807")); }),
       StatusCode::INVALID_ARGUMENT},
      {"expiring page_token holding a time far beyond any timestamp",
       list_expiring(
           [](auto& request) { request.set_page_token(PageToken("9223372036854775807")); }),
       StatusCode::INVALID_ARGUMENT},
      {"expiring window of 2^63-1 seconds", list_expiring([](auto& request) {
         request.mutable_within()->set_seconds(std::numeric_limits<int64_t>::max());
       }),
       StatusCode::INVALID_ARGUMENT},
      {"negative expiring window",
       list_expiring([](auto& request) { request.mutable_within()->set_seconds(-3600); }),
       StatusCode::INVALID_ARGUMENT},
      // Ids.
      {"GetToken id of SQL", [this] { return Get("' OR '1'='1"); }, StatusCode::INVALID_ARGUMENT},
      {"GetToken id of 1 MB", [this] { return Get(megabyte_token_); },
       StatusCode::INVALID_ARGUMENT},
      {"GetToken of an unknown id", [this] { return Get(kUnknownId); }, StatusCode::NOT_FOUND},
      {"RevokeToken id of SQL", [this] { return Revoke(kSqlInjection); },
       StatusCode::INVALID_ARGUMENT},
      {"RevokeToken of an unknown id", [this] { return Revoke(kUnknownId); },
       StatusCode::NOT_FOUND},
      // Message size.
      {"a 5 MB request", [this] { return Generate(std::string(5 << 20, 'Q'), {"Analyst"}); },
       StatusCode::RESOURCE_EXHAUSTED},
  };
}

}  // namespace warden::testing
