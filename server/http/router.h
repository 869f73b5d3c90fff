#pragma once

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "server/api/call_gate.h"
#include "server/http/http_message.h"
#include "server/http/stackrox_routes.h"
#include "server/http/unary_routes.h"
#include "server/http/well_known.h"
#include "validation/token_validator.h"

namespace warden::http {

// The headers every answer carries, whoever writes it (the Router, or the listener and its
// library for what they refuse before routing: 413, 431, 414, malformed requests): no MIME
// sniffing, no framing, no referrer, and a policy that lets a page load nothing at all
// (the console's page sets its own, kConsoleSecurityPolicy).
const std::vector<std::pair<std::string, std::string>>& SecurityHeaders();

// What every HTTP answer is subject to.
struct RouterOptions {
  // The longest a call may take (Connect-Timeout-Ms may ask for less).
  absl::Duration max_call_timeout = absl::Seconds(30);
  // Origins ("https://console.example.com") allowed to call from a browser on another
  // origin; empty: no CORS headers at all, so browsers refuse cross-origin calls.
  std::vector<std::string> cors_origins;
  // Served over TLS: answers carry Strict-Transport-Security.
  bool tls = false;
};

// Everything the HTTP listener serves, apart from the socket library: the Connect routes of
// every unary warden.v1 method, StackRox's token paths, JWKS and OIDC discovery, health
// (/healthz: the process is up; /readyz: the gate is ready, like gRPC health), and the web
// console at `/`. Adds the security headers (no sniffing, no framing, no caching of anything
// that may hold a token, a strict Content-Security-Policy) and, for configured origins only,
// CORS. Thread-safe; `gate`, `tokens` and the APIs behind `routes` must outlive it.
class Router final {
 public:
  Router(RouterOptions options, const CallGate& gate, std::vector<UnaryRoute> routes,
         const TokenValidator& tokens);

  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // The answer to `request`; `route` is set to a bounded label for metrics (the matched
  // path template, or "other").
  HttpResponse Handle(const HttpRequest& request, std::string* route) const;

 private:
  HttpResponse Dispatch(const HttpRequest& request, std::string* route) const;
  // The CORS answer to a preflight (OPTIONS) request.
  HttpResponse Preflight(const HttpRequest& request) const;
  bool AllowedOrigin(const std::string& origin) const;

  const RouterOptions options_;
  const CallGate& gate_;
  const std::vector<UnaryRoute> routes_;
  const WellKnownDocuments well_known_;
  absl::flat_hash_map<std::string, const UnaryRoute*> by_path_;
  const StackRoxRoutes stackrox_;
};

}  // namespace warden::http
