#include "server/http/router.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/http/connect_handler.h"
#include "server/http/console_routes.h"

namespace warden::http {
namespace {

HttpResponse Plain(int status, const std::string& text) {
  HttpResponse response;
  response.status = status;
  response.content_type = "text/plain; charset=utf-8";
  response.body = text;
  return response;
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& SecurityHeaders() {
  static const auto* headers = new std::vector<std::pair<std::string, std::string>>{
      {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "no-referrer"},
      {"Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"},
  };
  return *headers;
}

Router::Router(RouterOptions options, const CallGate& gate, std::vector<UnaryRoute> routes,
               const TokenValidator& tokens)
    : options_(std::move(options)),
      gate_(gate),
      routes_(std::move(routes)),
      well_known_(tokens),
      stackrox_(gate, routes_, options_.max_call_timeout) {
  for (const UnaryRoute& route : routes_) by_path_.emplace(route.path, &route);
}

bool Router::AllowedOrigin(const std::string& origin) const {
  return std::find(options_.cors_origins.begin(), options_.cors_origins.end(), origin) !=
         options_.cors_origins.end();
}

HttpResponse Router::Preflight(const HttpRequest& request) const {
  const std::optional<std::string> origin = request.Header("origin");
  if (!origin.has_value() || !AllowedOrigin(*origin)) {
    return ConnectError(
        absl::PermissionDeniedError("cross-origin requests from this origin are not allowed"));
  }
  HttpResponse response;
  response.status = 204;
  response.content_type.clear();
  response.SetHeader("Access-Control-Allow-Methods", "GET, POST, PATCH");
  response.SetHeader("Access-Control-Allow-Headers",
                     "Authorization, Content-Type, Connect-Protocol-Version, Connect-Timeout-Ms");
  response.SetHeader("Access-Control-Max-Age", "600");
  return response;
}

HttpResponse Router::Dispatch(const HttpRequest& request, std::string* route) const {
  if (request.method == "OPTIONS") {
    *route = "preflight";
    return Preflight(request);
  }
  if (auto it = by_path_.find(request.path); it != by_path_.end()) {
    *route = it->second->path;
    return ServeConnect(gate_, *it->second, request, options_.max_call_timeout);
  }
  const bool get = request.method == "GET" || request.method == "HEAD";
  if (request.path == "/healthz" && get) {
    *route = "/healthz";
    return Plain(200, "ok\n");
  }
  if (request.path == "/readyz" && get) {
    *route = "/readyz";
    return gate_.ready() ? Plain(200, "ready\n")
                         : Plain(503, "starting: waiting for the database\n");
  }
  if (request.path == "/.well-known/jwks.json" && get) {
    *route = request.path;
    return well_known_.Jwks();
  }
  if (request.path == "/.well-known/openid-configuration" && get) {
    *route = request.path;
    return well_known_.Discovery();
  }
  if (std::optional<HttpResponse> answer = stackrox_.Serve(request, route)) return *answer;
  if (std::optional<HttpResponse> answer = ServeConsole(request, route)) return *answer;
  *route = "other";
  if (absl::StartsWith(request.path, "/warden.v1.")) {
    // Connect's answer for a procedure the server does not have.
    HttpResponse missing = ConnectError(absl::UnimplementedError("no such method"));
    missing.status = 404;
    return missing;
  }
  return ConnectError(
      absl::NotFoundError(absl::StrCat("no route for ", request.method, " on this path")));
}

HttpResponse Router::Handle(const HttpRequest& request, std::string* route) const {
  HttpResponse response = Dispatch(request, route);
  // The console's page sets its own Content-Security-Policy; a second one would narrow it.
  for (const auto& [name, value] : SecurityHeaders()) {
    if (response.headers.count(name) == 0) response.headers.emplace(name, value);
  }
  // Anything not marked cacheable (the public keys) may hold a token or who holds one.
  if (response.headers.count("Cache-Control") == 0) {
    response.headers.emplace("Cache-Control", "no-store");
  }
  if (options_.tls) {
    response.headers.emplace("Strict-Transport-Security", "max-age=31536000");
  }
  if (std::optional<std::string> origin = request.Header("origin");
      origin.has_value() && AllowedOrigin(*origin)) {
    response.headers.emplace("Access-Control-Allow-Origin", *origin);
    response.headers.emplace("Vary", "Origin");
  }
  return response;
}

}  // namespace warden::http
