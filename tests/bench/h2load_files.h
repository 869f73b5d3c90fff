#pragma once

// What h2load (nghttp2-client) needs to load ValidateToken and the echo baseline over gRPC:
// the gRPC-framed request bodies and the caller's credential, in files. scripts/bench drives
// h2load with them, as a second load generator beside warden-bench's own client.

#include <string>

#include "absl/status/status.h"

namespace warden::bench {

// Mints a caller token and a token to validate on the Warden at `target` (as the admin whose
// password is in `admin_password_file`), validates once to learn the answer's size, and
// writes into `dir`:
//   validate.grpc  one gRPC message frame: ValidateTokenRequest{token}
//   echo.grpc      one gRPC message frame: EchoRequest{token, response_size = that size}
//   authorization  "Bearer <caller token>", the value of the authorization header
absl::Status WriteH2loadFiles(const std::string& target, const std::string& admin_password_file,
                              const std::string& dir);

}  // namespace warden::bench
