#pragma once

// How Warden reads documents from outside OIDC issuers: one HTTPS GET at a time. An
// interface because tests replace the network with a fake; HttpFetcherImpl
// (http_fetcher_impl.h) is the real one.

#include <cstddef>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace warden::oidc {

struct FetchOptions {
  // Sent as "Authorization: Bearer <token>" when set. A secret: never logged, never put in a
  // status message.
  std::optional<std::string> bearer_token;
  // PEM file of the CAs to trust instead of the system's. Empty: the system CAs.
  std::string ca_file;
  absl::Duration connect_timeout = absl::Seconds(5);
  absl::Duration timeout = absl::Seconds(10);  // The whole request, redirects included.
  size_t max_bytes = 512 * 1024;               // Largest body accepted.
};

struct HttpResponse {
  int status_code = 0;  // Always 2xx: other answers are errors (see HttpStatusError).
  std::string body;
  std::string content_type;  // As sent; may be empty.
};

class HttpFetcher {
 public:
  virtual ~HttpFetcher() = default;

  // GETs `url`. Returns the response for a 2xx answer. Errors name the URL and never contain
  // a bearer token or more than a short excerpt of a body, but may carry transport details
  // (the transport's own words, resolved addresses, ports): they are for the server log, and
  // whoever answers a caller replaces them (see discovery.h). UNAVAILABLE for transport
  // failures (DNS, connect, TLS, timeout) and for answers that may pass (5xx, 408, 429);
  // FAILED_PRECONDITION for a URL that may not be fetched, a host whose addresses may not be
  // connected to (as made by AddressNotAllowedError), a body over `options.max_bytes`, and
  // other HTTP answers (as made by HttpStatusError, so HttpStatusOf reads the code back).
  // Implementations are thread-safe: Get may be called concurrently.
  virtual absl::StatusOr<HttpResponse> Get(const std::string& url, const FetchOptions& options) = 0;

  // POSTs `form` (application/x-www-form-urlencoded) to `url`, as an OAuth client does to a
  // token endpoint, and returns the answer WHATEVER its status (such endpoints answer errors
  // as 400 with a JSON body); a redirect is an answer, never followed. `authorization`, when
  // set, is sent as the Authorization header; like `form`, it may hold a secret and never
  // appears in an error. Errors as Get's for the URL, the addresses and the transport.
  virtual absl::StatusOr<HttpResponse> PostForm(const std::string& url, const std::string& form,
                                                const std::optional<std::string>& authorization,
                                                const FetchOptions& options) = 0;
};

// The error for a non-2xx HTTP answer from `url`, carrying `status_code` for HttpStatusOf.
absl::Status HttpStatusError(const std::string& url, int status_code);

// The HTTP status code carried by an error made by HttpStatusError; nullopt for any other.
std::optional<int> HttpStatusOf(const absl::Status& status);

// The error for a fetch of `url` refused because its host's addresses are ones Warden may not
// connect to (address_policy.h); `detail` says which, for the log. FAILED_PRECONDITION.
absl::Status AddressNotAllowedError(const std::string& url, const std::string& detail);

// True for an error made by AddressNotAllowedError.
bool IsAddressNotAllowed(const absl::Status& status);

}  // namespace warden::oidc
