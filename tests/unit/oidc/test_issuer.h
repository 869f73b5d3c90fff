#pragma once

// A pretend OIDC issuer for tests: keys with the issuer's own kids, its discovery document
// and JWKS, and ID tokens signed as it would sign them.

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "validation/jose/base64url.h"
#include "validation/jose/signing_key.h"

namespace warden::oidc::testing {

using Json = nlohmann::json;

struct TestKey {
  std::shared_ptr<const jose::SigningKey> key;  // Private: signs test tokens.
  std::string kid;                              // The issuer's name for it (not a thumbprint).

  Json Jwk() const {
    Json jwk = key->PublicJwk();
    jwk["kid"] = kid;
    return jwk;
  }
};

// Generating RSA keys is slow: one shared private key per algorithm, named as asked.
inline TestKey MakeKey(jose::JwsAlgorithm alg, std::string kid) {
  static const auto* const keys = new std::shared_ptr<const jose::SigningKey>[] {
    jose::SigningKey::Generate(jose::JwsAlgorithm::kEs256),
        jose::SigningKey::Generate(jose::JwsAlgorithm::kRs256),
        jose::SigningKey::Generate(jose::JwsAlgorithm::kEdDsa),
  };
  return TestKey{keys[static_cast<int>(alg)], std::move(kid)};
}

inline Json Jwks(const std::vector<TestKey>& keys) {
  Json list = Json::array();
  for (const TestKey& key : keys) list.push_back(key.Jwk());
  return Json{{"keys", list}};
}

inline Json DiscoveryDocument(const std::string& issuer, const std::string& jwks_uri) {
  return Json{{"issuer", issuer},
              {"jwks_uri", jwks_uri},
              {"response_types_supported", {"id_token"}},
              {"subject_types_supported", {"public"}},
              {"id_token_signing_alg_values_supported", {"RS256", "ES256"}}};
}

// A compact JWS of raw header and payload text signed by `key`.
inline std::string SignRaw(const jose::SigningKey& key, const std::string& header,
                           const std::string& payload) {
  const std::string input =
      absl::StrCat(jose::Base64UrlEncode(header), ".", jose::Base64UrlEncode(payload));
  const auto signature = key.Sign(input);
  return absl::StrCat(input, ".", jose::Base64UrlEncode(signature.value()));
}

// An ID token with header {"alg", "kid", "typ": "JWT"} from `key`.
inline std::string SignToken(const TestKey& key, const Json& payload) {
  const Json header = {
      {"alg", jose::AlgorithmName(key.key->algorithm())}, {"kid", key.kid}, {"typ", "JWT"}};
  return SignRaw(*key.key, header.dump(), payload.dump());
}

}  // namespace warden::oidc::testing
