#pragma once

// The HTTP transport's test world, without sockets or PostgreSQL: a real CallGate over a real
// Authenticator and TokenValidator (tests/unit/auth/token_fixture.h), routes whose calls are
// test lambdas but whose message types are the ones the generated descriptors give each
// method, and requests shaped as the listener hands them to the Router. No Catch2 here, so
// that the fuzz target (tests/fuzz/http_request.cc) builds the same world.

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "server/api/call_gate.h"
#include "server/auth/authenticator.h"
#include "server/auth/method.h"
#include "server/http/http_message.h"
#include "server/http/router.h"
#include "server/http/unary_routes.h"
#include "tests/unit/auth/token_fixture.h"
#include "warden/v1/auth.pb.h"
#include "warden/v1/auth_provider.pb.h"
#include "warden/v1/role.pb.h"
#include "warden/v1/token.pb.h"

namespace warden::http::testing {

using RouteCall = decltype(UnaryRoute::call);

// The generated descriptor of `method` ("TokenService.GenerateToken" is method
// GenerateToken of service warden.v1.TokenService); null if the protos have no such method.
inline const google::protobuf::MethodDescriptor* MethodDescriptorOf(Method method) {
  // Touching a message of each file registers its descriptors with the generated pool.
  (void)v1::GenerateTokenRequest::descriptor();
  (void)v1::GetAuthStatusRequest::descriptor();
  (void)v1::ListRolesRequest::descriptor();
  (void)v1::ListAuthProvidersRequest::descriptor();
  const std::string& name = Describe(method).name;
  const size_t dot = name.find('.');
  const google::protobuf::ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName("warden.v1." +
                                                                            name.substr(0, dot));
  return service == nullptr ? nullptr : service->FindMethodByName(name.substr(dot + 1));
}

inline const google::protobuf::Message* PrototypeOf(const google::protobuf::Descriptor* type) {
  return google::protobuf::MessageFactory::generated_factory()->GetPrototype(type);
}

// A route for `method`, at the Connect path the descriptors give it, with the generated
// request and response types, answered by `call`.
inline UnaryRoute FakeRoute(Method method, RouteCall call) {
  const google::protobuf::MethodDescriptor* descriptor = MethodDescriptorOf(method);
  return UnaryRoute{method, "/" + descriptor->service()->full_name() + "/" + descriptor->name(),
                    PrototypeOf(descriptor->input_type()), PrototypeOf(descriptor->output_type()),
                    std::move(call)};
}

// A route for every unary method: `calls[method]` where given, else one answering OK with
// the empty response.
inline std::vector<UnaryRoute> FakeRoutes(std::map<Method, RouteCall> calls = {}) {
  std::vector<UnaryRoute> routes;
  for (const MethodInfo& info : AllMethods()) {
    if (info.method == Method::kWatchRevocations) continue;
    RouteCall call = calls.count(info.method) > 0
                         ? calls[info.method]
                         : [](const Identity*, const google::protobuf::Message&,
                              google::protobuf::Message*, ApiDone done) { done(absl::OkStatus()); };
    routes.push_back(FakeRoute(info.method, std::move(call)));
  }
  return routes;
}

// A request from 10.0.0.7:5000, as the listener hands it to the Router.
inline HttpRequest MakeRequest(std::string method, std::string path, std::string body = "",
                               HeaderMap headers = {}) {
  HttpRequest request;
  request.method = std::move(method);
  request.path = std::move(path);
  request.body = std::move(body);
  request.headers = std::move(headers);
  request.remote_addr = "10.0.0.7";
  request.remote_port = 5000;
  return request;
}

// A Connect unary call: POST `path` with `body` as `content_type`, and an Authorization
// header unless `authorization` is empty.
inline HttpRequest ConnectRequest(std::string path, std::string body,
                                  const std::string& authorization = "",
                                  const std::string& content_type = "application/json") {
  HttpRequest request =
      MakeRequest("POST", std::move(path), std::move(body), {{"content-type", content_type}});
  if (!authorization.empty()) request.headers.emplace("authorization", authorization);
  return request;
}

// The Router's answer to `request`, its metrics label aside.
inline HttpResponse Serve(const Router& router, const HttpRequest& request) {
  std::string label;
  return router.Handle(request, &label);
}

// The value of the answer's header `name` (as the Router writes it, e.g. "Cache-Control"), or
// "" when absent.
inline std::string HeaderOf(const HttpResponse& response, const std::string& name) {
  auto it = response.headers.find(name);
  return it == response.headers.end() ? "" : it->second;
}

// A test route call that echoes: the GetTokenResponse names the token the request asked for
// (GetTokenRequest.id) and carries the caller's name and roles, "" and none when anonymous.
inline void EchoGetToken(const Identity* caller, const google::protobuf::Message& request,
                         google::protobuf::Message* response, ApiDone done) {
  auto& token = *static_cast<v1::GetTokenResponse*>(response)->mutable_token();
  token.set_id(static_cast<const v1::GetTokenRequest&>(request).id());
  if (caller != nullptr) {
    token.set_name(caller->name);
    for (const std::string& role : caller->roles) token.add_roles(role);
  }
  done(absl::OkStatus());
}

// A route call that answers what `fill(request, response)` returns, after `fill` wrote the
// response; Request and Response are the route's message types.
template <typename Request, typename Response, typename Fill>
RouteCall Answering(Fill fill) {
  return [fill](const Identity*, const google::protobuf::Message& request,
                google::protobuf::Message* response, ApiDone done) {
    done(fill(static_cast<const Request&>(request), static_cast<Response*>(response)));
  };
}

// GenerateToken's answer for `request`: the token "minted", with metadata made from the
// request (id "t-1", its name, roles and expiration).
inline absl::Status FillMinted(const v1::GenerateTokenRequest& request,
                               v1::GenerateTokenResponse* response) {
  response->set_token("minted");
  v1::TokenMetadata& metadata = *response->mutable_metadata();
  metadata.set_id("t-1");
  metadata.set_name(request.name());
  *metadata.mutable_roles() = request.roles();
  if (request.has_expiration()) *metadata.mutable_expiration() = request.expiration();
  return absl::OkStatus();
}

// ListTokens over three pages of one token each ("t-1" to "t-3", role Admin); the page token
// is the number of the page before, and any other page token (or none) asks for the first.
inline absl::Status FillPage(const v1::ListTokensRequest& request,
                             v1::ListTokensResponse* response) {
  int before = 0;
  if (!absl::SimpleAtoi(request.page_token(), &before) || before < 0 || before > 2) before = 0;
  v1::TokenMetadata& token = *response->add_tokens();
  token.set_id("t-" + std::to_string(before + 1));
  token.add_roles("Admin");
  if (before + 1 < 3) response->set_next_page_token(std::to_string(before + 1));
  return absl::OkStatus();
}

// GetAuthStatus for the caller, who holds READ_WRITE on Access and READ on Alert.
inline void AnswerAuthStatus(const Identity* caller, const google::protobuf::Message&,
                             google::protobuf::Message* response, ApiDone done) {
  v1::Identity& who = *static_cast<v1::GetAuthStatusResponse*>(response)->mutable_identity();
  who.set_id(caller->id);
  who.set_name(caller->name);
  for (const std::string& role : caller->roles) who.add_roles(role);
  (*who.mutable_permissions())["Access"] = v1::ACCESS_LEVEL_READ_WRITE_ACCESS;
  (*who.mutable_permissions())["Alert"] = v1::ACCESS_LEVEL_READ_ACCESS;
  done(absl::OkStatus());
}

inline constexpr char kAdminPassword[] = "s3cret";

// The token world of TokenFixture with the roles a transport test needs — Admin (everything
// the token methods ask for) and Analyst (Alert READ only, so PERMISSION_DENIED for them) —
// and a gate in front of it. The gate starts not ready, as a server does.
class HttpFixture : public warden::testing::TokenFixture {
 public:
  HttpFixture()
      : authenticator_(validator_, AdminPassword::FromPlaintext(kAdminPassword)),
        gate_(authenticator_, roles_, AbuseLimits{}, clock_) {
    roles_.Replace(
        {warden::testing::MakeRole(
             kAdminRoleName, {{"Access", Access::kReadWrite}, {"Integration", Access::kReadWrite}}),
         warden::testing::MakeRole("Analyst", {{"Alert", Access::kRead}})});
  }

  // An Authorization header value for a fresh token holding `roles`.
  std::string Bearer(std::vector<std::string> roles) { return "Bearer " + Mint(Claims(roles)); }
  static std::string AdminBasic() {
    return "Basic " + absl::Base64Escape(std::string("admin:") + kAdminPassword);
  }

  std::unique_ptr<Router> MakeRouter(std::vector<UnaryRoute> routes,
                                     RouterOptions options = {}) const {
    return std::make_unique<Router>(std::move(options), gate_, std::move(routes), validator_);
  }

  Authenticator authenticator_;
  CallGate gate_;
};

}  // namespace warden::http::testing
