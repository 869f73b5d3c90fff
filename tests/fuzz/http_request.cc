// Fuzzes the HTTP transport's handling of a request (server/http), without sockets: the
// body is decoded as every warden.v1 request type (http::DecodeMessage, both codecs), then
// served by the Router over a real CallGate with routes answered by the test lambdas of
// tests/unit/http/http_fixture.h, as the listener would hand it over.
//
// Checks: decoding fails only with INVALID_ARGUMENT and a one-line message; what decodes
// re-encodes and decodes to the same message; JsonTooDeep agrees with the depth nlohmann
// parses. Every answer has a status in 200..599, the security headers and Cache-Control, no
// CORS headers for an origin not configured, and a body that parses as JSON whenever it
// says it is JSON (a binary Connect answer parses as its response type). A well-formed
// Connect call by the admin is 200 exactly when its body decodes, 400 otherwise.
//
// Input: byte 0 chooses the path, byte 1 the content type, byte 2 the HTTP method, byte 3
// the headers; the rest is the body.

#include <google/protobuf/stubs/logging.h>
#include <google/protobuf/util/message_differencer.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "server/http/connect_codec.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/unit/http/http_fixture.h"

namespace warden::fuzz {
namespace {

using http::Codec;
using http::HttpRequest;
using http::HttpResponse;
using http::UnaryRoute;
using Json = nlohmann::json;

constexpr char kOrigin[] = "https://console.example.com";

// A ready server whose routes answer like the unit tests' fakes, with CORS for kOrigin.
struct World {
  World() {
    // Invalid UTF-8 in a string field fails the parse with a log line each time; the log
    // would only slow the fuzzer down.
    google::protobuf::SetLogHandler(nullptr);
    namespace fake = http::testing;
    routes = fake::FakeRoutes({
        {Method::kGetToken, fake::EchoGetToken},
        {Method::kGenerateToken,
         fake::Answering<v1::GenerateTokenRequest, v1::GenerateTokenResponse>(fake::FillMinted)},
        {Method::kListTokens,
         fake::Answering<v1::ListTokensRequest, v1::ListTokensResponse>(fake::FillPage)},
        {Method::kGetAuthStatus, fake::AnswerAuthStatus},
    });
    http::RouterOptions options;
    options.cors_origins = {kOrigin};
    router = fixture.MakeRouter(routes, options);
    fixture.gate_.SetReady();
    bearer = fixture.Bearer({kAdminRoleName});
    for (const UnaryRoute& route : routes) paths.push_back(route.path);
    for (const char* path :
         {"/v1/apitokens/generate", "/v1/apitokens/generate/allowed-roles", "/v1/apitokens",
          "/v1/apitokens/t-1", "/v1/apitokens/revoke/t-1", "/v1/auth/status",
          "/v1/auth/m2m/exchange", "/.well-known/jwks.json", "/.well-known/openid-configuration",
          "/healthz", "/readyz", "/warden.v1.TokenService/NoSuchMethod", "/"}) {
      paths.push_back(path);
    }
  }

