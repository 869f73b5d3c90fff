#include "server/http/connect_codec.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/json_util.h>

#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/http/fast_json.h"
#include "validation/jose/json_object.h"

namespace warden::http {

std::optional<Codec> CodecFor(absl::string_view content_type) {
  // Parameters (charset) follow a ';'; only UTF-8 JSON is accepted.
  absl::string_view type = content_type.substr(0, content_type.find(';'));
  absl::string_view params =
      type.size() < content_type.size() ? content_type.substr(type.size() + 1) : "";
  type = absl::StripAsciiWhitespace(type);
  if (absl::EqualsIgnoreCase(type, "application/proto")) return Codec::kProto;
  if (!absl::EqualsIgnoreCase(type, "application/json")) return std::nullopt;
  params = absl::StripAsciiWhitespace(params);
  if (params.empty()) return Codec::kJson;
  // Parameter names are case-insensitive (RFC 9110 section 5.6.6).
  if (absl::StartsWithIgnoreCase(params, "charset=")) {
    std::string charset = absl::AsciiStrToLower(absl::StripAsciiWhitespace(params.substr(8)));
    if (charset == "utf-8" || charset == "\"utf-8\"") return Codec::kJson;
  }
  return std::nullopt;
}

const char* ContentTypeOf(Codec codec) {
  return codec == Codec::kJson ? "application/json" : "application/proto";
}

bool JsonTooDeep(absl::string_view json, int max_depth) {
  return jose::JsonNestingDepth(std::string_view(json.data(), json.size())) >
         static_cast<size_t>(max_depth);
}

namespace {

// What protobuf's JSON parser found wrong, without what it quotes of the body: its message
// names the field or the expected token, then may quote the offending value ("invalid value
// <value> for type ...") and add a line of the input around the error, either of which may
// be part of a token. Capped, since a field name is the sender's.
std::string ParseProblem(absl::string_view message) {
  message = message.substr(0, message.find('\n'));
  constexpr absl::string_view kInvalidValue = "invalid value";
  if (const size_t at = message.find(kInvalidValue); at != absl::string_view::npos) {
    message = message.substr(0, at + kInvalidValue.size());
  }
  constexpr size_t kMaxProblem = 200;
  if (message.size() > kMaxProblem) return absl::StrCat(message.substr(0, kMaxProblem), "...");
  return std::string(message);
}

}  // namespace

absl::Status DecodeMessage(Codec codec, absl::string_view body, google::protobuf::Message* out) {
  const std::string& type = out->GetDescriptor()->full_name();
  if (codec == Codec::kProto) {
    if (!out->ParseFromArray(body.data(), static_cast<int>(body.size()))) {
      return absl::InvalidArgumentError(
          absl::StrCat("the request body is not a binary ", type, " message"));
    }
    return absl::OkStatus();
  }
  if (body.empty()) return absl::OkStatus();
  if (DecodeJsonFast(body, out)) return absl::OkStatus();
  if (JsonTooDeep(body, kMaxJsonDepth)) {
    return absl::InvalidArgumentError(
        absl::StrCat("the request body nests deeper than ", kMaxJsonDepth, " levels"));
  }
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto parsed = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(body.data(), body.size()), out, options);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the request body is not a JSON ", type,
                     " message: ", ParseProblem(parsed.message().ToString())));
  }
  return absl::OkStatus();
}

std::string EncodeMessage(Codec codec, const google::protobuf::Message& message) {
  std::string out;
  if (codec == Codec::kProto) {
    message.SerializeToString(&out);
    return out;
  }
  if (EncodeJsonFast(message, &out)) return out;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = false;
  (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  return out;
}

const char* ConnectCodeName(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return "ok";
    case absl::StatusCode::kCancelled:
      return "canceled";
    case absl::StatusCode::kInvalidArgument:
      return "invalid_argument";
    case absl::StatusCode::kDeadlineExceeded:
      return "deadline_exceeded";
    case absl::StatusCode::kNotFound:
      return "not_found";
    case absl::StatusCode::kAlreadyExists:
      return "already_exists";
    case absl::StatusCode::kPermissionDenied:
      return "permission_denied";
    case absl::StatusCode::kResourceExhausted:
      return "resource_exhausted";
    case absl::StatusCode::kFailedPrecondition:
      return "failed_precondition";
    case absl::StatusCode::kAborted:
      return "aborted";
    case absl::StatusCode::kOutOfRange:
      return "out_of_range";
    case absl::StatusCode::kUnimplemented:
      return "unimplemented";
    case absl::StatusCode::kInternal:
      return "internal";
    case absl::StatusCode::kUnavailable:
      return "unavailable";
    case absl::StatusCode::kDataLoss:
      return "data_loss";
    case absl::StatusCode::kUnauthenticated:
      return "unauthenticated";
    default:
      return "unknown";
  }
}

int HttpStatusOf(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kCancelled:
      return 499;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kDeadlineExceeded:
      return 504;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
      return 409;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kUnimplemented:
      return 501;
    case absl::StatusCode::kUnavailable:
      return 503;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    default:
      return 500;
  }
}

std::string ErrorBody(const absl::Status& status) {
  nlohmann::json body = {{"code", ConnectCodeName(status.code())}};
  if (!status.message().empty()) body["message"] = std::string(status.message());
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace warden::http
