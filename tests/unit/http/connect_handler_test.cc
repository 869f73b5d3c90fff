// The Connect protocol's unary rules as a client meets them, through the Router, a real gate
// and routes answered by test lambdas.

#include "server/http/connect_handler.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "server/http/connect_codec.h"
#include "tests/unit/http/http_fixture.h"

namespace warden::http {
namespace {

using testing::ConnectRequest;
using testing::EchoGetToken;
using testing::FakeRoutes;
using testing::HeaderOf;
using testing::HttpFixture;
using testing::RouteCall;
using testing::Serve;
using Json = nlohmann::json;

constexpr char kGetToken[] = "/warden.v1.TokenService/GetToken";
constexpr char kGetPublicKeys[] = "/warden.v1.AuthService/GetPublicKeys";
constexpr char kExchange[] = "/warden.v1.AuthService/ExchangeAuthMachineToMachineToken";

// A ready server whose GetToken echoes (EchoGetToken), whose anonymous methods say who called
// (nobody, they must find), and which counts the calls that reach a route.
class ConnectFixture : public HttpFixture {
 public:
  ConnectFixture() {
    auto counted = [this](RouteCall call) {
      return [this, call](const Identity* caller, const google::protobuf::Message& request,
                          google::protobuf::Message* response, ApiDone done) {
        ++calls_;
        anonymous_caller_ = caller == nullptr;
        call(caller, request, response, std::move(done));
      };
    };
    auto ok = [](const Identity*, const google::protobuf::Message&, google::protobuf::Message*,
                 ApiDone done) { done(absl::OkStatus()); };
    router_ = MakeRouter(FakeRoutes({{Method::kGetToken, counted(EchoGetToken)},
                                     {Method::kGetPublicKeys, counted(ok)},
                                     {Method::kExchangeM2mToken, counted(ok)}}));
    gate_.SetReady();
  }

  HttpResponse Serve(const HttpRequest& request) { return testing::Serve(*router_, request); }
  // GetToken {"id": "t-1"} as JSON, by `authorization` (none when empty).
  HttpRequest GetToken(const std::string& authorization) {
    return ConnectRequest(kGetToken, R"({"id":"t-1"})", authorization);
  }

