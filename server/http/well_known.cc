#include "server/http/well_known.h"

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace warden::http {
namespace {

HttpResponse PublicJson(const nlohmann::json& body) {
  HttpResponse response;
  response.content_type = "application/json";
  response.body = body.dump();
  response.SetHeader("Cache-Control", absl::StrCat("public, max-age=", kJwksMaxAgeSeconds));
  return response;
}

}  // namespace

HttpResponse ServeJwks(const TokenValidator& tokens) {
  nlohmann::json keys = nlohmann::json::array();
  for (const auto& key : tokens.keys().keys()) keys.push_back(key->PublicJwk());
  return PublicJson({{"keys", std::move(keys)}});
}

HttpResponse ServeDiscovery(const TokenValidator& tokens) {
  const std::string& issuer = tokens.options().issuer;
  std::set<std::string> algorithms;
  for (const auto& key : tokens.keys().keys()) {
    algorithms.insert(key->PublicJwk().value("alg", std::string()));
  }
  algorithms.erase("");
  return PublicJson({
      {"issuer", issuer},
      {"jwks_uri", absl::StrCat(absl::StripSuffix(issuer, "/"), "/.well-known/jwks.json")},
      {"id_token_signing_alg_values_supported", algorithms},
      {"response_types_supported", {"id_token"}},
      {"subject_types_supported", {"public"}},
      {"claims_supported", {"iss", "aud", "exp", "iat", "nbf", "jti", "sub", "name", "roles"}},
  });
}

}  // namespace warden::http
