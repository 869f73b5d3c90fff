// Fuzzes the parsing half of JOSE on untrusted text: compact JWS splitting, base64url,
// strict JSON objects (with and without a depth limit), the unverified decode that picks an
// ID token's issuer, VerifyJws's structural and key checks, and JWK key parsing (an
// issuer's JWKS is as untrusted as its tokens). Nothing here needs a valid signature, so
// every mutation reaches a parser.
//
// Input: any bytes, read as a token and, separately, as a JSON document.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "nlohmann/json.hpp"
#include "server/oidc/id_token.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/jwt_fixture.h"
#include "validation/jose/base64url.h"
#include "validation/jose/json_object.h"
#include "validation/jose/jws.h"
#include "validation/jose/signing_key.h"

namespace warden::fuzz {
namespace {

using Json = nlohmann::json;

std::vector<std::string_view> SplitDots(std::string_view text) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t dot; (dot = text.find('.', start)) != std::string_view::npos; start = dot + 1) {
    parts.push_back(text.substr(start, dot - start));
  }
  parts.push_back(text.substr(start));
  return parts;
}

// Each string has exactly one accepted encoding, and decoding inverts encoding.
void CheckBase64Url(std::string_view input) {
  const std::string encoded = jose::Base64UrlEncode(input);
  const auto decoded = jose::Base64UrlDecode(encoded);
  FUZZ_CHECK(decoded.has_value() && *decoded == input);
  for (std::string_view part : SplitDots(input)) {
    const auto bytes = jose::Base64UrlDecode(part);
    if (bytes.has_value()) FUZZ_CHECK(jose::Base64UrlEncode(*bytes) == part);
  }
}

// A parsed object survives dump and re-parse unchanged, and the pre-parse depth scan agrees
// with the structure the parser built.
void CheckJsonObject(std::string_view input) {
  const auto object = jose::ParseJsonObject(input);
  const size_t depth = jose::JsonNestingDepth(input);
  const auto limited = jose::ParseJsonObject(input, oidc::kMaxIdTokenJsonDepth);
  FUZZ_CHECK(limited.has_value() == (object.has_value() && depth <= oidc::kMaxIdTokenJsonDepth));
  if (!object.has_value()) return;
  FUZZ_CHECK(object->is_object());
  std::string text;
  try {
    text = object->dump();  // Throws only on invalid UTF-8, which the parser must refuse.
  } catch (const Json::exception&) {
    FUZZ_CHECK(!"a parsed JSON object holds invalid UTF-8");
  }
  const auto again = jose::ParseJsonObject(text);
  FUZZ_CHECK(again.has_value() && *again == *object);
  FUZZ_CHECK(jose::JsonNestingDepth(text) == depth);

  // As a JWK: any key it yields is public-only and survives its own PublicJwk().
  const auto key = jose::SigningKey::FromJwk(*object);
  if (!key.ok()) {
    FUZZ_CHECK_STATUS(absl::IsInvalidArgument(key.status()), key.status());
    return;
  }
  FUZZ_CHECK(!(*key)->can_sign());
  const auto reparsed = jose::SigningKey::FromJwk((*key)->PublicJwk());
  // OpenSSL's RSA public check runs Miller-Rabin with random bases, so a modulus that is no
  // product of two large primes (never a real key's) may pass once and fail the next time.
  if (!reparsed.ok() && (*key)->algorithm() == jose::JwsAlgorithm::kRs256 &&
      reparsed.status().message() == "JWK does not hold a valid RSA public key") {
    return;
  }
  FUZZ_CHECK_STATUS(reparsed.ok(), reparsed.status());
  FUZZ_CHECK((*reparsed)->algorithm() == (*key)->algorithm());
  FUZZ_CHECK((*reparsed)->kid() == (*key)->kid());
  FUZZ_CHECK((*reparsed)->PublicKeyPem() == (*key)->PublicKeyPem());
}

// Error messages are the documented fixed reasons (jws.h, id_token.h), so none can carry a
// piece of the token back to a caller.
void CheckReason(const absl::Status& status) {
  static constexpr const char* kReasons[] = {
      "token is too large",
      "token is malformed",
      "token has no issuer",
      "token algorithm is not accepted",
      "token header names an unknown signing key",
      "token algorithm does not match its signing key",
      "token header has unsupported critical parameters",
      "token signature is not in canonical low-S form",
      "token signature is invalid",
  };
  for (const char* reason : kReasons) {
    if (status.message() == reason) return;
  }
  FUZZ_CHECK_STATUS(!"an undocumented rejection reason", status);
}

void CheckJws(std::string_view token) {
  jose::JwsOptions options;
  const auto decoded = jose::DecodeJwsUnverified(token, options);
  if (decoded.ok()) {
    FUZZ_CHECK(decoded->header.is_object() && decoded->payload.is_object());
    FUZZ_CHECK(SplitDots(token).size() == 3);
  } else {
    FUZZ_CHECK_STATUS(absl::IsInvalidArgument(decoded.status()), decoded.status());
    CheckReason(decoded.status());
  }

  // What OIDC peeks at before it knows which keys to use.
  const auto peeked = oidc::PeekIdToken(token);
  if (peeked.ok()) {
    FUZZ_CHECK(decoded.ok() && !peeked->issuer.empty());
    FUZZ_CHECK(decoded->payload.at("iss") == peeked->issuer);
  } else {
    FUZZ_CHECK_STATUS(absl::IsInvalidArgument(peeked.status()), peeked.status());
    CheckReason(peeked.status());
  }

  // Signature verification: structure first, then the key. Mostly rejections here; the
  // signed paths are jwt_validate's.
  for (const bool keyless : {false, true}) {
    options.single_key_without_kid = keyless;
    const auto verified = jose::VerifyJws(FuzzKeyRing(), token, options);
    if (verified.ok()) {
      FUZZ_CHECK(decoded.ok() && verified->header == decoded->header &&
                 verified->payload == decoded->payload);
      FUZZ_CHECK(verified->key != nullptr);
      FUZZ_CHECK(verified->header.at("alg") == jose::AlgorithmName(verified->key->algorithm()));
      continue;
    }
    const absl::Status& status = verified.status();
    FUZZ_CHECK_STATUS(absl::IsInvalidArgument(status) || absl::IsUnauthenticated(status), status);
    // What fails to decode can never verify, and fails for a structural reason.
    if (!decoded.ok() && absl::IsUnauthenticated(status)) {
      FUZZ_CHECK(decoded.status().message() == "token is malformed");
    }
    CheckReason(status);
  }
}

}  // namespace
}  // namespace warden::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace warden::fuzz;
  const std::string_view input = AsStringView(data, size);
  CheckBase64Url(input);
  CheckJsonObject(input);
  CheckJws(input);
  return 0;
}
