// End to end: a script written for StackRox's (RHACS) token API, pointed at Warden's HTTP
// port — the same paths, verbs, JSON field names and error shape — with only the base URL
// changed. Its tokens work on both transports, and its revocations hold on both.

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tests/e2e/http_client.h"
#include "tests/e2e/m2m_fixture.h"

namespace warden::testing {
namespace {

using Json = nlohmann::json;

// The M2M fixture's server, with its HTTP port as the script's base URL.
class StackRoxFixture : public M2mFixture {
 public:
  StackRoxFixture()
      : M2mFixture(/*allow_private_issuers=*/true, /*serve_http=*/true),
        http_(server_.http_port()) {}

  // The script's calls, each checked to answer 200 with a JSON body.
  Json Ok(const HttpReply& reply) {
    INFO(reply.status << " " << reply.body << reply.error);
    REQUIRE(reply.status == 200);
    CHECK(reply.Header("content-type") == "application/json");
    Json body = reply.Json();
    REQUIRE(body.is_object());
    return body;
  }
  Json Generate(const Json& request) {
    return Ok(http_.SendJson("POST", "/v1/apitokens/generate", request.dump(), admin_));
  }
  std::vector<std::string> ListedIds(const std::string& query) {
    Json listed = Ok(http_.Get("/v1/apitokens" + query, admin_));
    std::vector<std::string> ids;
    for (const Json& token : listed.at("tokens")) ids.push_back(token.at("id"));
    return ids;
  }
  // A StackRox error: the HTTP status of the code, {code: <gRPC number>, message, error}.
  void CheckError(const HttpReply& reply, int http_status, grpc::StatusCode code) {
    INFO(reply.status << " " << reply.body);
    CHECK(reply.status == http_status);
    const Json body = reply.Json();
    REQUIRE(body.is_object());
    CHECK(body.value("code", -1) == static_cast<int>(code));
    CHECK(!body.value("message", std::string()).empty());
    CHECK(body.value("error", std::string()) == body.value("message", std::string()));
  }

  HttpClient http_;
};

bool Contains(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

absl::Time ParseRfc3339(const std::string& text) {
  absl::Time time;
  std::string error;
  INFO(text);
  REQUIRE(absl::ParseTime(absl::RFC3339_full, text, &time, &error));
  return time;
}

TEST_CASE_METHOD(StackRoxFixture, "a StackRox token script works with only the base URL changed") {
  // Generate with the deprecated single `role`, then with `roles` and an expiration.
  const Json one = Generate({{"name", "ci-role"}, {"role", "Analyst"}});
  CHECK(!one.at("token").get<std::string>().empty());
  const Json& meta = one.at("metadata");
  CHECK(meta.at("name") == "ci-role");
  CHECK(meta.at("roles") == Json::array({"Analyst"}));
  CHECK(meta.at("role") == "Analyst");
  CHECK(meta.at("revoked") == false);
  CHECK(absl::AbsDuration(ParseRfc3339(meta.at("issuedAt")) - absl::Now()) < absl::Minutes(1));
  CHECK(ParseRfc3339(meta.at("expiration")) > absl::Now() + absl::Hours(24));

  const absl::Time expiration = absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()) + 86400);
  const std::string rfc3339 = absl::FormatTime(absl::RFC3339_sec, expiration, absl::UTCTimeZone());
  const Json two = Generate({{"name", "ci-roles"},
                             {"roles", {"Analyst", "Continuous Integration"}},
                             {"expiration", rfc3339}});
  const std::string id1 = meta.at("id");
  const std::string id2 = two.at("metadata").at("id");
  CHECK(two.at("metadata").at("roles") == Json::array({"Analyst", "Continuous Integration"}));
  CHECK(ParseRfc3339(two.at("metadata").at("expiration")) == expiration);
  CHECK_FALSE(two.at("metadata").contains("role"));  // StackRox sets it for one role only

  // GET by id: the metadata the mint answered.
  Json got = Ok(http_.Get("/v1/apitokens/" + id2, admin_));
  for (const char* field : {"id", "name", "roles", "expiration", "revoked"}) {
    INFO(field);
    CHECK(got.at(field) == two.at("metadata").at(field));
  }
  CHECK(absl::AbsDuration(ParseRfc3339(got.at("issuedAt")) -
                          ParseRfc3339(two.at("metadata").at("issuedAt"))) < absl::Milliseconds(1));

  // List, revoke, list again: the revoked filter both ways.
  CHECK(Contains(ListedIds(""), id1));
  CHECK(Contains(ListedIds("?revoked=false"), id1));
  CHECK(Ok(http_.Send("PATCH", "/v1/apitokens/revoke/" + id1, WithAuthorization(admin_))) ==
        Json::object());
  const std::vector<std::string> revoked = ListedIds("?revoked=true");
  const std::vector<std::string> live = ListedIds("?revoked=false");
  CHECK(Contains(revoked, id1));
  CHECK_FALSE(Contains(revoked, id2));
  CHECK(Contains(live, id2));
  CHECK_FALSE(Contains(live, id1));
  CHECK(Ok(http_.Get("/v1/apitokens/" + id1, admin_)).at("revoked") == true);

