#pragma once

// Warden's one HTTP client: a single request over libcurl, for the parts that talk to other
// servers (the notifier's webhook POSTs, the OIDC issuers' discovery and JWKS GETs). Policy
// stays with the caller: which URLs, which addresses (a hook), whether and where to follow
// a redirect (never followed here), what an error means to its own users.

#include <sys/socket.h>

#include <atomic>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace warden::net {

struct HttpRequest {
  enum class Method { kGet, kPost };

  Method method = Method::kGet;
  std::string url;
  // http is refused (INVALID_ARGUMENT, before any connection) unless this is set; https is
  // always allowed, and no other scheme ever is.
  bool allow_http = false;
  std::string body;                  // Sent with kPost; ignored with kGet.
  std::vector<std::string> headers;  // "Name: value" lines, sent as given.
  std::string user_agent;            // Empty: libcurl sends none.
  // Sent as "Authorization: Bearer <token>" when set. A secret: never in an error message.
  std::optional<std::string> bearer_token;
  // PEM file of the CAs to trust instead of the system's (never mixed with them). Empty: the
  // system CAs. The server's certificate and host name are always verified.
  std::string ca_file;
  // Connecting, and the whole exchange (connecting included). Shorter than a millisecond
  // counts as a millisecond.
  absl::Duration connect_timeout = absl::Seconds(10);
  absl::Duration timeout = absl::Seconds(10);
  // The response body is kept up to this many bytes, and the request fails past them
  // (RESOURCE_EXHAUSTED, enforced while reading, whatever Content-Length says). nullopt: the
  // body is read and dropped.
  std::optional<size_t> max_body_bytes;
  // When set, called with each address a connection is about to be opened to, after DNS
  // resolution (the proxy's address behind a proxy), on the requesting thread: the address
  // checked is the address used. Returning false refuses it; libcurl then tries the host's
  // next address, if any, and otherwise fails (UNAVAILABLE). Unset: every address.
  std::function<bool(const sockaddr* address, socklen_t length)> allow_address;
  // When set and it becomes true, the request stops (CANCELLED), seen within 100 ms.
  // REQUIRES: outlives the call.
  const std::atomic<bool>* cancelled = nullptr;
  // Error messages in libcurl's detailed words ("Failed to connect to 10.0.0.1 port 443 after
  // 3 ms: Connection refused"), which may name the host, its addresses and ports: for a log
  // that may show them. Otherwise only libcurl's short name of the failure ("Couldn't connect
  // to server"), which holds nothing of the request. Never a header or a body either way.
  bool detailed_errors = false;
};

struct HttpResponse {
  int status_code = 0;       // Any status: 2xx or not, and 3xx are not followed.
  std::string body;          // Empty unless HttpRequest::max_body_bytes is set.
  std::string content_type;  // As sent; may be empty.
  // Where a 3xx answer points (its Location, made absolute); empty for other answers.
  std::string redirect_url;
};

// Sends `request` and returns the server's answer, whatever its status. Errors (the message
// as HttpRequest::detailed_errors says):
//   INVALID_ARGUMENT   a URL libcurl cannot parse, or whose scheme is not allowed
//   DEADLINE_EXCEEDED  `timeout` or `connect_timeout` passed
//   RESOURCE_EXHAUSTED the body is larger than `max_body_bytes`
//                      ("response is larger than N bytes")
//   CANCELLED          `*cancelled` became true
//   UNAVAILABLE        any other transport failure (DNS, connect, refused addresses, TLS)
//   INTERNAL           libcurl could not make a handle or refused an option
// Initializes libcurl once per process. Blocking; thread-safe (each call has its own handle
// and connections, none kept after it returns).
absl::StatusOr<HttpResponse> SendHttpRequest(const HttpRequest& request);

}  // namespace warden::net