  http::testing::HttpFixture fixture;
  std::vector<UnaryRoute> routes;
  std::unique_ptr<http::Router> router;
  std::string bearer;
  std::vector<std::string> paths;  // the routes' first, in the same order
};

const World& TheWorld() {
  static const World* const world = new World();
  return *world;
}

// The nesting of a parsed JSON value, counted as JsonTooDeep counts it.
int Depth(const Json& value) {
  if (!value.is_structured()) return 0;
  int deepest = 0;
  for (const Json& child : value) deepest = std::max(deepest, Depth(child));
  return deepest + 1;
}

void CheckJsonTooDeep(const std::string& body) {
  // nlohmann ends its input at a NUL byte, JsonTooDeep reads on.
  if (body.find('\0') != std::string::npos) return;
  const Json parsed = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return;
  const int depth = Depth(parsed);
  FUZZ_CHECK(!http::JsonTooDeep(body, depth));
  if (depth > 0) FUZZ_CHECK(http::JsonTooDeep(body, depth - 1));
}

// Decodes `body` as the request of `route`; checks the outcome; returns whether it decoded.
bool CheckDecode(Codec codec, const UnaryRoute& route, const std::string& body) {
  std::unique_ptr<google::protobuf::Message> message(route.request_prototype->New());
  const absl::Status decoded = http::DecodeMessage(codec, body, message.get());
  if (!decoded.ok()) {
    FUZZ_CHECK_STATUS(absl::IsInvalidArgument(decoded), decoded);
    FUZZ_CHECK_STATUS(decoded.message().find('\n') == absl::string_view::npos, decoded);
    return false;
  }
  std::unique_ptr<google::protobuf::Message> again(route.request_prototype->New());
  const absl::Status redecoded =
      http::DecodeMessage(codec, http::EncodeMessage(codec, *message), again.get());
  FUZZ_CHECK_STATUS(redecoded.ok(), redecoded);
  FUZZ_CHECK(google::protobuf::util::MessageDifferencer::Equals(*message, *again));
  return true;
}

struct Built {
  HttpRequest request;
  bool connect_ok = false;  // a well-formed Connect call by the admin, if the path is Connect's
  bool origin_allowed = false;
};

Built BuildRequest(const World& world, const uint8_t* choice, std::string body) {
  static const char* const kTypes[] = {
      "application/json", "application/proto", "application/json; charset=utf-8", "",
      "text/plain",       "application/grpc",  "application/json; charset=latin1"};
  static const char* const kMethods[] = {"POST", "POST", "GET", "PATCH", "OPTIONS", "PUT", "HEAD"};
  Built built;
  const std::string path = world.paths[choice[0] % world.paths.size()];
  const char* type = kTypes[choice[1] % std::size(kTypes)];
  const std::string method = kMethods[choice[2] % std::size(kMethods)];
  const uint8_t headers = choice[3];
  built.request = http::testing::MakeRequest(method, path, std::move(body));
  if (*type != '\0') built.request.headers.emplace("content-type", type);
  bool clean = method == "POST" && http::CodecFor(type).has_value();
  // Bits 0-1: credentials; 2: version; 3: encoding; 4: timeout; 5-6: origin; 7: query.
  switch (headers & 3) {
    case 0:
      built.request.headers.emplace("authorization", world.bearer);
      break;
    case 1:
      built.request.headers.emplace("authorization", http::testing::HttpFixture::AdminBasic());
      break;
    case 2:
      built.request.headers.emplace("authorization", world.bearer);
      built.request.headers.emplace("authorization", world.bearer);
      clean = false;
      break;
    default:
      clean = false;
  }
  if (headers & 4) built.request.headers.emplace("connect-protocol-version", "1");
  if (headers & 8) {
    built.request.headers.emplace("content-encoding", "gzip");
    clean = false;
  }
  if (headers & 16) built.request.headers.emplace("connect-timeout-ms", "60000");
  if (headers & 32) {
    const bool allowed = headers & 64;
    built.request.headers.emplace("origin", allowed ? kOrigin : "https://evil.example.com");
    built.origin_allowed = allowed;
  }
  if (headers & 128) built.request.query.emplace("revoked", "maybe");
  built.connect_ok = clean;
  return built;
}

void CheckAnswer(const Built& built, const HttpResponse& response) {
  FUZZ_CHECK(response.status >= 200 && response.status <= 599);
  auto header = [&](const char* name) {
    auto it = response.headers.find(name);
    return it == response.headers.end() ? std::string() : it->second;
  };
  FUZZ_CHECK(header("X-Content-Type-Options") == "nosniff");
  FUZZ_CHECK(header("X-Frame-Options") == "DENY");
  FUZZ_CHECK(!header("Content-Security-Policy").empty());
  FUZZ_CHECK(response.headers.count("Cache-Control") == 1);
  if (!built.origin_allowed) {
    for (const auto& [name, value] : response.headers) {
      FUZZ_CHECK(name.rfind("Access-Control-", 0) != 0);
    }
  }
  if (response.content_type.rfind("application/json", 0) == 0) {
    FUZZ_CHECK(!Json::parse(response.body, nullptr, /*allow_exceptions=*/false).is_discarded());
  }
}

// One input: see the top of the file.
void FuzzOne(const uint8_t* data, size_t size) {
  if (size < 4) return;
  const World& world = TheWorld();
  const std::string body(reinterpret_cast<const char*>(data) + 4, size - 4);

  CheckJsonTooDeep(body);
  const std::optional<Codec> codec =
      http::CodecFor(data[1] % 2 == 0 ? "application/json" : "application/proto");
  for (const UnaryRoute& route : world.routes) CheckDecode(*codec, route, body);

  Built built = BuildRequest(world, data, body);
  std::string label;
  const HttpResponse response = world.router->Handle(built.request, &label);
  CheckAnswer(built, response);
  FUZZ_CHECK(!label.empty());

  // A Connect call the protocol and the gate accept reaches its route, which answers OK.
  const size_t route = data[0] % world.paths.size();
  if (route < world.routes.size() && built.connect_ok) {
    const std::optional<Codec> sent =
        http::CodecFor(built.request.headers.find("content-type")->second);
    const bool decodes = CheckDecode(*sent, world.routes[route], body);
    FUZZ_CHECK(response.status == (decodes ? 200 : 400));
    if (decodes && *sent == Codec::kProto) {
      std::unique_ptr<google::protobuf::Message> answer(
          world.routes[route].response_prototype->New());
      FUZZ_CHECK(answer->ParseFromString(response.body));
    }
  }
}

}  // namespace
}  // namespace warden::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  warden::fuzz::FuzzOne(data, size);
  return 0;
}
