#pragma once

// The requests of warden-bench's HTTP scenarios, and the baseline each is compared with:
//
//   http-hello      POST /hello on warden-bench-hello, with http-validate's headers and body,
//                   answered with as many bytes as Warden's ValidateToken answer
//   http-validate   POST /warden.v1.AuthService/ValidateToken on Warden's HTTP listener
//                   (Connect, JSON): the caller's token in Authorization, the same one
//                   token in the body every time (the verified-token cache's path)
//   http-hello-get  GET /hello, answered with as many bytes as Warden's JWKS
//   http-jwks       GET /.well-known/jwks.json

#include <cstddef>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "tests/bench/http_load.h"
#include "tests/bench/http_wire.h"

namespace warden::bench {

// Whether `name` is one of the scenarios above.
bool IsHttpScenario(const std::string& name);

// Whether `name` is served by warden-bench-hello rather than Warden.
bool IsHelloScenario(const std::string& name);

// The scenario whose rate `name`'s is compared with ("vs base"): "echo" for the gRPC
// scenarios, a hello scenario (itself included) for the HTTP ones.
std::string BaselineOf(const std::string& name);

struct HttpScenario {
  HttpEndpoint endpoint;
  HttpCall call;
};

struct HttpScenarios {
  std::map<std::string, HttpScenario> by_name;  // the scenarios whose endpoint was given
  size_t validate_answer_bytes = 0;             // what the hello scenarios answer with
  size_t jwks_answer_bytes = 0;
};

// Builds the calls of every HTTP scenario whose server is given ("host:port"; empty: not
// given). With `warden_target` (Warden's HTTP listener), first sends one ValidateToken of
// `token` as `authorization` and one JWKS GET: both must answer 200, and their sizes are the
// hello scenarios' (without, the sizes of a typical answer). `hello_target` is
// warden-bench-hello's.
absl::StatusOr<HttpScenarios> PrepareHttpScenarios(const std::string& warden_target,
                                                   const std::string& hello_target,
                                                   const std::string& authorization,
                                                   const std::string& token);

}  // namespace warden::bench
