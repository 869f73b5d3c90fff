#include "server/http/stackrox_routes.h"

#include <google/protobuf/util/json_util.h>

#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "glog/logging.h"
#include "server/http/connect_codec.h"
#include "server/http/unary_call.h"
#include "validation/jose/json_object.h"
#include "warden/v1/auth.pb.h"
#include "warden/v1/token.pb.h"

namespace warden::http {
namespace {

using Json = nlohmann::json;

// StackRox's gateway answers errors as {"code": <gRPC number>, "message", "error"}.
HttpResponse Error(const absl::Status& status) {
  HttpResponse response;
  response.status = HttpStatusOf(status.code());
  const std::string message(status.message());
  response.body =
      Json{{"code", static_cast<int>(status.code())}, {"message", message}, {"error", message}}
          .dump(-1, ' ', false, Json::error_handler_t::replace);
  return response;
}

HttpResponse Ok(const Json& body) {
  HttpResponse response;
  response.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  return response;
}

// A message as proto3 JSON, parsed back into a JSON value to reshape.
Json ToJson(const google::protobuf::Message& message) {
  return Json::parse(EncodeMessage(Codec::kJson, message));
}

// StackRox's TokenMetadata: Warden's, plus the deprecated single `role`.
Json StackRoxToken(const v1::TokenMetadata& token) {
  Json out = ToJson(token);
  if (token.roles_size() == 1) out["role"] = token.roles(0);
  if (!out.contains("revoked")) out["revoked"] = false;
  return out;
}

absl::StatusOr<Json> ParseBody(const HttpRequest& request) {
  if (request.body.empty()) return Json::object();
  if (JsonTooDeep(request.body, kMaxJsonDepth)) {
    return absl::InvalidArgumentError(
        absl::StrCat("the request body nests deeper than ", kMaxJsonDepth, " levels"));
  }
  // Strict: one object, no repeated member, no NUL (after which nlohmann would stop reading).
  std::optional<Json> body = jose::ParseJsonObject(request.body);
  if (!body.has_value()) {
    return absl::InvalidArgumentError(
        "the request body must be a JSON object (each member named once)");
  }
  return *std::move(body);
}

// The string field `name` of `body`, if present; INVALID_ARGUMENT if it is not a string.
absl::StatusOr<std::optional<std::string>> StringField(const Json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) return absl::InvalidArgumentError(absl::StrCat(name, " must be a string"));
  return it->get<std::string>();
}

}  // namespace

StackRoxRoutes::StackRoxRoutes(const CallGate& gate, const std::vector<UnaryRoute>& routes,
                               absl::Duration timeout)
    : gate_(gate), routes_(routes), timeout_(timeout) {}

const UnaryRoute& StackRoxRoutes::RouteFor(Method method) const {
  for (const UnaryRoute& route : routes_) {
    if (route.method == method) return route;
  }
  LOG(FATAL) << "no route for " << Describe(method).name;
}

std::optional<HttpResponse> StackRoxRoutes::Serve(const HttpRequest& request,
                                                  std::string* route) const {
  absl::string_view path = request.path;
  const std::string& method = request.method;
  auto matched = [&](const char* label, HttpResponse response) {
    *route = label;
    return std::optional<HttpResponse>(std::move(response));
  };
  if (path == "/v1/apitokens/generate" && method == "POST") {
    return matched("/v1/apitokens/generate", Generate(request));
  }
  if (path == "/v1/apitokens/generate/allowed-roles" && method == "GET") {
    return matched("/v1/apitokens/generate/allowed-roles", AllowedRoles(request));
  }
  if ((path == "/v1/apitokens" || path == "/v1/apitokens/") && method == "GET") {
    return matched("/v1/apitokens", ListTokens(request));
  }
  if (absl::ConsumePrefix(&path, "/v1/apitokens/revoke/") && method == "PATCH" &&
      !absl::StrContains(path, '/')) {
    return matched("/v1/apitokens/revoke/{id}", Revoke(request, std::string(path)));
  }
  path = request.path;
  if (absl::ConsumePrefix(&path, "/v1/apitokens/") && method == "GET" &&
      !absl::StrContains(path, '/') && !path.empty()) {
    return matched("/v1/apitokens/{id}", GetToken(request, std::string(path)));
  }
  if (request.path == "/v1/auth/status" && method == "GET") {
    return matched("/v1/auth/status", AuthStatus(request));
  }
  if (request.path == "/v1/auth/m2m/exchange" && method == "POST") {
    return matched("/v1/auth/m2m/exchange", Exchange(request));
  }
  return std::nullopt;
}

