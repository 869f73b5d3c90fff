#include "server/http/connect_handler.h"

#include <algorithm>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/http/connect_codec.h"
#include "server/http/unary_call.h"

namespace warden::http {
namespace {

// The wait a request asks for with Connect-Timeout-Ms, clamped to `max_timeout`.
absl::StatusOr<absl::Duration> TimeoutOf(const HttpRequest& request, absl::Duration max_timeout) {
  std::optional<std::string> header = request.Header("connect-timeout-ms");
  if (!header.has_value()) return max_timeout;
  uint64_t ms = 0;
  // Digits only: SimpleAtoi alone would also take a sign and surrounding spaces.
  if (header->empty() || header->size() > 10 ||
      !std::all_of(header->begin(), header->end(), absl::ascii_isdigit) ||
      !absl::SimpleAtoi(*header, &ms) || ms == 0) {
    return absl::InvalidArgumentError(
        "Connect-Timeout-Ms must be a positive integer of at most 10 digits");
  }
  return std::min(absl::Milliseconds(ms), max_timeout);
}

}  // namespace

HttpResponse ConnectError(const absl::Status& status) {
  HttpResponse response;
  response.status = HttpStatusOf(status.code());
  response.content_type = "application/json";
  response.body = ErrorBody(status);
  return response;
}

HttpResponse ServeConnect(const CallGate& gate, const UnaryRoute& route, const HttpRequest& request,
                          absl::Duration max_timeout) {
  if (request.method != "POST") {
    HttpResponse refused = ConnectError(absl::InvalidArgumentError(
        absl::StrCat(route.path, " takes POST requests (the Connect protocol's unary calls)")));
    refused.status = 405;
    refused.SetHeader("Allow", "POST");
    return refused;
  }
  const std::optional<std::string> content_type = request.Header("content-type");
  const std::optional<Codec> codec = CodecFor(content_type.value_or(""));
  if (!codec.has_value()) {
    HttpResponse refused = ConnectError(absl::InvalidArgumentError(
        "unsupported Content-Type: send application/json or application/proto"));
    refused.status = 415;
    return refused;
  }
  if (std::optional<std::string> version = request.Header("connect-protocol-version");
      version.has_value() && *version != "1") {
    return ConnectError(absl::InvalidArgumentError("Connect-Protocol-Version must be 1"));
  }
  if (request.HeaderCount("connect-protocol-version") > 1) {
    return ConnectError(absl::InvalidArgumentError("Connect-Protocol-Version must be sent once"));
  }
  for (const std::string& encoding : request.HeaderValues("content-encoding")) {
    if (!absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(encoding), "identity")) {
      return ConnectError(
          absl::UnimplementedError("unsupported Content-Encoding: the supported one is identity"));
    }
  }
  absl::StatusOr<absl::Duration> timeout = TimeoutOf(request, max_timeout);
  if (!timeout.ok()) return ConnectError(timeout.status());

  std::unique_ptr<google::protobuf::Message> message(route.request_prototype->New());
  if (absl::Status decoded = DecodeMessage(*codec, request.body, message.get()); !decoded.ok()) {
    return ConnectError(decoded);
  }
  CallCredentials credentials{request.HeaderValues("authorization"), request.Peer()};
  UnaryAnswer answer = Invoke(gate, route, credentials, std::move(message), *timeout);
  if (!answer.status.ok()) return ConnectError(answer.status);
  HttpResponse response;
  response.content_type = ContentTypeOf(*codec);
  response.body = EncodeMessage(*codec, *answer.response);
  return response;
}

}  // namespace warden::http
