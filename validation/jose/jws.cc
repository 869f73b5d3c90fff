#include "validation/jose/jws.h"

#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "common/status_macros.h"
#include "validation/jose/base64url.h"
#include "validation/jose/ecdsa_signature.h"
#include "validation/jose/json_object.h"

namespace warden::jose {
namespace {

using Json = nlohmann::json;

absl::Status Malformed() { return absl::InvalidArgumentError("token is malformed"); }

// The three decoded parts; the signing input is the text before the second dot.
struct CompactJws {
  std::string_view signing_input;
  std::string header, payload, signature;
};

absl::StatusOr<CompactJws> SplitCompact(std::string_view token, const JwsOptions& options) {
  if (token.size() > options.max_token_bytes) {
    return absl::InvalidArgumentError("token is too large");
  }
  const size_t first = token.find('.');
  if (first == std::string_view::npos) return Malformed();
  const size_t second = token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return Malformed();
  }
  auto header = Base64UrlDecode(token.substr(0, first));
  auto payload = Base64UrlDecode(token.substr(first + 1, second - first - 1));
  auto signature = Base64UrlDecode(token.substr(second + 1));
  if (!header || !payload || !signature || header->empty() || payload->empty()) {
    return Malformed();
  }
  return CompactJws{token.substr(0, second), *std::move(header), *std::move(payload),
                    *std::move(signature)};
}

absl::StatusOr<Json> ParseObject(std::string_view text, const JwsOptions& options) {
  std::optional<Json> json = ParseJsonObject(text, options.max_json_depth);
  if (!json.has_value()) return Malformed();
  return *std::move(json);
}

// Resolves the verifying key from the header, rejecting every algorithm the key does not fix.
absl::StatusOr<const SigningKey*> KeyForHeader(const KeyRing& ring, const Json& header,
                                               const JwsOptions& options) {
  const auto alg_it = header.find("alg");
  if (alg_it == header.end()) return Malformed();
  const auto* alg = alg_it->get_ptr<const std::string*>();
  if (alg == nullptr) return Malformed();
  const auto kid_it = header.find("kid");
  const bool keyless =
      kid_it == header.end() && options.single_key_without_kid && ring.keys().size() == 1;
  const std::string* kid = kid_it == header.end() ? nullptr : kid_it->get_ptr<const std::string*>();
  if (kid == nullptr && !keyless) return Malformed();
  if (absl::EqualsIgnoreCase(*alg, "none") || absl::StartsWithIgnoreCase(*alg, "HS")) {
    return absl::UnauthenticatedError("token algorithm is not accepted");
  }
  // A keyless header is only accepted against a ring of one key, which is its signer().
  const SigningKey* key = keyless ? &ring.signer() : ring.Find(*kid);
  if (key == nullptr)
    return absl::UnauthenticatedError("token header names an unknown signing key");
  if (*alg != AlgorithmName(key->algorithm())) {
    return absl::UnauthenticatedError("token algorithm does not match its signing key");
  }
  // We understand no extension, so any critical one makes the token unusable (RFC 7515 §4.1.11).
  if (header.contains("crit")) {
    return absl::UnauthenticatedError("token header has unsupported critical parameters");
  }
  return key;
}

}  // namespace

absl::StatusOr<DecodedJws> DecodeJwsUnverified(std::string_view token, const JwsOptions& options) {
  ASSIGN_OR_RETURN(const CompactJws jws, SplitCompact(token, options));
  ASSIGN_OR_RETURN(Json header, ParseObject(jws.header, options));
  ASSIGN_OR_RETURN(Json payload, ParseObject(jws.payload, options));
  return DecodedJws{std::move(header), std::move(payload)};
}

absl::StatusOr<VerifiedJws> VerifyJws(const KeyRing& ring, std::string_view token,
                                      const JwsOptions& options) {
  ASSIGN_OR_RETURN(const CompactJws jws, SplitCompact(token, options));
  ASSIGN_OR_RETURN(Json header, ParseObject(jws.header, options));
  ASSIGN_OR_RETURN(const SigningKey* key, KeyForHeader(ring, header, options));
  // Before the (costlier) check of the signature itself; a 64-byte signature is the only form
  // Verify accepts, so any other length is left to it.
  const bool high_s = key->algorithm() == JwsAlgorithm::kEs256 &&
                      jws.signature.size() == kEs256SignatureBytes && !Es256IsLowS(jws.signature);
  if (options.require_low_s && high_s) {
    return absl::UnauthenticatedError("token signature is not in canonical low-S form");
  }
  if (!key->Verify(jws.signing_input, jws.signature)) {
    return absl::UnauthenticatedError("token signature is invalid");
  }
  ASSIGN_OR_RETURN(Json payload, ParseObject(jws.payload, options));
  return VerifiedJws{std::move(header), std::move(payload), key, high_s};
}

}  // namespace warden::jose
