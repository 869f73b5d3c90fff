#pragma once

#include "absl/time/time.h"
#include "server/api/call_gate.h"
#include "server/http/http_message.h"
#include "server/http/unary_routes.h"

namespace warden::http {

// Answers one Connect unary request (POST /warden.v1.<Service>/<Method>) for `route`:
// checks the protocol's headers (Content-Type → 415 unless JSON or binary protobuf;
// Connect-Protocol-Version, when sent, must be 1; only identity Content-Encoding;
// Connect-Timeout-Ms bounds the wait, never beyond `max_timeout`), decodes the body, runs
// the call through the gate and the application layer (unary_call.h), and encodes the
// answer in the request's codec, or an error as Connect's JSON {code, message} with the
// HTTP status of its code.
HttpResponse ServeConnect(const CallGate& gate, const UnaryRoute& route, const HttpRequest& request,
                          absl::Duration max_timeout);

// The answer for a status that is not OK, in Connect's form.
HttpResponse ConnectError(const absl::Status& status);

}  // namespace warden::http