HttpResponse StackRoxRoutes::Generate(const HttpRequest& request) const {
  absl::StatusOr<Json> body = ParseBody(request);
  if (!body.ok()) return Error(body.status());
  auto message = std::make_unique<v1::GenerateTokenRequest>();
  absl::StatusOr<std::optional<std::string>> name = StringField(*body, "name");
  if (!name.ok()) return Error(name.status());
  message->set_name(name->value_or(""));
  absl::StatusOr<std::optional<std::string>> role = StringField(*body, "role");
  if (!role.ok()) return Error(role.status());
  if (role->has_value() && !(*role)->empty()) message->add_roles(**role);
  if (auto roles = body->find("roles"); roles != body->end() && !roles->is_null()) {
    if (!roles->is_array()) return Error(absl::InvalidArgumentError("roles must be an array"));
    for (const Json& r : *roles) {
      if (!r.is_string()) return Error(absl::InvalidArgumentError("roles must be strings"));
      message->add_roles(r.get<std::string>());
    }
  }
  absl::StatusOr<std::optional<std::string>> expiration = StringField(*body, "expiration");
  if (!expiration.ok()) return Error(expiration.status());
  if (expiration->has_value()) {
    // The proto3 JSON form of a Timestamp is the RFC 3339 string StackRox takes.
    const std::string json = Json{{"expiration", **expiration}}.dump();
    v1::GenerateTokenRequest parsed;
    if (!google::protobuf::util::JsonStringToMessage(json, &parsed).ok()) {
      return Error(absl::InvalidArgumentError(
          "expiration must be an RFC 3339 time such as 2027-01-01T00:00:00Z"));
    }
    *message->mutable_expiration() = parsed.expiration();
  }
  CallCredentials credentials{request.HeaderValues("authorization"), request.Peer()};
  UnaryAnswer answer =
      Invoke(gate_, RouteFor(Method::kGenerateToken), credentials, std::move(message), timeout_);
  if (!answer.status.ok()) return Error(answer.status);
  const auto& minted = static_cast<const v1::GenerateTokenResponse&>(*answer.response);
  return Ok({{"token", minted.token()}, {"metadata", StackRoxToken(minted.metadata())}});
}

HttpResponse StackRoxRoutes::AllowedRoles(const HttpRequest& request) const {
  CallCredentials credentials{request.HeaderValues("authorization"), request.Peer()};
  UnaryAnswer answer = Invoke(gate_, RouteFor(Method::kListAllowedTokenRoles), credentials,
                              std::make_unique<v1::ListAllowedTokenRolesRequest>(), timeout_);
  if (!answer.status.ok()) return Error(answer.status);
  const auto& allowed = static_cast<const v1::ListAllowedTokenRolesResponse&>(*answer.response);
  return Ok({{"roleNames",
              std::vector<std::string>(allowed.role_names().begin(), allowed.role_names().end())}});
}

HttpResponse StackRoxRoutes::GetToken(const HttpRequest& request, const std::string& id) const {
  auto message = std::make_unique<v1::GetTokenRequest>();
  message->set_id(id);
  CallCredentials credentials{request.HeaderValues("authorization"), request.Peer()};
  UnaryAnswer answer =
      Invoke(gate_, RouteFor(Method::kGetToken), credentials, std::move(message), timeout_);
  if (!answer.status.ok()) return Error(answer.status);
  return Ok(StackRoxToken(static_cast<const v1::GetTokenResponse&>(*answer.response).token()));
}

