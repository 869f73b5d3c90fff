// StackRox's token paths as a script written for StackRox meets them, through the Router, a
// real gate and warden.v1 routes answered by test lambdas that record what they were asked.

#include "server/http/stackrox_routes.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/unit/http/http_fixture.h"

namespace warden::http {
namespace {

using testing::FakeRoutes;
using testing::HttpFixture;
using testing::MakeRequest;
using testing::RouteCall;
using testing::Serve;
using Json = nlohmann::json;

// A route call that keeps a copy of every request in `seen` and answers as `fill` does
// (testing::Answering).
template <typename Request, typename Response, typename Fill>
RouteCall Recorded(std::vector<Request>* seen, Fill fill) {
  return testing::Answering<Request, Response>(
      [seen, fill](const Request& request, Response* response) {
        seen->push_back(request);
        return fill(request, response);
      });
}

// A route call that records its requests and answers OK with the empty response.
template <typename Request>
RouteCall Recorded(std::vector<Request>* seen) {
  return Recorded<Request, google::protobuf::Message>(
      seen, [](const Request&, google::protobuf::Message*) { return absl::OkStatus(); });
}

// StackRox's error answer: {code: the gRPC number, message, error} with the code's status.
void CheckStackRoxError(const HttpResponse& response, int status, absl::StatusCode code) {
  CHECK(response.status == status);
  CHECK(response.content_type == "application/json");
  const Json body = Json::parse(response.body);
  CHECK(body["code"] == static_cast<int>(code));
  CHECK(body["message"].is_string());
  CHECK(body["error"] == body["message"]);
}

class StackRoxFixture : public HttpFixture {
 public:
  StackRoxFixture() { gate_.SetReady(); }

