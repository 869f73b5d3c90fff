// DecodeJwsUnverified, VerifyJws and the strict JSON parser they share with VerifyJwt.

#include "validation/jose/jws.h"

#include <catch2/catch.hpp>
#include <string>

#include "absl/strings/str_cat.h"
#include "validation/jose/base64url.h"
#include "validation/jose/json_object.h"

namespace warden::jose {
namespace {

using Json = nlohmann::json;

const std::shared_ptr<const SigningKey>& Es256() {
  static const auto* const key =
      new std::shared_ptr<const SigningKey>(SigningKey::Generate(JwsAlgorithm::kEs256));
  return *key;
}

std::string Signed(const SigningKey& key, std::string_view header, std::string_view payload) {
  const std::string input = absl::StrCat(Base64UrlEncode(header), ".", Base64UrlEncode(payload));
  const auto signature = key.Sign(input);
  REQUIRE(signature.ok());
  return absl::StrCat(input, ".", Base64UrlEncode(*signature));
}

std::string Nested(size_t depth) {
  std::string text = "{\"a\":";
  for (size_t i = 0; i < depth; ++i) text += "[";
  for (size_t i = 0; i < depth; ++i) text += "]";
  return text + "}";
}

TEST_CASE("JsonNestingDepth counts brackets outside strings", "[json]") {
  CHECK(JsonNestingDepth("1") == 0);
  CHECK(JsonNestingDepth("{}") == 1);
  CHECK(JsonNestingDepth(R"({"a":[{"b":[]}]})") == 4);
  CHECK(JsonNestingDepth(R"({"a":"[[[[{{{{"})") == 1);
  CHECK(JsonNestingDepth(R"({"a":"\"[[[["})") == 1);
  CHECK(JsonNestingDepth(Nested(100000)) == 100001);
}

TEST_CASE("ParseJsonObject refuses deep nesting before parsing", "[json]") {
  CHECK(ParseJsonObject(Nested(31), 32).has_value());
  CHECK_FALSE(ParseJsonObject(Nested(32), 32).has_value());
  CHECK_FALSE(ParseJsonObject(Nested(1000000), 32).has_value());  // Must not crash.
  CHECK_FALSE(ParseJsonObject(R"({"a":1,"a":2})").has_value());
  CHECK_FALSE(ParseJsonObject("[1]").has_value());
}

TEST_CASE("VerifyJws returns header and payload, and sorts failures by kind", "[jws]") {
  const auto ring = *KeyRing::CreateForVerification({Es256()});
  const Json header = {{"alg", "ES256"}, {"kid", Es256()->kid()}};
  const std::string token = Signed(*Es256(), header.dump(), R"({"sub":"x"})");

  const auto verified = VerifyJws(ring, token, {});
  REQUIRE(verified.ok());
  CHECK(verified->payload == Json({{"sub", "x"}}));
  CHECK(verified->key == Es256().get());

  const auto decoded = DecodeJwsUnverified(token, {});
  REQUIRE(decoded.ok());
  CHECK(decoded->header == header);

  CHECK(VerifyJws(ring, "a.b", {}).status().code() == absl::StatusCode::kInvalidArgument);
  JwsOptions small;
  small.max_token_bytes = 10;
  CHECK(VerifyJws(ring, token, small).status() == absl::InvalidArgumentError("token is too large"));
  const std::string tampered = Signed(*Es256(), header.dump(), R"({"sub":"x"})") + "A";
  // One byte more makes the signature 65 bytes: not an ES256 signature, so invalid.
  CHECK(VerifyJws(ring, tampered, {}).status() ==
        absl::UnauthenticatedError("token signature is invalid"));
  const std::string other_payload =
      absl::StrCat(token.substr(0, token.find('.') + 1), Base64UrlEncode(R"({"sub":"y"})"),
                   token.substr(token.rfind('.')));
  CHECK(VerifyJws(ring, other_payload, {}).status() ==
        absl::UnauthenticatedError("token signature is invalid"));

  const std::string deep = Signed(*Es256(), header.dump(), Nested(100));
  JwsOptions bounded;
  bounded.max_json_depth = 32;
  CHECK(VerifyJws(ring, deep, bounded).status() ==
        absl::InvalidArgumentError("token is malformed"));
  CHECK(DecodeJwsUnverified(deep, bounded).status() ==
        absl::InvalidArgumentError("token is malformed"));
  CHECK(VerifyJws(ring, deep, {}).ok());  // No limit unless asked (Warden's own tokens).
}

TEST_CASE("VerifyJws accepts a header without kid only when asked and the ring has one key",
          "[jws]") {
  const auto one = *KeyRing::CreateForVerification({Es256()});
  const auto other = SigningKey::Generate(JwsAlgorithm::kEs256);
  const auto two = *KeyRing::CreateForVerification({Es256(), other});
  const std::string token = Signed(*Es256(), R"({"alg":"ES256"})", R"({"sub":"x"})");
  JwsOptions keyless;
  keyless.single_key_without_kid = true;

  CHECK(VerifyJws(one, token, {}).status() == absl::InvalidArgumentError("token is malformed"));
  CHECK(VerifyJws(one, token, keyless).ok());
  CHECK(VerifyJws(two, token, keyless).status() ==
        absl::InvalidArgumentError("token is malformed"));
  const std::string none = Signed(*Es256(), R"({"alg":"none"})", R"({"sub":"x"})");
  CHECK(VerifyJws(one, none, keyless).status() ==
        absl::UnauthenticatedError("token algorithm is not accepted"));
  const std::string rs = Signed(*Es256(), R"({"alg":"RS256"})", R"({"sub":"x"})");
  CHECK(VerifyJws(one, rs, keyless).status() ==
        absl::UnauthenticatedError("token algorithm does not match its signing key"));
}

}  // namespace
}  // namespace warden::jose
