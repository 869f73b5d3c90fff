#pragma once

// Which URLs belong to one origin (RFC 6454: scheme, host, port), for callers of the HTTP
// client that must keep a request on one server: server/oidc follows an issuer's redirects
// and sends a Kubernetes service account token to a jwks_uri only within its origin. Here
// beside the client because it parses URLs as libcurl does.

#include <optional>
#include <string>

namespace warden::net {

// "scheme://host:port" of an absolute URL, in lower case and with the scheme's default port
// filled in, so "https://A.example" and "https://a.example:443/x" have one origin. nullopt if
// libcurl's URL parser refuses `url`. Thread-safe.
std::optional<std::string> UrlOrigin(const std::string& url);

}  // namespace warden::net
