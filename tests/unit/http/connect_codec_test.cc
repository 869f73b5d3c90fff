#include "server/http/connect_codec.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <tuple>

#include "warden/v1/auth.pb.h"
#include "warden/v1/token.pb.h"

namespace warden::http {
namespace {

using Catch::Contains;

// A JSON body nesting `depth` arrays inside the value of GenerateTokenRequest.roles.
std::string NestedRoles(int depth) {
  return R"({"roles":)" + std::string(depth, '[') + std::string(depth, ']') + "}";
}

TEST_CASE("CodecFor reads Connect's unary content types") {
  CHECK(CodecFor("application/json") == Codec::kJson);
  CHECK(CodecFor("application/json; charset=utf-8") == Codec::kJson);
  CHECK(CodecFor("application/json;charset=UTF-8") == Codec::kJson);
  CHECK(CodecFor("application/json; charset=\"utf-8\"") == Codec::kJson);
  CHECK(CodecFor("application/json; CHARSET=utf-8") == Codec::kJson);
  CHECK(CodecFor("application/proto") == Codec::kProto);
  CHECK(CodecFor("Application/JSON") == Codec::kJson);
  CHECK(CodecFor("APPLICATION/PROTO") == Codec::kProto);
  CHECK(CodecFor(" application/json ") == Codec::kJson);
}

TEST_CASE("CodecFor refuses every other content type") {
  for (const char* type :
       {"", "text/plain", "application/grpc", "application/grpc+proto", "application/connect+json",
        "application/x-www-form-urlencoded", "application/jsonx", "application/protobuf",
        "application/json; charset=latin1", "application/json; charset=utf-16",
        "application/json; boundary=x", "multipart/form-data"}) {
    INFO(type);
    CHECK_FALSE(CodecFor(type).has_value());
  }
}

TEST_CASE("answers carry the content type of the request's codec") {
  CHECK(std::string(ContentTypeOf(Codec::kJson)) == "application/json");
  CHECK(std::string(ContentTypeOf(Codec::kProto)) == "application/proto");
}

TEST_CASE("JsonTooDeep counts objects and arrays, not brackets inside strings") {
  CHECK_FALSE(JsonTooDeep("", 1));
  CHECK_FALSE(JsonTooDeep("{}", 1));
  CHECK(JsonTooDeep("{[]}", 1));
  CHECK_FALSE(JsonTooDeep(R"({"a":{"b":[1,2]}})", 3));
  CHECK(JsonTooDeep(R"({"a":{"b":[1,2]}})", 2));
  // Siblings do not add up: depth is nesting, not count.
  CHECK_FALSE(JsonTooDeep("[[],[],[],[]]", 2));
  // Brackets in strings are text.
  CHECK_FALSE(JsonTooDeep(R"({"a":"[[[[{{{{"})", 1));
  // An escaped quote does not end the string, so the brackets after it are still text...
  CHECK_FALSE(JsonTooDeep(R"({"a":"\"[[[[{{{{"})", 1));
  // ...but an escaped backslash before the quote does end it.
  CHECK(JsonTooDeep(R"({"a":"\\",[[[]]]})", 2));
  CHECK(JsonTooDeep(NestedRoles(kMaxJsonDepth), kMaxJsonDepth));
  CHECK_FALSE(JsonTooDeep(NestedRoles(kMaxJsonDepth - 1), kMaxJsonDepth));
}

TEST_CASE("DecodeMessage reads proto3 JSON and binary protobuf alike") {
  v1::GenerateTokenRequest want;
  want.set_name("ci");
  want.add_roles("Admin");
  want.mutable_expiration()->set_seconds(1'800'000'000);

  v1::GenerateTokenRequest from_json;
  REQUIRE(DecodeMessage(Codec::kJson,
                        R"({"name":"ci","roles":["Admin"],"expiration":"2027-01-15T08:00:00Z"})",
                        &from_json)
              .ok());
  CHECK(from_json.SerializeAsString() == want.SerializeAsString());

  v1::GenerateTokenRequest from_binary;
  REQUIRE(DecodeMessage(Codec::kProto, want.SerializeAsString(), &from_binary).ok());
  CHECK(from_binary.SerializeAsString() == want.SerializeAsString());

  // EncodeMessage writes what DecodeMessage reads, in either codec.
  for (Codec codec : {Codec::kJson, Codec::kProto}) {
    v1::GenerateTokenRequest again;
    REQUIRE(DecodeMessage(codec, EncodeMessage(codec, want), &again).ok());
    CHECK(again.SerializeAsString() == want.SerializeAsString());
  }
  // JSON field names are lowerCamelCase, default values left out.
  v1::ListTokensRequest list;
  list.set_include_expired(true);
  CHECK(EncodeMessage(Codec::kJson, list) == R"({"includeExpired":true})");
  // proto field names are accepted too, as the proto3 JSON mapping requires.
  v1::ListTokensRequest snake;
  REQUIRE(DecodeMessage(Codec::kJson, R"({"include_expired":true})", &snake).ok());
  CHECK(snake.include_expired());
}

TEST_CASE("an empty body is the empty message in either codec") {
  for (Codec codec : {Codec::kJson, Codec::kProto}) {
    v1::GenerateTokenRequest message;
    REQUIRE(DecodeMessage(codec, "", &message).ok());
    CHECK(message.ByteSizeLong() == 0);
  }
}

TEST_CASE("an unknown JSON field is INVALID_ARGUMENT naming the message type") {
  v1::GetTokenRequest message;
  absl::Status status = DecodeMessage(Codec::kJson, R"({"id":"x","tokenId":"y"})", &message);
  CHECK(status.code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(status.message()), Contains("warden.v1.GetTokenRequest"));
  CHECK_THAT(std::string(status.message()), Contains("tokenId"));
}

TEST_CASE("JSON nesting deeper than kMaxJsonDepth is refused before it is parsed") {
  v1::GenerateTokenRequest message;
  absl::Status status = DecodeMessage(Codec::kJson, NestedRoles(10'000), &message);
  CHECK(status.code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(status.message()), Contains("nests deeper than 32 levels"));
}

TEST_CASE("malformed bodies are INVALID_ARGUMENT naming the message type") {
  v1::GenerateTokenRequest message;
  const std::tuple<Codec, std::string, std::string> cases[] = {
      {Codec::kProto, std::string("\xff\xff\xff\xff", 4), "not a binary"},
      {Codec::kProto,
       std::string("\x0a\x05"
                   "ab",
                   4),
       "not a binary"},  // length past the end
      {Codec::kJson, "{", "not a JSON"},
      {Codec::kJson, "[]", "not a JSON"},
      {Codec::kJson, R"({"name":5})", "not a JSON"},
      {Codec::kJson, R"({"roles":{"Admin":true}})", "not a JSON"},
      {Codec::kJson, R"({"expiration":"tomorrow"})", "not a JSON"},
      {Codec::kJson, R"({"name":"ci"} trailing)", "not a JSON"},
  };
  for (const auto& [codec, body, says] : cases) {
    INFO(body);
    absl::Status status = DecodeMessage(codec, body, &message);
    CHECK(status.code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(std::string(status.message()), Contains(says));
    CHECK_THAT(std::string(status.message()), Contains("warden.v1.GenerateTokenRequest"));
  }
}

TEST_CASE("strings that are not UTF-8 are refused in either codec") {
  v1::GenerateTokenRequest message;
  CHECK(DecodeMessage(Codec::kJson, "{\"name\":\"bad \xc3\x28 byte\"}", &message).code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(DecodeMessage(Codec::kJson, "{\"name\":\"cut \xe2\x82\"}", &message).code() ==
        absl::StatusCode::kInvalidArgument);
  // Field 1 (name), length 2, the bytes C3 28.
  CHECK(DecodeMessage(Codec::kProto, std::string("\x0a\x02\xc3\x28", 4), &message).code() ==
        absl::StatusCode::kInvalidArgument);
  // Valid multi-byte UTF-8 is of course fine.
  REQUIRE(DecodeMessage(Codec::kJson, "{\"name\":\"caf\xc3\xa9\"}", &message).ok());
  CHECK(message.name() == "caf\xc3\xa9");
}

TEST_CASE("a refused body is never echoed in the error") {
  // What a client may paste by mistake: a token where JSON was expected.
  const std::string secret = "eyJhbGciOiJFUzI1NiJ9.c2VjcmV0LXBheWxvYWQ.c2ln";
  for (const std::string& body : {
           R"({"token":)" + secret + "}",                           // unquoted
           R"({"token":")" + secret + R"(" ")" + secret + R"("})",  // a missing comma
           R"({"token":")" + secret + R"(", "name":)",              // cut short
           R"({"token":")" + secret + R"("})" + secret,             // trailing text
       }) {
    INFO(body);
    v1::ValidateTokenRequest message;
    absl::Status status = DecodeMessage(Codec::kJson, body, &message);
    CHECK(status.code() == absl::StatusCode::kInvalidArgument);
    for (const char* piece : {"eyJhbGci", "OiJFUzI1", "c2VjcmV0", "LXBheWxv", "c2ln"}) {
      CHECK_THAT(std::string(status.message()), !Contains(piece));
    }
    CHECK_THAT(std::string(status.message()), Contains("warden.v1.ValidateTokenRequest"));
    // One line, so that whatever logs it cannot be made to log a forged second line.
    CHECK_THAT(std::string(status.message()), !Contains("\n"));
  }
  // A value of the wrong form: protobuf's own first line quotes it ("invalid value <value>
  // for type ..."), whatever its length.
  for (const std::string& value : {secret, std::string(100000, 'T')}) {
    v1::GenerateTokenRequest message;
    absl::Status status =
        DecodeMessage(Codec::kJson, R"({"expiration":")" + value + R"("})", &message);
    CHECK(status.code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(std::string(status.message()), Contains("expiration"));
    CHECK_THAT(std::string(status.message()), !Contains("eyJhbGci"));
    CHECK_THAT(std::string(status.message()), !Contains("TTTTTTTT"));
    CHECK(status.message().size() <= 512);
  }
}

// The Connect protocol's table (connectrpc.com/docs/protocol, "Error Codes").
TEST_CASE("every code has Connect's name and HTTP status") {
  const std::tuple<absl::StatusCode, const char*, int> table[] = {
      {absl::StatusCode::kCancelled, "canceled", 499},
      {absl::StatusCode::kUnknown, "unknown", 500},
      {absl::StatusCode::kInvalidArgument, "invalid_argument", 400},
      {absl::StatusCode::kDeadlineExceeded, "deadline_exceeded", 504},
      {absl::StatusCode::kNotFound, "not_found", 404},
      {absl::StatusCode::kAlreadyExists, "already_exists", 409},
      {absl::StatusCode::kPermissionDenied, "permission_denied", 403},
      {absl::StatusCode::kResourceExhausted, "resource_exhausted", 429},
      {absl::StatusCode::kFailedPrecondition, "failed_precondition", 400},
      {absl::StatusCode::kAborted, "aborted", 409},
      {absl::StatusCode::kOutOfRange, "out_of_range", 400},
      {absl::StatusCode::kUnimplemented, "unimplemented", 501},
      {absl::StatusCode::kInternal, "internal", 500},
      {absl::StatusCode::kUnavailable, "unavailable", 503},
      {absl::StatusCode::kDataLoss, "data_loss", 500},
      {absl::StatusCode::kUnauthenticated, "unauthenticated", 401},
  };
  for (const auto& [code, name, http_status] : table) {
    INFO(name);
    CHECK(std::string(ConnectCodeName(code)) == name);
    CHECK(HttpStatusOf(code) == http_status);
  }
  // A code outside gRPC's set is "unknown", as Connect clients expect.
  CHECK(std::string(ConnectCodeName(static_cast<absl::StatusCode>(42))) == "unknown");
  CHECK(HttpStatusOf(static_cast<absl::StatusCode>(42)) == 500);
}

TEST_CASE("the error body is Connect's {code, message}") {
  nlohmann::json body =
      nlohmann::json::parse(ErrorBody(absl::NotFoundError("token \"abc\" does not exist")));
  CHECK(body == nlohmann::json{{"code", "not_found"}, {"message", "token \"abc\" does not exist"}});
  // No message: the code alone.
  CHECK(nlohmann::json::parse(ErrorBody(absl::UnavailableError(""))) ==
        nlohmann::json{{"code", "unavailable"}});
  // A message that is not UTF-8 still makes valid JSON.
  nlohmann::json odd = nlohmann::json::parse(ErrorBody(absl::InternalError("bad \xff byte")));
  CHECK(odd["code"] == "internal");
  CHECK(odd["message"].is_string());
}

}  // namespace
}  // namespace warden::http
