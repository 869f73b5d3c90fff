#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <utility>

#include "absl/status/statusor.h"
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

// Serves one unary call that takes credentials: the gate admits the caller for `method`,
// then `handler` of the application layer (server/api/) answers, and its status finishes
// the call. Admission may finish on the pool that checks a third-party ID token; the
// handler's answer on whatever thread it comes from.
template <typename Api, typename Request, typename Response>
grpc::ServerUnaryReactor* Serve(const CallGate& gate, grpc::CallbackServerContext* context,
                                Method method, Api& api,
                                void (Api::*handler)(const Identity&, const Request&, Response*,
                                                     ApiDone),
                                const Request* request, Response* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  gate.Admit(CredentialsOf(*context), method,
             [reactor, &api, handler, request, response](absl::StatusOr<Identity> caller) {
               if (!caller.ok()) return reactor->Finish(ToGrpcStatus(caller.status()));
               (api.*handler)(*caller, *request, response, [reactor](absl::Status status) {
                 reactor->Finish(ToGrpcStatus(status));
               });
             });
  return reactor;
}

// Serves one unary call that takes no credentials (MethodInfo::anonymous): refused only
// while the server is starting.
template <typename Api, typename Request, typename Response>
grpc::ServerUnaryReactor* ServeAnonymous(const CallGate& gate, grpc::CallbackServerContext* context,
                                         Api& api,
                                         void (Api::*handler)(const Request&, Response*, ApiDone),
                                         const Request* request, Response* response) {
  if (absl::Status up = gate.CheckReady(); !up.ok()) return FinishNow(context, up);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  (api.*handler)(*request, response,
                 [reactor](absl::Status status) { reactor->Finish(ToGrpcStatus(status)); });
  return reactor;
}

}  // namespace warden
