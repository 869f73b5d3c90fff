#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/api/call_gate.h"
#include "server/http/http_message.h"
#include "server/http/unary_routes.h"

namespace warden::http {

// The token paths of StackRox's (Red Hat Advanced Cluster Security's) REST API, so that
// scripts written for it work with only the base URL changed. Each one is translated to the
// warden.v1 method that does the same and runs through the same gate and application layer;
// field names are StackRox's camelCase. docs/stackrox-compat.md lists what still differs.
//
//   POST  /v1/apitokens/generate              -> TokenService.GenerateToken
//   GET   /v1/apitokens/generate/allowed-roles -> TokenService.ListAllowedTokenRoles
//   GET   /v1/apitokens/{id}                  -> TokenService.GetToken
//   GET   /v1/apitokens[?revoked=true|false]  -> TokenService.ListTokens, every page
//   PATCH /v1/apitokens/revoke/{id}           -> TokenService.RevokeToken
//   GET   /v1/auth/status                     -> AuthService.GetAuthStatus
//   POST  /v1/auth/m2m/exchange               -> AuthService.ExchangeAuthMachineToMachineToken
class StackRoxRoutes final {
 public:
  // `routes` are the unary routes (unary_routes.h); they and `gate` must outlive this.
  StackRoxRoutes(const CallGate& gate, const std::vector<UnaryRoute>& routes,
                 absl::Duration timeout);

  // The answer when `request` is one of the paths above (errors as {code, message, error}
  // with the HTTP status of the code, as StackRox's gateway answers), nullopt when it is not.
  // `route` is set to the path's template, for metrics.
  std::optional<HttpResponse> Serve(const HttpRequest& request, std::string* route) const;

 private:
  const UnaryRoute& RouteFor(Method method) const;
  HttpResponse Generate(const HttpRequest& request) const;
  HttpResponse AllowedRoles(const HttpRequest& request) const;
  HttpResponse GetToken(const HttpRequest& request, const std::string& id) const;
  HttpResponse ListTokens(const HttpRequest& request) const;
  HttpResponse Revoke(const HttpRequest& request, const std::string& id) const;
  HttpResponse AuthStatus(const HttpRequest& request) const;
  HttpResponse Exchange(const HttpRequest& request) const;

  const CallGate& gate_;
  const std::vector<UnaryRoute>& routes_;
  const absl::Duration timeout_;
};

}  // namespace warden::http
