#include "server/http/well_known.h"

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace warden::http {
namespace {

HttpResponse PublicJson(const std::string& body) {
  static const auto* const kCacheControl =
      new std::string(absl::StrCat("public, max-age=", kJwksMaxAgeSeconds));
  HttpResponse response;
  response.content_type = "application/json";
  response.body = body;
  response.SetHeader("Cache-Control", *kCacheControl);
  return response;
}

bool SameKeys(const std::vector<std::shared_ptr<const jose::SigningKey>>& a,
              const std::vector<std::shared_ptr<const jose::SigningKey>>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].get() != b[i].get()) return false;
  }
  return true;
}

}  // namespace

WellKnownDocuments::WellKnownDocuments(const TokenValidator& tokens) : tokens_(tokens) {
  std::shared_ptr<const Serialized> first = Serialize(tokens_.keys().keys());
  absl::MutexLock lock(&mu_);
  serialized_ = std::move(first);
}

std::shared_ptr<const WellKnownDocuments::Serialized> WellKnownDocuments::Serialize(
    std::vector<std::shared_ptr<const jose::SigningKey>> keys) const {
  auto serialized = std::make_shared<Serialized>();
  nlohmann::json jwks = nlohmann::json::array();
  std::set<std::string> algorithms;
  for (const auto& key : keys) {
    nlohmann::json jwk = key->PublicJwk();
    algorithms.insert(jwk.value("alg", std::string()));
    jwks.push_back(std::move(jwk));
  }
  algorithms.erase("");
  serialized->jwks = nlohmann::json{{"keys", std::move(jwks)}}.dump();
  const std::string& issuer = tokens_.options().issuer;
  serialized->discovery =
      nlohmann::json{
          {"issuer", issuer},
          {"jwks_uri", absl::StrCat(absl::StripSuffix(issuer, "/"), "/.well-known/jwks.json")},
          {"id_token_signing_alg_values_supported", algorithms},
          {"response_types_supported", {"id_token"}},
          {"subject_types_supported", {"public"}},
          {"claims_supported", {"iss", "aud", "exp", "iat", "nbf", "jti", "sub", "name", "roles"}},
      }
          .dump();
  serialized->keys = std::move(keys);
  return serialized;
}

std::shared_ptr<const WellKnownDocuments::Serialized> WellKnownDocuments::Current() const {
  std::vector<std::shared_ptr<const jose::SigningKey>> keys = tokens_.keys().keys();
  {
    absl::MutexLock lock(&mu_);
    if (SameKeys(serialized_->keys, keys)) return serialized_;
  }
  std::shared_ptr<const Serialized> fresh = Serialize(std::move(keys));
  absl::MutexLock lock(&mu_);
  serialized_ = fresh;
  return fresh;
}

HttpResponse WellKnownDocuments::Jwks() const { return PublicJson(Current()->jwks); }

HttpResponse WellKnownDocuments::Discovery() const { return PublicJson(Current()->discovery); }

}  // namespace warden::http