  // A request for `path` by an Admin token.
  HttpRequest AsAdmin(std::string method, std::string path, std::string body = "") {
    return MakeRequest(std::move(method), std::move(path), std::move(body),
                       {{"authorization", Bearer({"Admin"})}});
  }
  HttpResponse Generate(const Router& router, const Json& body) {
    return Serve(router, AsAdmin("POST", "/v1/apitokens/generate", body.dump()));
  }
};

TEST_CASE_METHOD(StackRoxFixture, "generate with StackRox's single role") {
  std::vector<v1::GenerateTokenRequest> seen;
  std::unique_ptr<Router> router = MakeRouter(FakeRoutes(
      {{Method::kGenerateToken, Recorded<v1::GenerateTokenRequest, v1::GenerateTokenResponse>(
                                    &seen, testing::FillMinted)}}));
  std::string label;
  HttpResponse response =
      router->Handle(AsAdmin("POST", "/v1/apitokens/generate",
                             R"({"name":"ci","role":"Admin","expiration":"2027-01-15T08:00:00Z"})"),
                     &label);
  REQUIRE(response.status == 200);
  CHECK(label == "/v1/apitokens/generate");
  CHECK(Json::parse(response.body) == Json{{"token", "minted"},
                                           {"metadata",
                                            {{"id", "t-1"},
                                             {"name", "ci"},
                                             {"roles", {"Admin"}},
                                             {"role", "Admin"},
                                             {"revoked", false},
                                             {"expiration", "2027-01-15T08:00:00Z"}}}});
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].name() == "ci");
  CHECK(std::vector<std::string>(seen[0].roles().begin(), seen[0].roles().end()) ==
        std::vector<std::string>{"Admin"});
  CHECK(seen[0].expiration().seconds() == 1'800'000'000);
}

TEST_CASE_METHOD(StackRoxFixture, "generate with roles, or role and roles together") {
  std::vector<v1::GenerateTokenRequest> seen;
  std::unique_ptr<Router> router = MakeRouter(FakeRoutes(
      {{Method::kGenerateToken, Recorded<v1::GenerateTokenRequest, v1::GenerateTokenResponse>(
                                    &seen, testing::FillMinted)}}));
  HttpResponse response = Generate(*router, {{"name", "ci"}, {"roles", {"Admin", "Analyst"}}});
  REQUIRE(response.status == 200);
  const Json metadata = Json::parse(response.body)["metadata"];
  CHECK(metadata["roles"] == Json{"Admin", "Analyst"});
  CHECK_FALSE(metadata.contains("role"));  // only for a token of one role, as StackRox
  CHECK_FALSE(metadata.contains("expiration"));

  REQUIRE(Generate(*router, {{"name", "ci"}, {"role", "Admin"}, {"roles", {"Analyst"}}}).status ==
          200);
  // An empty or null role is no role; null roles none.
  REQUIRE(Generate(*router, {{"name", "ci"}, {"role", ""}, {"roles", nullptr}}).status == 200);
  REQUIRE(seen.size() == 3);
  auto roles = [](const v1::GenerateTokenRequest& request) {
    return std::vector<std::string>(request.roles().begin(), request.roles().end());
  };
  CHECK(roles(seen[0]) == std::vector<std::string>{"Admin", "Analyst"});
  CHECK(roles(seen[1]) == std::vector<std::string>{"Admin", "Analyst"});
  CHECK(roles(seen[2]).empty());
}

TEST_CASE_METHOD(StackRoxFixture, "a generate body of the wrong shape is 400 in StackRox's form") {
  std::vector<v1::GenerateTokenRequest> seen;
  std::unique_ptr<Router> router =
      MakeRouter(FakeRoutes({{Method::kGenerateToken, Recorded(&seen)}}));
  const std::string bodies[] = {
      R"({"name":5})",
      R"({"name":"ci","role":["Admin"]})",
      R"({"name":"ci","roles":"Admin"})",
      R"({"name":"ci","roles":[1]})",
      R"({"name":"ci","roles":[["Admin"]]})",
      R"({"name":"ci","expiration":1800000000})",
      R"({"name":"ci","expiration":"tomorrow"})",
      R"(["ci"])",
      R"("ci")",
      "not json",
      R"({"name":"ci")",
      std::string(R"({"name":"ci"})") + '\0' + "trailing text after a NUL byte",
      R"({"name":"bad )"
      "\xc3\x28"
      R"("})",
      R"({"name":)" + std::string(100, '[') + std::string(100, ']') + "}",
  };
  for (const std::string& body : bodies) {
    INFO(body);
    CheckStackRoxError(Serve(*router, AsAdmin("POST", "/v1/apitokens/generate", body)), 400,
                       absl::StatusCode::kInvalidArgument);
  }
  CHECK(seen.empty());
}

TEST_CASE_METHOD(StackRoxFixture, "the gate's and the API's refusals keep their code") {
  std::unique_ptr<Router> router = MakeRouter(
      FakeRoutes({{Method::kGetToken,
                   [](const Identity*, const google::protobuf::Message&, google::protobuf::Message*,
                      ApiDone done) { done(absl::NotFoundError("no token t-404")); }}}));
  CheckStackRoxError(Serve(*router, MakeRequest("GET", "/v1/apitokens/t-1")), 401,
                     absl::StatusCode::kUnauthenticated);
  CheckStackRoxError(Serve(*router, MakeRequest("GET", "/v1/apitokens/t-1", "",
                                                {{"authorization", Bearer({"Analyst"})}})),
                     403, absl::StatusCode::kPermissionDenied);
  HttpResponse missing = Serve(*router, AsAdmin("GET", "/v1/apitokens/t-404"));
  CheckStackRoxError(missing, 404, absl::StatusCode::kNotFound);
  CHECK(Json::parse(missing.body)["message"] == "no token t-404");
}