HttpResponse StackRoxRoutes::ListTokens(const HttpRequest& request) const {
  std::optional<bool> revoked;
  if (std::optional<std::string> value = request.Query("revoked")) {
    if (*value == "true") {
      revoked = true;
    } else if (*value == "false") {
      revoked = false;
    } else {
      return Error(absl::InvalidArgumentError("revoked must be true or false"));
    }
  }
  CallCredentials credentials{request.HeaderValues("authorization"), request.Peer()};
  Json tokens = Json::array();
  std::string page_token;
  // StackRox answers every token at once; Warden pages, so this follows the pages. The
  // bound keeps one request from walking an unbounded table.
  constexpr int kMaxPages = 100;
  for (int page = 0; page < kMaxPages; ++page) {
    auto message = std::make_unique<v1::ListTokensRequest>();
    if (revoked.has_value()) message->set_revoked(*revoked);
    message->set_include_expired(true);
    message->set_page_size(1000);
    message->set_page_token(page_token);
    UnaryAnswer answer =
        Invoke(gate_, RouteFor(Method::kListTokens), credentials, std::move(message), timeout_);
    if (!answer.status.ok()) return Error(answer.status);
    const auto& list = static_cast<const v1::ListTokensResponse&>(*answer.response);
    for (const v1::TokenMetadata& token : list.tokens()) tokens.push_back(StackRoxToken(token));
    page_token = list.next_page_token();
    if (page_token.empty()) break;
  }
  return Ok({{"tokens", std::move(tokens)}});
}

HttpResponse StackRoxRoutes::Revoke(const HttpRequest& request, const std::string& id) const {
  auto message = std::make_unique<v1::RevokeTokenRequest>();
  message->set_id(id);
  CallCredentials credentials{request.HeaderValues("authorization"), request.Peer()};
  UnaryAnswer answer =
      Invoke(gate_, RouteFor(Method::kRevokeToken), credentials, std::move(message), timeout_);
  if (!answer.status.ok()) return Error(answer.status);
  return Ok(Json::object());
}

HttpResponse StackRoxRoutes::AuthStatus(const HttpRequest& request) const {
  CallCredentials credentials{request.HeaderValues("authorization"), request.Peer()};
  UnaryAnswer answer = Invoke(gate_, RouteFor(Method::kGetAuthStatus), credentials,
                              std::make_unique<v1::GetAuthStatusRequest>(), timeout_);
  if (!answer.status.ok()) return Error(answer.status);
  const v1::Identity& who =
      static_cast<const v1::GetAuthStatusResponse&>(*answer.response).identity();
  Json identity = ToJson(who);
  // StackRox names access levels without the enum's prefix: "READ_ACCESS".
  Json access = Json::object();
  if (auto held = identity.find("permissions"); held != identity.end() && held->is_object()) {
    for (auto it = held->begin(); it != held->end(); ++it) {
      access[it.key()] = std::string(absl::StripPrefix(it->get<std::string>(), "ACCESS_LEVEL_"));
    }
  }
  Json roles = Json::array();
  for (const std::string& role : who.roles()) {
    Json entry = Json::object();
    entry["name"] = role;
    roles.push_back(std::move(entry));
  }
  Json permissions = Json::object();
  permissions["resourceToAccess"] = std::move(access);
  Json user = Json::object();
  user["username"] = who.name();
  user["friendlyName"] = who.name();
  user["permissions"] = std::move(permissions);
  user["roles"] = std::move(roles);
  Json status = Json::object();
  status["userId"] = who.id();
  status["userInfo"] = std::move(user);
  if (identity.contains("expiration")) status["expires"] = identity["expiration"];
  return Ok(status);
}

HttpResponse StackRoxRoutes::Exchange(const HttpRequest& request) const {
  absl::StatusOr<Json> body = ParseBody(request);
  if (!body.ok()) return Error(body.status());
  absl::StatusOr<std::optional<std::string>> id_token = StringField(*body, "idToken");
  if (!id_token.ok()) return Error(id_token.status());
  auto message = std::make_unique<v1::ExchangeAuthMachineToMachineTokenRequest>();
  message->set_id_token(id_token->value_or(""));
  UnaryAnswer answer = Invoke(gate_, RouteFor(Method::kExchangeM2mToken), CallCredentials{},
                              std::move(message), timeout_);
  if (!answer.status.ok()) return Error(answer.status);
  return Ok({{"accessToken",
              static_cast<const v1::ExchangeAuthMachineToMachineTokenResponse&>(*answer.response)
                  .access_token()}});
}

}  // namespace warden::http
