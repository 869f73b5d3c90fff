#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "server/http/http_message.h"
#include "validation/token_validator.h"

namespace warden::http {

inline constexpr int kJwksMaxAgeSeconds = 300;

// The two documents a verifier reads to check Warden tokens offline, serialized once per
// key set (they change only when the keys do) rather than built on every request:
//
// GET /.well-known/jwks.json: the public half of every key Warden verifies with (kid, alg,
// use "sig"), so that any JWT library, Envoy's jwt_authn or Istio can verify Warden tokens
// offline. Cacheable for kJwksMaxAgeSeconds: a rotated-in key is published before it signs
// (the ring verifies with every key, signs with the first), so caches see it in time when
// keys are added at least that long before they start signing.
//
// GET /.well-known/openid-configuration: OIDC discovery for verifiers — the issuer
// (WARDEN_ISSUER, which should be Warden's public base URL), jwks_uri under it, and the
// signing algorithms in use.
//
// Thread-safe; `tokens` must outlive it.
class WellKnownDocuments final {
 public:
  explicit WellKnownDocuments(const TokenValidator& tokens);

  WellKnownDocuments(const WellKnownDocuments&) = delete;
  WellKnownDocuments& operator=(const WellKnownDocuments&) = delete;

  HttpResponse Jwks() const;
  HttpResponse Discovery() const;

 private:
  struct Serialized {
    // The keys the documents were built from; held, so that a new key set can never be
    // taken for this one by the address of a freed key.
    std::vector<std::shared_ptr<const jose::SigningKey>> keys;
    std::string jwks;
    std::string discovery;
  };

  // The documents of the validator's key set as it is now, serialized anew if it changed.
  std::shared_ptr<const Serialized> Current() const;
  std::shared_ptr<const Serialized> Serialize(
      std::vector<std::shared_ptr<const jose::SigningKey>> keys) const;

  const TokenValidator& tokens_;
  mutable absl::Mutex mu_;
  mutable std::shared_ptr<const Serialized> serialized_ ABSL_GUARDED_BY(mu_);
};

}  // namespace warden::http
