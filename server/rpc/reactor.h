#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <utility>

#include "absl/status/statusor.h"
#include "server/rpc/call_gate.h"
#include "server/rpc/status.h"

namespace warden {

// Finishes the call at once with `status` (on OK the response must already be filled).
inline grpc::ServerUnaryReactor* FinishNow(grpc::CallbackServerContext* context,
                                           const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

// A server-streaming call refused before it sends anything: finishes with `status` (not
// OK) at once, and deletes itself when gRPC is done with it.
template <typename Response>
grpc::ServerWriteReactor<Response>* RefuseStream(const absl::Status& status) {
  class Refused final : public grpc::ServerWriteReactor<Response> {
   public:
    explicit Refused(const absl::Status& status) { this->Finish(ToGrpcStatus(status)); }
    void OnDone() override { delete this; }
  };
  return new Refused(status);
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

// Admits the caller through `gate` for `method`, then runs body(reactor, caller): inline, or
// on the pool thread that finished a third-party ID token's check. Refused: finishes the
// call with the gate's status. `body` must finish the reactor exactly once.
template <typename Body>
grpc::ServerUnaryReactor* AdmitThen(const CallGate& gate, grpc::CallbackServerContext* context,
                                    absl::string_view method, Body body) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  gate.Admit(*context, method,
             [reactor, body = std::move(body)](absl::StatusOr<Identity> caller) mutable {
               if (!caller.ok()) return reactor->Finish(ToGrpcStatus(caller.status()));
               body(reactor, *caller);
             });
  return reactor;
}

// Finishes `reactor` with `status` (on OK the response must already be filled).
inline void Finish(grpc::ServerUnaryReactor* reactor, const absl::Status& status) {
  reactor->Finish(ToGrpcStatus(status));
}

}  // namespace warden
