#include "net/url_origin.h"

#include <catch2/catch.hpp>

namespace warden::net {
namespace {

TEST_CASE("UrlOrigin: scheme, host and port, whatever the spelling", "[url_origin]") {
  CHECK(UrlOrigin("https://Issuer.Example.com") == "https://issuer.example.com:443");
  CHECK(UrlOrigin("https://issuer.example.com:443/keys?x#y") == "https://issuer.example.com:443");
  CHECK(UrlOrigin("https://user@issuer.example.com/") == "https://issuer.example.com:443");
  CHECK(UrlOrigin("http://issuer.example.com") == "http://issuer.example.com:80");
  CHECK(UrlOrigin("https://127.0.0.1:8443/x") == "https://127.0.0.1:8443");
  CHECK(UrlOrigin("https://[::1]:8443/x") == "https://[::1]:8443");
  // Different origins: another scheme, host (even one naming the same address) or port.
  CHECK(UrlOrigin("http://a.example") != UrlOrigin("https://a.example"));
  CHECK(UrlOrigin("https://localhost:8443") != UrlOrigin("https://127.0.0.1:8443"));
  CHECK(UrlOrigin("https://a.example:8443") != UrlOrigin("https://a.example"));
  // Not absolute URLs.
  CHECK_FALSE(UrlOrigin("/keys").has_value());
  CHECK_FALSE(UrlOrigin("issuer.example.com/keys").has_value());
  CHECK_FALSE(UrlOrigin("").has_value());
}

}  // namespace
}  // namespace warden::net
