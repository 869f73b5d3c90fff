#pragma once

#include <google/protobuf/message.h>

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "domain/identity.h"
#include "server/api/auth_api.h"
#include "server/api/auth_provider_api.h"
#include "server/api/reply.h"
#include "server/api/role_api.h"
#include "server/api/token_api.h"
#include "server/auth/method.h"

namespace warden::http {

// One unary warden.v1 method as the HTTP transport serves it: its Connect path, its message
// types, and the application-layer call that answers it.
struct UnaryRoute {
  Method method;
  std::string path;  // "/warden.v1.TokenService/GenerateToken"
  const google::protobuf::Message* request_prototype;
  const google::protobuf::Message* response_prototype;
  // Calls the API. `caller` is the identity the gate admitted; null for a method that takes
  // no credentials (MethodInfo::anonymous). `request` and `response` are of the prototypes'
  // types; `response` must live until `done` runs.
  std::function<void(const Identity* caller, const google::protobuf::Message& request,
                     google::protobuf::Message* response, ApiDone done)>
      call;
};

// The Connect path of a method: "/warden.v1." + "Service/Method".
std::string ConnectPath(Method method);

// A route for every unary method of the method table (every method but WatchRevocations),
// over the four APIs, which must outlive the routes.
std::vector<UnaryRoute> UnaryRoutes(TokenApi& tokens, RoleApi& roles, AuthApi& auth,
                                    AuthProviderApi& providers);

}  // namespace warden::http