TEST_CASE_METHOD(StackRoxFixture, "the list follows every page and keeps StackRox's shape") {
  std::vector<v1::ListTokensRequest> seen;
  std::unique_ptr<Router> router = MakeRouter(
      FakeRoutes({{Method::kListTokens, Recorded<v1::ListTokensRequest, v1::ListTokensResponse>(
                                            &seen, testing::FillPage)}}));

  std::string label;
  HttpResponse response = router->Handle(AsAdmin("GET", "/v1/apitokens"), &label);
  REQUIRE(response.status == 200);
  CHECK(label == "/v1/apitokens");
  const Json tokens = Json::parse(response.body)["tokens"];
  REQUIRE(tokens.size() == 3);
  for (int i = 0; i < 3; ++i) {
    CHECK(tokens[i]["id"] == "t-" + std::to_string(i + 1));
    CHECK(tokens[i]["role"] == "Admin");
    CHECK(tokens[i]["revoked"] == false);
  }
  REQUIRE(seen.size() == 3);
  CHECK(seen[0].page_token().empty());
  CHECK(seen[1].page_token() == "1");
  CHECK(seen[2].page_token() == "2");
  for (const v1::ListTokensRequest& request : seen) {
    CHECK(request.include_expired());  // StackRox lists expired tokens too
    CHECK_FALSE(request.has_revoked());
  }

  for (const char* revoked : {"true", "false"}) {
    INFO(revoked);
    seen.clear();
    HttpRequest filtered = AsAdmin("GET", "/v1/apitokens/");
    filtered.query.emplace("revoked", revoked);
    REQUIRE(Serve(*router, filtered).status == 200);
    REQUIRE(seen.size() == 3);
    CHECK(seen[0].has_revoked());
    CHECK(seen[0].revoked() == (std::string(revoked) == "true"));
  }
}

TEST_CASE_METHOD(StackRoxFixture, "revoked must be true or false") {
  std::vector<v1::ListTokensRequest> seen;
  std::unique_ptr<Router> router = MakeRouter(FakeRoutes({{Method::kListTokens, Recorded(&seen)}}));
  for (const char* revoked : {"maybe", "", "TRUE", "1"}) {
    INFO(revoked);
    HttpRequest request = AsAdmin("GET", "/v1/apitokens");
    request.query.emplace("revoked", revoked);
    CheckStackRoxError(Serve(*router, request), 400, absl::StatusCode::kInvalidArgument);
  }
  CHECK(seen.empty());
}

TEST_CASE_METHOD(StackRoxFixture, "get and revoke name the token by its path") {
  std::vector<v1::GetTokenRequest> gets;
  std::vector<v1::RevokeTokenRequest> revokes;
  auto found = [](const v1::GetTokenRequest& request, v1::GetTokenResponse* response) {
    response->mutable_token()->set_id(request.id());
    response->mutable_token()->set_revoked(true);
    return absl::OkStatus();
  };
  std::unique_ptr<Router> router = MakeRouter(FakeRoutes(
      {{Method::kGetToken, Recorded<v1::GetTokenRequest, v1::GetTokenResponse>(&gets, found)},
       {Method::kRevokeToken, Recorded(&revokes)}}));

  std::string label;
  HttpResponse got = router->Handle(AsAdmin("GET", "/v1/apitokens/t-7"), &label);
  REQUIRE(got.status == 200);
  CHECK(label == "/v1/apitokens/{id}");
  CHECK(Json::parse(got.body) == Json{{"id", "t-7"}, {"revoked", true}});
  REQUIRE(gets.size() == 1);
  CHECK(gets[0].id() == "t-7");

  HttpResponse revoked = router->Handle(AsAdmin("PATCH", "/v1/apitokens/revoke/t-7"), &label);
  REQUIRE(revoked.status == 200);
  CHECK(label == "/v1/apitokens/revoke/{id}");
  CHECK(Json::parse(revoked.body) == Json::object());
  REQUIRE(revokes.size() == 1);
  CHECK(revokes[0].id() == "t-7");
}