  std::unique_ptr<Router> router_;
  int calls_ = 0;
  bool anonymous_caller_ = false;
};

// Connect's error answer: a JSON {code, message} with the status of the code.
void CheckConnectError(const HttpResponse& response, int status, const std::string& code) {
  CHECK(response.status == status);
  CHECK(response.content_type == "application/json");
  const Json body = Json::parse(response.body);
  CHECK(body["code"] == code);
  CHECK(body["message"].is_string());
}

TEST_CASE_METHOD(ConnectFixture, "a JSON call answers the route's response in JSON") {
  HttpResponse response = Serve(GetToken(Bearer({"Admin"})));
  REQUIRE(response.status == 200);
  CHECK(response.content_type == "application/json");
  CHECK(Json::parse(response.body) ==
        Json{{"token", {{"id", "t-1"}, {"name", "ci"}, {"roles", {"Admin"}}}}});
  CHECK(calls_ == 1);
  // A charset parameter and Connect-Protocol-Version 1 are what Connect clients send.
  HttpRequest versioned = ConnectRequest(kGetToken, R"({"id":"t-2"})", Bearer({"Admin"}),
                                         "application/json; charset=utf-8");
  versioned.headers.emplace("connect-protocol-version", "1");
  response = Serve(versioned);
  REQUIRE(response.status == 200);
  CHECK(Json::parse(response.body)["token"]["id"] == "t-2");
}

TEST_CASE_METHOD(ConnectFixture, "a binary call answers the route's response in binary") {
  v1::GetTokenRequest request;
  request.set_id("t-9");
  HttpResponse response = Serve(ConnectRequest(kGetToken, request.SerializeAsString(),
                                               Bearer({"Admin"}), "application/proto"));
  REQUIRE(response.status == 200);
  CHECK(response.content_type == "application/proto");
  v1::GetTokenResponse answer;
  REQUIRE(answer.ParseFromString(response.body));
  CHECK(answer.token().id() == "t-9");
  CHECK(answer.token().name() == "ci");
  // Errors are JSON whatever the request's codec.
  CheckConnectError(
      Serve(ConnectRequest(kGetToken, "\xff\xff", Bearer({"Admin"}), "application/proto")), 400,
      "invalid_argument");
}

TEST_CASE_METHOD(ConnectFixture, "Connect routes take only POST, and say so") {
  for (const char* method : {"GET", "PUT", "PATCH", "DELETE", "HEAD"}) {
    INFO(method);
    HttpRequest request = GetToken(Bearer({"Admin"}));
    request.method = method;
    HttpResponse response = Serve(request);
    CheckConnectError(response, 405, "invalid_argument");
    CHECK(HeaderOf(response, "Allow") == "POST");
  }
  CHECK(calls_ == 0);
}

TEST_CASE_METHOD(ConnectFixture, "a body that is neither JSON nor binary protobuf is 415") {
  for (const char* type : {"text/plain", "application/grpc", "application/x-www-form-urlencoded",
                           "application/json; charset=latin1"}) {
    INFO(type);
    CheckConnectError(Serve(ConnectRequest(kGetToken, R"({"id":"t-1"})", Bearer({"Admin"}), type)),
                      415, "invalid_argument");
  }
  HttpRequest untyped = GetToken(Bearer({"Admin"}));
  untyped.headers.erase("content-type");
  CheckConnectError(Serve(untyped), 415, "invalid_argument");
  CHECK(calls_ == 0);
}

TEST_CASE_METHOD(ConnectFixture, "Connect-Protocol-Version, when sent, must be 1, once") {
  for (const char* version : {"2", "0", "", "1.0"}) {
    INFO(version);
    HttpRequest request = GetToken(Bearer({"Admin"}));
    request.headers.emplace("connect-protocol-version", version);
    CheckConnectError(Serve(request), 400, "invalid_argument");
  }
  HttpRequest twice = GetToken(Bearer({"Admin"}));
  twice.headers.emplace("connect-protocol-version", "1");
  twice.headers.emplace("connect-protocol-version", "1");
  CheckConnectError(Serve(twice), 400, "invalid_argument");
  CHECK(calls_ == 0);
}

TEST_CASE_METHOD(ConnectFixture, "header names are matched in any case, as sent") {
  // The listener hands over names as the client spelled them.
  HttpRequest request = testing::MakeRequest("POST", kGetToken, R"({"id":"t-1"})",
                                             {{"Content-TYPE", "application/json"},
                                              {"AUTHORIZATION", Bearer({"Admin"})},
                                              {"Connect-Protocol-Version", "1"}});
  CHECK(Serve(request).status == 200);
  CHECK(calls_ == 1);
  // Two spellings of one name are two fields of that name.
  request.headers.emplace("connect-protocol-version", "1");
  CHECK(request.HeaderCount("CONNECT-protocol-VERSION") == 2);
  CHECK_FALSE(request.Header("Connect-Protocol-Version").has_value());
  CheckConnectError(Serve(request), 400, "invalid_argument");
  CHECK(calls_ == 1);
}

TEST_CASE_METHOD(ConnectFixture, "a compressed body is Connect's unimplemented (501)") {
  for (const char* encoding : {"gzip", "br", "deflate"}) {
    INFO(encoding);
    HttpRequest request = GetToken(Bearer({"Admin"}));
    request.headers.emplace("content-encoding", encoding);
    CheckConnectError(Serve(request), 501, "unimplemented");
  }
  CHECK(calls_ == 0);
  HttpRequest identity = GetToken(Bearer({"Admin"}));
  identity.headers.emplace("content-encoding", "identity");
  CHECK(Serve(identity).status == 200);
}

TEST_CASE_METHOD(ConnectFixture,
                 "Connect-Timeout-Ms must be a positive integer of ten digits at most") {
  for (const char* timeout :
       {"", "0", "-5", "+5", " 5", "abc", "1.5", "12345678901", "5s", "0x10"}) {
    INFO(timeout);
    HttpRequest request = GetToken(Bearer({"Admin"}));
    request.headers.emplace("connect-timeout-ms", timeout);
    HttpResponse response = Serve(request);
    CheckConnectError(response, 400, "invalid_argument");
    CHECK_THAT(Json::parse(response.body)["message"].get<std::string>(),
               Catch::Contains("Connect-Timeout-Ms"));
  }
  CHECK(calls_ == 0);
  HttpRequest request = GetToken(Bearer({"Admin"}));
  request.headers.emplace("connect-timeout-ms", "9999999999");
  CHECK(Serve(request).status == 200);
}

TEST_CASE_METHOD(HttpFixture, "a call that does not finish within Connect-Timeout-Ms is 504") {
  // The route never answers while the request waits; it is answered afterwards, as a late
  // database reply would be, and that answer is dropped.
  std::vector<ApiDone> parked;
  std::unique_ptr<Router> router = MakeRouter(
      FakeRoutes({{Method::kGetToken, [&parked](const Identity*, const google::protobuf::Message&,
                                                google::protobuf::Message*, ApiDone done) {
                     parked.push_back(std::move(done));
                   }}}));
  gate_.SetReady();
  HttpRequest request = ConnectRequest(kGetToken, R"({"id":"t-1"})", Bearer({"Admin"}));
  request.headers.emplace("connect-timeout-ms", "1");
  CheckConnectError(Serve(*router, request), 504, "deadline_exceeded");
  REQUIRE(parked.size() == 1);
  parked.front()(absl::OkStatus());
}

TEST_CASE_METHOD(HttpFixture, "every call is UNAVAILABLE (503) until the server is ready") {
  std::unique_ptr<Router> router = MakeRouter(FakeRoutes({{Method::kGetToken, EchoGetToken}}));
  const HttpRequest calls[] = {
      ConnectRequest(kGetToken, R"({"id":"t-1"})", Bearer({"Admin"})),
      ConnectRequest(kGetToken, R"({"id":"t-1"})"),  // before credentials are even looked at
      ConnectRequest(kGetPublicKeys, "{}"),
      ConnectRequest(kExchange, R"({"idToken":"x"})"),
  };
  for (const HttpRequest& call : calls) {
    INFO(call.path);
    CheckConnectError(Serve(*router, call), 503, "unavailable");
  }
  gate_.SetReady();
  for (const HttpRequest& call : {calls[0], calls[2], calls[3]}) {
    INFO(call.path);
    CHECK(Serve(*router, call).status == 200);
  }
}

TEST_CASE_METHOD(ConnectFixture, "a call without valid credentials is unauthenticated (401)") {
  CheckConnectError(Serve(GetToken("")), 401, "unauthenticated");
  CheckConnectError(Serve(GetToken("Bearer not-a-token")), 401, "unauthenticated");
  CheckConnectError(Serve(GetToken("Token " + Mint(Claims({"Admin"})))), 401, "unauthenticated");
  CheckConnectError(Serve(GetToken("Basic " + absl::Base64Escape("admin:wrong"))), 401,
                    "unauthenticated");
  revocations_.Add("revoked-id", clock_.Now() + absl::Hours(1));
  jose::JwtClaims revoked = Claims({"Admin"});
  revoked.id = "revoked-id";
  CheckConnectError(Serve(GetToken("Bearer " + Mint(revoked))), 401, "unauthenticated");
  CHECK(calls_ == 0);
  // The admin password works as for gRPC.
  HttpResponse admin = Serve(GetToken(AdminBasic()));
  REQUIRE(admin.status == 200);
  CHECK(Json::parse(admin.body)["token"]["name"] == "admin");
}

TEST_CASE_METHOD(ConnectFixture, "two Authorization headers are refused, even if both are good") {
  HttpRequest request = GetToken(Bearer({"Admin"}));
  request.headers.emplace("authorization", Bearer({"Admin"}));
  HttpResponse response = Serve(request);
  CheckConnectError(response, 401, "unauthenticated");
  CHECK_THAT(Json::parse(response.body)["message"].get<std::string>(),
             Catch::Contains("more than one"));
  CHECK(calls_ == 0);
}

TEST_CASE_METHOD(ConnectFixture, "a caller without the method's permissions is refused (403)") {
  HttpResponse response = Serve(GetToken(Bearer({"Analyst"})));
  CheckConnectError(response, 403, "permission_denied");
  CHECK_THAT(Json::parse(response.body)["message"].get<std::string>(),
             Catch::Contains("Integration"));
  CHECK(calls_ == 0);
}

TEST_CASE_METHOD(ConnectFixture, "the anonymous methods need no credentials and get no caller") {
  for (const char* path : {kGetPublicKeys, kExchange}) {
    INFO(path);
    anonymous_caller_ = false;
    HttpResponse response = Serve(ConnectRequest(path, "{}"));
    CHECK(response.status == 200);
    CHECK(anonymous_caller_);
    // Credentials sent anyway are not looked at: a bad one does not fail the call.
    CHECK(Serve(ConnectRequest(path, "{}", "Bearer not-a-token")).status == 200);
  }
}

TEST_CASE_METHOD(ConnectFixture, "a body the method cannot read is 400 naming its type") {
  for (const char* body : {R"({"id":5})", R"({"tokenId":"t-1"})", "{", "[]", "null x"}) {
    INFO(body);
    HttpResponse response = Serve(ConnectRequest(kGetToken, body, Bearer({"Admin"})));
    CheckConnectError(response, 400, "invalid_argument");
    CHECK_THAT(Json::parse(response.body)["message"].get<std::string>(),
               Catch::Contains("warden.v1.GetTokenRequest"));
  }
  CHECK(calls_ == 0);
}

TEST_CASE_METHOD(HttpFixture, "an error from the application layer keeps its code") {
  const std::pair<absl::Status, int> errors[] = {
      {absl::NotFoundError("token t-1 does not exist"), 404},
      {absl::AlreadyExistsError("a role named Admin exists"), 409},
      {absl::FailedPreconditionError("the role is in use"), 400},
      {absl::ResourceExhaustedError("too many GenerateToken calls"), 429},
      {absl::AbortedError("retry"), 409},
      {absl::InternalError("bug"), 500},
  };
  for (const auto& [error, status] : errors) {
    INFO(error.ToString());
    std::unique_ptr<Router> router = MakeRouter(
        FakeRoutes({{Method::kGetToken,
                     [error = error](const Identity*, const google::protobuf::Message&,
                                     google::protobuf::Message*, ApiDone done) { done(error); }}}));
    gate_.SetReady();
    HttpResponse response =
        Serve(*router, ConnectRequest(kGetToken, R"({"id":"t-1"})", Bearer({"Admin"})));
    CHECK(response.status == status);
    CHECK(Json::parse(response.body) ==
          Json{{"code", ConnectCodeName(error.code())}, {"message", std::string(error.message())}});
  }
}

}  // namespace
}  // namespace warden::http
