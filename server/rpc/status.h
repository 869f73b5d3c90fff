#pragma once

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace warden {

// absl::Status codes are gRPC's codes, so this only copies the code and message.
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace warden
