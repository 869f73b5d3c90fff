#pragma once

#include <atomic>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace warden::notifier {

// POSTs `body` as application/json to `url` with libcurl and returns the HTTP status code
// (any status, 2xx or not). Follows no redirects; only http and https.
// Errors, whose messages never contain the URL (it may hold a secret):
//   DEADLINE_EXCEEDED  the whole exchange took longer than `timeout`
//   CANCELLED          `cancelled` became true (checked at least every 100 ms)
//   UNAVAILABLE        a transport failure (DNS, connect, TLS, reset)
// Blocking; thread-safe (each call has its own handle).
absl::StatusOr<int> PostJson(const std::string& url, const std::string& body,
                             absl::Duration timeout, const std::atomic<bool>& cancelled);

}  // namespace warden::notifier
