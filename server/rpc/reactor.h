#pragma once

#include <utility>

#include <grpcpp/server_context.h>

#include "absl/status/statusor.h"
#include "server/rpc/status.h"

namespace warden {

// Finishes the call at once with `status` (on OK the response must already be filled).
inline grpc::ServerUnaryReactor* FinishNow(grpc::CallbackServerContext* context,
                                           const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

// A completion callback that finishes `reactor` with its result: on OK, `fill` first
// writes the value into the response. Safe to run on any thread, exactly once.
template <typename T, typename Fill>
auto FinishWith(grpc::ServerUnaryReactor* reactor, Fill fill) {
  return [reactor, fill = std::move(fill)](absl::StatusOr<T> result) mutable {
    if (!result.ok()) return reactor->Finish(ToGrpcStatus(result.status()));
    fill(*result);
    reactor->Finish(grpc::Status::OK);
  };
}

}  // namespace warden
