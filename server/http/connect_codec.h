#pragma once

#include <google/protobuf/message.h>

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace warden::http {

// The Connect protocol's unary rules (connectrpc.com/docs/protocol): how a request body is
// read and an answer written. Pure functions, so that they are unit-tested and fuzzed apart
// from the listener.

// A unary message codec: "application/json" (proto3 JSON mapping) or "application/proto"
// (binary protobuf).
enum class Codec { kJson, kProto };

// The codec of a Content-Type ("application/json", "application/json; charset=utf-8",
// "application/proto"); nullopt for anything else, which Connect answers 415.
std::optional<Codec> CodecFor(absl::string_view content_type);
// The Content-Type a codec's messages are answered with.
const char* ContentTypeOf(Codec codec);

// JSON deeper than this is refused before it is parsed (warden.v1's messages nest at most
// five levels, so this is generous).
inline constexpr int kMaxJsonDepth = 32;

// Parses `body` into `out`. Binary: protobuf's parser. JSON: the proto3 mapping, refusing
// unknown fields, nesting beyond kMaxJsonDepth and invalid UTF-8 (a plain ValidateTokenRequest
// is read by fast_json.h, to the same message). An empty body is the empty message.
// INVALID_ARGUMENT naming the message type and what was wrong; never echoes the body, which
// may hold a token.
absl::Status DecodeMessage(Codec codec, absl::string_view body, google::protobuf::Message* out);
// Serializes `message` in `codec` (JSON: lowerCamelCase names, default values omitted, as
// protojson does; the identity answers are written by fast_json.h, byte for byte as
// protobuf's printer would, map entries sorted by key). Always succeeds for a message the
// server built.
std::string EncodeMessage(Codec codec, const google::protobuf::Message& message);

// Whether JSON text nests deeper than `max_depth` objects and arrays (strings are skipped).
bool JsonTooDeep(absl::string_view json, int max_depth);

// Connect's name for a code ("invalid_argument") and the HTTP status it is answered with.
const char* ConnectCodeName(absl::StatusCode code);
int HttpStatusOf(absl::StatusCode code);

// The JSON error body for a status that is not OK: {"code": ..., "message": ...}.
std::string ErrorBody(const absl::Status& status);

}  // namespace warden::http
