#pragma once

#include <google/protobuf/message.h>

#include <memory>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/api/call_gate.h"
#include "server/http/unary_routes.h"

namespace warden::http {

// What one unary call answered: its status and, when OK, the filled response.
struct UnaryAnswer {
  absl::Status status;
  std::shared_ptr<google::protobuf::Message> response;
};

// Runs `route` for an HTTP request on the caller's (HTTP worker) thread: the gate admits
// `credentials` for the route's method (or, for an anonymous method, checks only that the
// server is ready), the application layer answers as the current call (common/call_scope.h,
// with `timeout` as its deadline), and this waits for the answer for at most `timeout`
// (then DEADLINE_EXCEEDED; database work still queued is then dropped, work already running
// may complete and is discarded). Blocks an HTTP worker, never a gRPC thread.
UnaryAnswer Invoke(const CallGate& gate, const UnaryRoute& route,
                   const CallCredentials& credentials,
                   std::unique_ptr<google::protobuf::Message> request, absl::Duration timeout);

}  // namespace warden::http
