#pragma once

#include "server/http/http_message.h"
#include "validation/token_validator.h"

namespace warden::http {

// GET /.well-known/jwks.json: the public half of every key Warden verifies with (kid, alg,
// use "sig"), so that any JWT library, Envoy's jwt_authn or Istio can verify Warden tokens
// offline. Cacheable for kJwksMaxAge: a rotated-in key is published before it signs (the
// ring verifies with every key, signs with the first), so caches see it in time when keys
// are added at least that long before they start signing.
HttpResponse ServeJwks(const TokenValidator& tokens);

// GET /.well-known/openid-configuration: OIDC discovery for verifiers — the issuer
// (WARDEN_ISSUER, which should be Warden's public base URL), jwks_uri under it, and the
// signing algorithms in use.
HttpResponse ServeDiscovery(const TokenValidator& tokens);

inline constexpr int kJwksMaxAgeSeconds = 300;

}  // namespace warden::http