TEST_CASE_METHOD(StackRoxFixture, "allowed roles, auth status and the M2M exchange") {
  std::vector<v1::ExchangeAuthMachineToMachineTokenRequest> exchanges;
  auto exchange = [](const v1::ExchangeAuthMachineToMachineTokenRequest&,
                     v1::ExchangeAuthMachineToMachineTokenResponse* response) {
    response->set_access_token("exchanged");
    return absl::OkStatus();
  };
  std::unique_ptr<Router> router = MakeRouter(FakeRoutes({
      {Method::kListAllowedTokenRoles,
       [](const Identity*, const google::protobuf::Message&, google::protobuf::Message* response,
          ApiDone done) {
         auto* allowed = static_cast<v1::ListAllowedTokenRolesResponse*>(response);
         allowed->add_role_names("Admin");
         allowed->add_role_names("Analyst");
         done(absl::OkStatus());
       }},
      {Method::kGetAuthStatus, testing::AnswerAuthStatus},
      {Method::kExchangeM2mToken,
       Recorded<v1::ExchangeAuthMachineToMachineTokenRequest,
                v1::ExchangeAuthMachineToMachineTokenResponse>(&exchanges, exchange)},
  }));

  HttpResponse allowed = Serve(*router, AsAdmin("GET", "/v1/apitokens/generate/allowed-roles"));
  REQUIRE(allowed.status == 200);
  CHECK(Json::parse(allowed.body) == Json{{"roleNames", {"Admin", "Analyst"}}});

  HttpResponse status = Serve(*router, AsAdmin("GET", "/v1/auth/status"));
  REQUIRE(status.status == 200);
  const Json who = Json::parse(status.body);
  CHECK(who["userInfo"]["username"] == "ci");
  CHECK(who["userInfo"]["roles"] == Json::array({{{"name", "Admin"}}}));
  CHECK(who["userInfo"]["permissions"]["resourceToAccess"] ==
        Json{{"Access", "READ_WRITE_ACCESS"}, {"Alert", "READ_ACCESS"}});

  // The exchange takes no credentials: the ID token is one.
  HttpResponse exchanged =
      Serve(*router, MakeRequest("POST", "/v1/auth/m2m/exchange", R"({"idToken":"eyJ.id.token"})"));
  REQUIRE(exchanged.status == 200);
  CHECK(Json::parse(exchanged.body) == Json{{"accessToken", "exchanged"}});
  REQUIRE(exchanges.size() == 1);
  CHECK(exchanges[0].id_token() == "eyJ.id.token");
  CheckStackRoxError(
      Serve(*router, MakeRequest("POST", "/v1/auth/m2m/exchange", R"({"idToken":7})")), 400,
      absl::StatusCode::kInvalidArgument);
}

TEST_CASE_METHOD(StackRoxFixture, "other paths and methods fall through to 404") {
  std::vector<v1::GetTokenRequest> gets;
  std::unique_ptr<Router> router = MakeRouter(FakeRoutes({{Method::kGetToken, Recorded(&gets)}}));
  const HttpRequest requests[] = {
      AsAdmin("GET", "/v1/apitokens/t-1/extra"),
      AsAdmin("DELETE", "/v1/apitokens/t-1"),
      AsAdmin("POST", "/v1/apitokens"),
      AsAdmin("GET", "/v1/apitokens/revoke/t-1"),
      AsAdmin("PATCH", "/v1/apitokens/revoke/t-1/x"),
      AsAdmin("GET", "/v1/auth/m2m/exchange"),
      AsAdmin("POST", "/v1/auth/status"),
      AsAdmin("GET", "/v1/roles"),
      AsAdmin("GET", "/v1/apitokens//"),
  };
  for (const HttpRequest& request : requests) {
    INFO(request.method << " " << request.path);
    std::string label;
    HttpResponse response = router->Handle(request, &label);
    CHECK(response.status == 404);
    CHECK(label == "other");
  }
  CHECK(gets.empty());
}

}  // namespace
}  // namespace warden::http
