#pragma once

// OIDC discovery (OpenID Connect Discovery 1.0 §4): from an issuer URL to its published
// signing keys, via `<issuer>/.well-known/openid-configuration` and its `jwks_uri`.

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "server/oidc/http_fetcher.h"
#include "validation/jose/key_ring.h"

namespace warden::oidc {

struct IssuerKeys {
  std::string jwks_uri;
  // The usable keys, indexed by the kids the issuer gave them. Never null nor empty.
  std::shared_ptr<const jose::KeyRing> keys;
  size_t skipped_keys = 0;  // Keys in the JWKS that Warden cannot use (logged, not fatal).
};

// The discovery document's URL: `issuer` without one trailing '/', then
// "/.well-known/openid-configuration".
std::string DiscoveryUrl(const std::string& issuer);

// Fetches the discovery document and the JWKS it names, and builds the issuer's key ring.
// The document's "issuer" must equal `issuer` exactly (byte for byte, trailing '/' included).
// `jwks_uri` must be https when the issuer is (a plain-http issuer only works with a fetcher
// made for tests). `options.bearer_token` is sent to the JWKS only when it is on the issuer's
// origin (scheme, host and port), so a credential is never handed to another host.
//
// JWKS keys with "use" other than "sig", unsupported types or curves, an "alg" not matching
// their type, malformed members, or a kid already seen are skipped; at most 100 keys are used.
//
// Errors carry fixed messages, because they reach callers (AddAuthMachineToMachineConfig, the
// exchange, direct ID-token authentication) who may have chosen the URLs: never the
// fetcher's words, an address, a port or a piece of a document. The details go to the server
// log (WARNING). A failed fetch keeps the fetcher's code (UNAVAILABLE or FAILED_PRECONDITION)
// and payloads (HttpStatusOf still works) with "cannot fetch the issuer's OpenID
// configuration" or "cannot fetch the issuer's keys"; a host Warden may not connect to
// (IsAddressNotAllowed) is FAILED_PRECONDITION "the issuer's address is not allowed" or "the
// address of the issuer's keys is not allowed". FAILED_PRECONDITION "the issuer's OpenID
// configuration is not JSON", "... names another issuer", "... has no usable jwks_uri", "...
// names a jwks_uri that is not https", "the issuer's keys (JWKS) are not JSON", "... have no
// keys array", "... have no usable signing key". Thread-safe if `fetcher` is.
absl::StatusOr<IssuerKeys> DiscoverIssuerKeys(HttpFetcher& fetcher, const std::string& issuer,
                                              const FetchOptions& options);

}  // namespace warden::oidc
