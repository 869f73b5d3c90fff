#pragma once

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace warden {

// absl::Status codes are gRPC's codes, so this copies the code and the message, cut to
// kMaxStatusMessageBytes (at a UTF-8 character boundary, marked "... (truncated)"): the
// message travels percent-encoded in a response header, and a client refuses a header block
// over its limit (8 KB by default) and with it, in gRPC C++, the rest of the connection.
grpc::Status ToGrpcStatus(const absl::Status& status);

inline constexpr size_t kMaxStatusMessageBytes = 2048;

}  // namespace warden