  // The revoked token is refused on both transports; the live one works on both.
  const std::string token1 = one.at("token");
  const std::string token2 = two.at("token");
  CheckError(http_.Get("/v1/auth/status", Bearer(token1)), 401, grpc::StatusCode::UNAUTHENTICATED);
  CHECK(api_.AuthStatus(Bearer(token1)).code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(api_.AuthStatus(Bearer(token2)).ok());

  // auth/status in StackRox's shape.
  const Json status = Ok(http_.Get("/v1/auth/status", Bearer(token2)));
  CHECK(status.at("userId") == id2);
  const Json& user = status.at("userInfo");
  CHECK(user.at("username") == "ci-roles");
  CHECK(user.at("roles") ==
        Json::array({{{"name", "Analyst"}}, {{"name", "Continuous Integration"}}}));
  const Json& access = user.at("permissions").at("resourceToAccess");
  REQUIRE(access.is_object());
  CHECK(!access.empty());
  for (const auto& [resource, level] : access.items()) {
    INFO(resource);
    CHECK((level == "NO_ACCESS" || level == "READ_ACCESS" || level == "READ_WRITE_ACCESS"));
  }
  const Json admin_status = Ok(http_.Get("/v1/auth/status", admin_));
  CHECK(admin_status.at("userInfo").at("username") == "admin");
  CHECK(admin_status.at("userInfo").at("permissions").at("resourceToAccess").at("Access") ==
        "READ_WRITE_ACCESS");

  // The roles the caller may put on a token.
  const Json allowed = Ok(http_.Get("/v1/apitokens/generate/allowed-roles", admin_));
  const std::vector<std::string> names = allowed.at("roleNames");
  CHECK(Contains(names, "Admin"));
  CHECK(Contains(names, "Analyst"));
  CHECK(Contains(names, "Continuous Integration"));

  // Errors in StackRox's shape.
  CheckError(http_.Get("/v1/apitokens/5f0c3f5e-8d2a-4b5e-9a51-0c1d2e3f4a5b", admin_), 404,
             grpc::StatusCode::NOT_FOUND);
  CheckError(http_.Get("/v1/apitokens/not-an-id", admin_), 400, grpc::StatusCode::INVALID_ARGUMENT);
  CheckError(http_.SendJson("POST", "/v1/apitokens/generate", R"({"name":"x","role":"Analyst"})"),
             401, grpc::StatusCode::UNAUTHENTICATED);
  CheckError(http_.SendJson("POST", "/v1/apitokens/generate",
                            R"({"name":"x","role":"Analyst","expiration":"tomorrow"})", admin_),
             400, grpc::StatusCode::INVALID_ARGUMENT);
  CheckError(
      http_.SendJson("POST", "/v1/apitokens/generate", R"({"name":"x","role":"Nobody"})", admin_),
      400, grpc::StatusCode::INVALID_ARGUMENT);
  CheckError(http_.Get("/v1/apitokens?revoked=maybe", admin_), 400,
             grpc::StatusCode::INVALID_ARGUMENT);
  CheckError(http_.Get("/v1/apitokens/generate/allowed-roles", Bearer(token1)), 401,
             grpc::StatusCode::UNAUTHENTICATED);
}

TEST_CASE_METHOD(StackRoxFixture, "StackRox's M2M exchange trades an ID token for a Warden token") {
  REQUIRE(Add(Config()).ok());
  const std::string id_token =
      issuer_.IdToken({{"repository", "org/repo"}, {"ref", "refs/heads/main"}});
  const Json exchanged =
      Ok(http_.SendJson("POST", "/v1/auth/m2m/exchange", Json{{"idToken", id_token}}.dump()));
  const std::string access_token = exchanged.at("accessToken");
  REQUIRE(!access_token.empty());
  const Json status = Ok(http_.Get("/v1/auth/status", Bearer(access_token)));
  CHECK(status.at("userInfo").at("roles") ==
        Json::array({{{"name", "Analyst"}}, {{"name", "Continuous Integration"}}}));
  CHECK(api_.AuthStatus(Bearer(access_token)).ok());

  CheckError(http_.SendJson("POST", "/v1/auth/m2m/exchange", R"({"idToken":"not-a-token"})"), 400,
             grpc::StatusCode::INVALID_ARGUMENT);
  CheckError(http_.SendJson("POST", "/v1/auth/m2m/exchange", R"({"idToken":42})"), 400,
             grpc::StatusCode::INVALID_ARGUMENT);
  // An ID token no mapping gives a role to.
  CheckError(
      http_.SendJson("POST", "/v1/auth/m2m/exchange",
                     Json{{"idToken", issuer_.IdToken({{"repository", "other/repo"}})}}.dump()),
      401, grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace warden::testing
