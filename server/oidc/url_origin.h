#pragma once

// Which URLs belong to one origin (RFC 6454: scheme, host, port), for the two places where a
// fetch must not leave an issuer's own server: following a redirect, and sending the
// Kubernetes service account token to a jwks_uri.

#include <optional>
#include <string>

namespace warden::oidc {

// "scheme://host:port" of an absolute URL, in lower case and with the scheme's default port
// filled in, so "https://A.example" and "https://a.example:443/x" have one origin. nullopt if
// libcurl's URL parser refuses `url`. Thread-safe.
std::optional<std::string> UrlOrigin(const std::string& url);

}  // namespace warden::oidc
