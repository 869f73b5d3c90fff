#include "server/api/public_keys.h"

#include <nlohmann/json.hpp>

#include "proto/convert/convert.h"

namespace warden {

void FillPublicKeys(const TokenValidator& tokens, v1::GetPublicKeysResponse* out) {
  nlohmann::json keys = nlohmann::json::array();
  for (const auto& key : tokens.keys().keys()) keys.push_back(key->PublicJwk());
  out->set_jwks(nlohmann::json{{"keys", std::move(keys)}}.dump());
  out->set_issuer(tokens.options().issuer);
  out->set_audience(tokens.options().audience);
  ToProto(tokens.options().leeway, out->mutable_leeway());
  if (std::optional<absl::Time> cutoff = tokens.high_s_issued_before()) {
    ToProto(*cutoff, out->mutable_high_s_issued_before());
  }
}

}  // namespace warden
