#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <chrono>
#include <memory>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/call_scope.h"
#include "server/api/call_gate.h"
#include "server/api/reply.h"
#include "server/auth/method.h"
#include "server/rpc/status.h"

namespace warden {

// What the gate needs to know of a gRPC call: its `authorization` metadata and its peer.
CallCredentials CredentialsOf(const grpc::CallbackServerContext& context);

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

// The call's deadline (infinite when the client set none) and cancellation, as the
// transport-independent scope that queued database work carries (common/call_scope.h).
// `cancelled` refers to `context`, which lives until its reactor is finished: safe because
// the handler hands nothing on for the call after its answer, which finishes the reactor.
inline std::shared_ptr<const CallScope> CallScopeOf(grpc::CallbackServerContext* context) {
  auto scope = std::make_shared<CallScope>();
  if (context->deadline() != std::chrono::system_clock::time_point::max()) {
    scope->deadline = absl::FromChrono(context->deadline());
  }
  scope->cancelled = [context] { return context->IsCancelled(); };
  return scope;
}

// Serves one unary call that takes credentials: the gate admits the caller for `method`,
// then `handler` of the application layer (server/api/) answers, as the current call
// (CallScopeOf), and its status finishes the call. Admission may finish on the pool that
// checks a third-party ID token; the handler's answer on whatever thread it comes from.
template <typename Api, typename Request, typename Response>
grpc::ServerUnaryReactor* Serve(const CallGate& gate, grpc::CallbackServerContext* context,
                                Method method, Api& api,
                                void (Api::*handler)(const Identity&, const Request&, Response*,
                                                     ApiDone),
                                const Request* request, Response* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  gate.Admit(CredentialsOf(*context), method,
             [reactor, context, &api, handler, request, response](absl::StatusOr<Identity> caller) {
               if (!caller.ok()) return reactor->Finish(ToGrpcStatus(caller.status()));
               ScopedCall call(CallScopeOf(context));
               (api.*handler)(*caller, *request, response, [reactor](absl::Status status) {
                 reactor->Finish(ToGrpcStatus(status));
               });
             });
  return reactor;
}

// Serves one unary call that takes no credentials (MethodInfo::anonymous): refused only
// while the server is starting. The handler runs as the current call, like Serve's.
template <typename Api, typename Request, typename Response>
grpc::ServerUnaryReactor* ServeAnonymous(const CallGate& gate, grpc::CallbackServerContext* context,
                                         Api& api,
                                         void (Api::*handler)(const Request&, Response*, ApiDone),
                                         const Request* request, Response* response) {
  if (absl::Status up = gate.CheckReady(); !up.ok()) return FinishNow(context, up);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  ScopedCall call(CallScopeOf(context));
  (api.*handler)(*request, response,
                 [reactor](absl::Status status) { reactor->Finish(ToGrpcStatus(status)); });
  return reactor;
}

}  // namespace warden
