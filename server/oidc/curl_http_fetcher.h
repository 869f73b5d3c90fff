#pragma once

// The real HttpFetcher: libcurl over HTTPS, verifying the server's certificate.

#include <string>

#include "server/oidc/http_fetcher.h"

namespace warden::oidc {

// Thread-safe: each Get uses its own curl handle. Requests:
//  - https only (protocols and redirect protocols restricted in libcurl), unless
//    `allow_plain_http` (for tests with a plain local server; never set in production);
//  - at most `max_redirects` redirects, each to an allowed protocol; an Authorization header
//    is never forwarded to another host;
//  - connect and total timeouts and the body limit from FetchOptions, the limit enforced while
//    reading (the transfer is aborted past it);
//  - the CA file from FetchOptions replaces the system CAs when set;
//  - otherwise libcurl's defaults: no compression, no cookies, https_proxy honoured.
class CurlHttpFetcher final : public HttpFetcher {
 public:
  struct Options {
    bool allow_plain_http = false;
    int max_redirects = 3;
  };

  // Initializes libcurl once per process (thread-safe).
  explicit CurlHttpFetcher(Options options);
  CurlHttpFetcher() : CurlHttpFetcher(Options{}) {}

  absl::StatusOr<HttpResponse> Get(const std::string& url, const FetchOptions& options) override;

 private:
  const Options options_;
};

}  // namespace warden::oidc
