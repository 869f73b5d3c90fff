#pragma once

// The real HttpFetcher: HTTPS GETs through Warden's HTTP client (net/http_client.h), with the
// policy that outside issuers need: which URLs, which addresses, which redirects.

#include <string>
#include <vector>

#include "net/http_client.h"
#include "server/oidc/http_fetcher.h"

namespace warden::oidc {

// Thread-safe: each Get is its own request. Requests:
//  - https only (refused before any connection), unless `allow_plain_http` (for tests with
//    a plain local server; never set in production);
//  - connections only to the addresses AddressAllowed admits (address_policy.h: public ones,
//    plus loopback, private, link-local and shared ones with `allow_private_addresses`),
//    checked by the client's address hook on the very address each socket is opened for,
//    after DNS resolution, so the address checked is the address used (no DNS rebinding).
//    Through a proxy (https_proxy), that is the proxy's address. A refusal is an
//    AddressNotAllowedError;
//  - at most `max_redirects` redirects, each to the URL's own origin (scheme, host, port):
//    followed here, not by libcurl, which cannot be asked before it follows one. So a
//    redirect can neither leave the issuer's host nor downgrade to http, and a bearer token
//    stays on its origin;
//  - connect and total timeouts and the body limit from FetchOptions, the limit enforced while
//    reading (the transfer is aborted past it); the total timeout covers every redirect;
//  - the CA file from FetchOptions replaces the system CAs when set;
//  - otherwise libcurl's defaults: no compression, no cookies, https_proxy honoured.
// Error messages carry libcurl's detailed words and the addresses refused: for the log (see
// HttpFetcher::Get).
class HttpFetcherImpl final : public HttpFetcher {
 public:
  struct Options {
    bool allow_plain_http = false;
    bool allow_private_addresses = false;  // WARDEN_M2M_ALLOW_PRIVATE_ISSUERS
    int max_redirects = 3;
  };

  explicit HttpFetcherImpl(Options options) : options_(options) {}
  HttpFetcherImpl() : HttpFetcherImpl(Options{}) {}

  absl::StatusOr<HttpResponse> Get(const std::string& url, const FetchOptions& options) override;
  // The same URL and address policy as Get; no redirect is followed.
  absl::StatusOr<HttpResponse> PostForm(const std::string& url, const std::string& form,
                                        const std::optional<std::string>& authorization,
                                        const FetchOptions& options) override;

 private:
  absl::StatusOr<net::HttpRequest> Prepare(const std::string& verb, const std::string& url,
                                           const FetchOptions& options,
                                           std::vector<std::string>& refused) const;

  const Options options_;
};

}  // namespace warden::oidc
