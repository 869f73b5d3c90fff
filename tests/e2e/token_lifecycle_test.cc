// End to end: the real warden-server over gRPC, on a fresh database per test.

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>

#include "absl/strings/match.h"
#include "pqxx/pqxx"
#include "tests/e2e/api_client.h"
#include "tests/e2e/server_fixture.h"
#include "tests/e2e/warden_process.h"
#include "tests/support/test_database.h"
#include "validation/jose/base64url.h"
#include "validation/jose/ecdsa_signature.h"

namespace warden::testing {
namespace {

TEST_CASE_METHOD(ServerFixture, "admin mints a token that authenticates and validates") {
  auto minted = api_.Generate(admin_, "ci pipeline", {"Continuous Integration"});
  REQUIRE(minted.ok());
  const v1::TokenMetadata& meta = minted.response.metadata();
  CHECK(meta.name() == "ci pipeline");
  CHECK(meta.roles_size() == 1);
  CHECK(meta.created_by() == "user:admin");
  CHECK_FALSE(meta.revoked());
  // The default lifetime is one year.
  CHECK(meta.expiration().seconds() - meta.issued_at().seconds() == Approx(365 * 86400).margin(2));
  std::string token = minted.response.token();
  CHECK(std::count(token.begin(), token.end(), '.') == 2);

  auto status = api_.AuthStatus(Bearer(token));
  REQUIRE(status.ok());
  CHECK(status.response.identity().kind() == v1::IDENTITY_KIND_API_TOKEN);
  CHECK(status.response.identity().id() == meta.id());
  CHECK(status.response.identity().permissions().at("Image") == v1::ACCESS_LEVEL_READ_WRITE_ACCESS);
  CHECK(status.response.identity().permissions().at("Detection") == v1::ACCESS_LEVEL_READ_ACCESS);
  CHECK(status.response.identity().permissions().count("Alert") == 0);

  auto validated = api_.Validate(admin_, token);
  REQUIRE(validated.ok());
  CHECK(validated.response.identity().name() == "ci pipeline");
  CHECK(validated.response.identity().expiration().seconds() == meta.expiration().seconds());
  // A token may validate another (or itself): any authenticated caller may ask.
  CHECK(api_.Validate(Bearer(token), token).ok());

  auto got = api_.Get(admin_, meta.id());
  REQUIRE(got.ok());
  CHECK(got.response.token().name() == "ci pipeline");
  CHECK(got.response.token().created_by() == "user:admin");

  auto admin_status = api_.AuthStatus(admin_);
  REQUIRE(admin_status.ok());
  CHECK(admin_status.response.identity().kind() == v1::IDENTITY_KIND_ADMIN);
  CHECK(admin_status.response.identity().permissions().size() == 24);
}

TEST_CASE_METHOD(ServerFixture,
                 "ValidateToken needs an authenticated caller and explains rejections") {
  std::string token = MintAsAdmin("probe", {"Analyst"}).token();
  CHECK(api_.Validate("", token).code() == grpc::StatusCode::UNAUTHENTICATED);
  auto forged = api_.Validate(admin_, token.substr(0, token.size() - 4) + "AAAA");
  CHECK(forged.code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(forged.message() == "token signature is invalid");
  CHECK(api_.Validate(admin_, "").code() == grpc::StatusCode::INVALID_ARGUMENT);
}

// The same token with s replaced by n - s: still a valid ECDSA signature.
std::string HighSTwin(const std::string& token) {
  const size_t dot = token.rfind('.');
  const std::optional<std::string> signature = jose::Base64UrlDecode(token.substr(dot + 1));
  REQUIRE(signature.has_value());
  const std::optional<std::string> twin = jose::Es256NegateS(*signature);
  REQUIRE(twin.has_value());
  return token.substr(0, dot + 1) + jose::Base64UrlEncode(*twin);
}

TEST_CASE_METHOD(ServerFixture, "a token's high-S twin, a second valid signature, is refused") {
  // ECDSA malleability: s -> n - s keeps the signature valid, so without
  // the low-S rule one token would have two strings.
  std::string token = MintAsAdmin("malleable", {"Analyst"}).token();
  REQUIRE(api_.Validate(admin_, token).ok());  // Now in the verified-token cache, too.
  const std::string high_s = HighSTwin(token);
  auto refused = api_.Validate(admin_, high_s);
  CHECK(refused.code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(refused.message() == "token signature is not in canonical low-S form");
  CHECK(api_.AuthStatus(Bearer(high_s)).code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(api_.Validate(admin_, token).ok());
}

TEST_CASE_METHOD(ServerFixture,
                 "tokens issued before Warden signed only low-S keep working in either form") {
  // Tokens minted by earlier versions carry a high S about half the time; refusing them would
  // end valid credentials at the upgrade. Here the token counts as older than the switch.
  std::string token = MintAsAdmin("from before", {"Analyst"}).token();
  {
    pqxx::connection conn(database_.url());
    pqxx::nontransaction tx(conn);
    tx.exec0("UPDATE signature_policy SET high_s_issued_before = now() + interval '1 hour'");
  }
  server_.Stop();
  server_.Start();
  auto accepted = api_.Validate(admin_, HighSTwin(token));
  INFO(accepted.message());
  CHECK(accepted.ok());
  // A token issued after the switch still may not.
  std::string fresh = MintAsAdmin("from after", {"Analyst"}).token();
  {
    pqxx::connection conn(database_.url());
    pqxx::nontransaction tx(conn);
    tx.exec0("UPDATE signature_policy SET high_s_issued_before = now() - interval '1 hour'");
  }
  server_.Stop();
  server_.Start();
  CHECK(api_.Validate(admin_, HighSTwin(fresh)).code() == grpc::StatusCode::UNAUTHENTICATED);
}

TEST_CASE_METHOD(ServerFixture, "an Analyst token cannot mint an Admin token") {
  std::string analyst = MintAsAdmin("analyst", {"Analyst"}).token();
  auto denied = api_.Generate(Bearer(analyst), "escalate", {"Admin"});
  CHECK(denied.code() == grpc::StatusCode::PERMISSION_DENIED);
  CHECK_THAT(denied.message(), Catch::Contains("Integration"));

  auto allowed = api_.AllowedRoles(Bearer(analyst));
  REQUIRE(allowed.ok());
  std::vector<std::string> names(allowed.response.role_names().begin(),
                                 allowed.response.role_names().end());
  CHECK(names == std::vector<std::string>{"Analyst", "Network Graph Viewer"});
  // The lifetimes the server allows, so that a form can show them (defaults: a year each).
  CHECK(allowed.response.default_lifetime().seconds() == 8760 * 3600);
  CHECK(allowed.response.max_lifetime().seconds() == 8760 * 3600);

  auto admin_allowed = api_.AllowedRoles(admin_);
  REQUIRE(admin_allowed.ok());
  CHECK(admin_allowed.response.role_names_size() == 6);  // every default role but None
  CHECK(admin_allowed.response.role_names(0) == "Admin");
}

TEST_CASE_METHOD(ServerFixture, "a revoked token is rejected at once and after a restart") {
  auto minted = MintAsAdmin("short-lived", {"Analyst"});
  std::string token = minted.token();
  REQUIRE(api_.AuthStatus(Bearer(token)).ok());

  auto revoked = api_.Revoke(admin_, minted.metadata().id());
  REQUIRE(revoked.ok());
  CHECK(revoked.response.token().revoked());
  CHECK(revoked.response.token().has_revoked_at());
  auto rejected = api_.AuthStatus(Bearer(token));
  CHECK(rejected.code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(rejected.message() == "token has been revoked");
  CHECK(api_.Validate(admin_, token).code() == grpc::StatusCode::UNAUTHENTICATED);

  auto again = api_.Revoke(admin_, minted.metadata().id());
  REQUIRE(again.ok());  // revoking twice is fine and keeps the first time
  CHECK(again.response.token().revoked_at().seconds() ==
        revoked.response.token().revoked_at().seconds());

  REQUIRE(server_.Stop() == 0);
  server_.Start();
  CHECK(api_.AuthStatus(Bearer(token)).code() == grpc::StatusCode::UNAUTHENTICATED);
  auto after = api_.Get(admin_, minted.metadata().id());
  REQUIRE(after.ok());
  CHECK(after.response.token().revoked());
}

TEST_CASE_METHOD(ServerFixture, "the token string is in neither the log nor the database") {
  std::string token = MintAsAdmin("secret-keeper", {"Analyst"}).token();
  REQUIRE(api_.AuthStatus(Bearer(token)).ok());
  REQUIRE(api_.Validate(admin_, token).ok());
  api_.Validate(admin_, token + "x");  // a rejected token must not be logged either
  std::string signature = token.substr(token.rfind('.') + 1);

  std::string log = server_.Log();
  CHECK_FALSE(absl::StrContains(log, signature));
  CHECK_FALSE(absl::StrContains(log, server_.admin_password()));

  std::string dump_path = server_.data_dir() + "/dump.sql";
  std::string command = std::string(PG_DUMP_BINARY) + " '" + database_.url() + "' > " + dump_path;
  REQUIRE(std::system(command.c_str()) == 0);
  std::ifstream in(dump_path);
  std::string dump((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(absl::StrContains(dump, "secret-keeper"));  // the metadata is there
  CHECK_FALSE(absl::StrContains(dump, signature));
  CHECK_FALSE(absl::StrContains(dump, token));
}

TEST_CASE_METHOD(ServerFixture, "bad requests are INVALID_ARGUMENT with the reason") {
  absl::Time now = absl::Now();
  auto past = api_.Generate(admin_, "old", {"Analyst"}, now - absl::Hours(1));
  CHECK(past.code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK_THAT(past.message(), Catch::Contains("in the past"));
  auto too_far = api_.Generate(admin_, "long", {"Analyst"}, now + absl::Hours(8760 + 48));
  CHECK(too_far.code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK_THAT(too_far.message(), Catch::Contains("maximum token lifetime"));
  auto within = api_.Generate(admin_, "month", {"Analyst"}, now + absl::Hours(720));
  REQUIRE(within.ok());
  CHECK(within.response.metadata().expiration().seconds() ==
        absl::ToUnixSeconds(now + absl::Hours(720)));

  auto unknown = api_.Generate(admin_, "x", {"Analyst", "Wizard", "Sorcerer"});
  CHECK(unknown.code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK_THAT(unknown.message(), Catch::Contains("Wizard") && Catch::Contains("Sorcerer"));
  CHECK(api_.Generate(admin_, "", {"Analyst"}).code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(api_.Generate(admin_, std::string(129, 'n'), {"Analyst"}).code() ==
        grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(api_.Generate(admin_, "no roles", {}).code() == grpc::StatusCode::INVALID_ARGUMENT);

  v1::ListTokensRequest list;
  list.set_page_size(-1);
  CHECK(api_.List(admin_, list).code() == grpc::StatusCode::INVALID_ARGUMENT);
  list.set_page_size(10);
  list.set_page_token("not-a-token");
  CHECK(api_.List(admin_, list).code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(api_.Get(admin_, "not-a-uuid").code() == grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_CASE_METHOD(ServerFixture, "an unknown id is NOT_FOUND everywhere") {
  const std::string unknown = "5f0c3f5e-8d2a-4b5e-9a51-0c1d2e3f4a5b";
  auto got = api_.Get(admin_, unknown);
  CHECK(got.code() == grpc::StatusCode::NOT_FOUND);
  CHECK_THAT(got.message(), Catch::Contains(unknown));
  CHECK(api_.Revoke(admin_, unknown).code() == grpc::StatusCode::NOT_FOUND);
}

TEST_CASE_METHOD(ServerFixture,
                 "credentials: none, two headers, or wrong ones are UNAUTHENTICATED") {
  std::string token = MintAsAdmin("t", {"Analyst"}).token();
  CHECK(api_.AuthStatus("").code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(api_.AuthStatus("Bearer garbage").code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(api_.AuthStatus("Basic YWRtaW46d3Jvbmc=").code() == grpc::StatusCode::UNAUTHENTICATED);

  auto stub = v1::AuthService::NewStub(server_.channel());
  grpc::ClientContext context;
  SetDeadline(&context);
  context.AddMetadata("authorization", Bearer(token));
  context.AddMetadata("authorization", admin_);
  v1::GetAuthStatusResponse response;
  grpc::Status twice = stub->GetAuthStatus(&context, {}, &response);
  CHECK(twice.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK_THAT(twice.error_message(), Catch::Contains("more than one authorization header"));
}

TEST_CASE_METHOD(ServerFixture,
                 "listing pages through tokens and filters revoked and expired ones") {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i)
    ids.push_back(MintAsAdmin("t" + std::to_string(i), {"Analyst"}).metadata().id());
  REQUIRE(api_.Revoke(admin_, ids[1]).ok());

  v1::ListTokensRequest request;
  request.set_page_size(2);
  std::vector<std::string> seen;
  for (int page = 0; page < 10; ++page) {
    auto listed = api_.List(admin_, request);
    REQUIRE(listed.ok());
    for (const auto& t : listed.response.tokens()) seen.push_back(t.id());
    if (listed.response.next_page_token().empty()) break;
    request.set_page_token(listed.response.next_page_token());
  }
  CHECK(seen == ids);  // oldest first, each once

  v1::ListTokensRequest revoked_only;
  revoked_only.set_revoked(true);
  auto revoked = api_.List(admin_, revoked_only);
  REQUIRE(revoked.ok());
  REQUIRE(revoked.response.tokens_size() == 1);
  CHECK(revoked.response.tokens(0).id() == ids[1]);

  // A token that cannot read Integration cannot list.
  std::string network = MintAsAdmin("viewer", {"Network Graph Viewer"}).token();
  CHECK(api_.List(Bearer(network), {}).code() == grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace warden::testing
