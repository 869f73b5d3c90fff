// HttpFetcherImpl against a real local HTTPS server (cpp-httplib) whose certificate is issued
// by a test CA generated at run time, and against a bare listening socket it must never
// connect to: the policy it puts on the HTTP client (tests/unit/net tests the client itself).
// The only oidc tests that touch sockets; all of them on loopback.

#include "server/oidc/http_fetcher_impl.h"

#include <httplib.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/oidc/discovery.h"
#include "tests/support/bare_listener.h"
#include "tests/support/test_pki.h"
#include "tests/unit/oidc/test_issuer.h"

namespace warden::oidc {
namespace {

using testing::DiscoveryDocument;
using testing::Jwks;
using testing::MakeKey;
using warden::testing::BareListener;
using warden::testing::TestPki;

TEST_CASE("HttpFetcherImpl speaks HTTPS to a server the CA file vouches for", "[curl]") {
  TestPki pki;
  httplib::SSLServer server(pki.Path("server.pem").c_str(), pki.Path("server.key").c_str());
  REQUIRE(server.is_valid());
  const int port = server.bind_to_any_port("127.0.0.1");
  REQUIRE(port > 0);
  const std::string base = absl::StrCat("https://127.0.0.1:", port);
  const std::string jwks_uri = absl::StrCat(base, "/jwks");
  std::string seen_authorization;

  server.Get("/.well-known/openid-configuration",
             [&](const httplib::Request&, httplib::Response& res) {
               res.set_content(DiscoveryDocument(base, jwks_uri).dump(), "application/json");
             });
  server.Get("/jwks", [&](const httplib::Request& req, httplib::Response& res) {
    seen_authorization = req.get_header_value("Authorization");
    res.set_content(Jwks({MakeKey(jose::JwsAlgorithm::kEs256, "k1")}).dump(), "application/json");
  });
  server.Get("/big", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string(64 * 1024, 'x'), "application/json");
  });
  server.Get("/down", [](const httplib::Request&, httplib::Response& res) { res.status = 503; });
  server.Get("/missing", [](const httplib::Request&, httplib::Response& res) { res.status = 404; });
  server.Get("/to-http", [&](const httplib::Request&, httplib::Response& res) {
    res.set_redirect(absl::StrCat("http://127.0.0.1:", port, "/jwks"));
  });
  server.Get("/to-jwks",
             [&](const httplib::Request&, httplib::Response& res) { res.set_redirect(jwks_uri); });
  server.Get("/loop", [&](const httplib::Request&, httplib::Response& res) {
    res.set_redirect(absl::StrCat(base, "/loop"));
  });
  // The same server under another name: another origin, so a redirect there is not followed.
  server.Get("/to-other-host", [&](const httplib::Request&, httplib::Response& res) {
    res.set_redirect(absl::StrCat("https://localhost:", port, "/other-host"));
  });
  std::atomic<int> other_host_requests{0};
  server.Get("/other-host",
             [&](const httplib::Request&, httplib::Response&) { ++other_host_requests; });
  std::thread serving([&] { server.listen_after_bind(); });
  // The socket already listens (bind_to_any_port); this only avoids racing stop() later.
  while (!server.is_running()) std::this_thread::yield();

  HttpFetcherImpl fetcher({.allow_private_addresses = true});  // The server is on loopback.
  FetchOptions trusted;
  trusted.ca_file = pki.Path("ca.pem");
  trusted.timeout = absl::Seconds(10);

  // Discovery end to end over real HTTPS.
  const auto keys = DiscoverIssuerKeys(fetcher, base, trusted);
  INFO(keys.status().ToString());
  REQUIRE(keys.ok());
  CHECK(keys->keys->Find("k1") != nullptr);
  CHECK(seen_authorization.empty());

  // The bearer token is sent (and never appears in errors).
  FetchOptions with_token = trusted;
  with_token.bearer_token = "sa-token-123";
  REQUIRE(fetcher.Get(jwks_uri, with_token).ok());
  CHECK(seen_authorization == "Bearer sa-token-123");
  const absl::Status down = fetcher.Get(base + "/down", with_token).status();
  CHECK(down.code() == absl::StatusCode::kUnavailable);
  CHECK(absl::StrContains(down.message(), base + "/down"));
  CHECK_FALSE(absl::StrContains(down.message(), "sa-token-123"));

  // HTTP answers map to codes the caller can act on.
  const absl::Status missing = fetcher.Get(base + "/missing", trusted).status();
  CHECK(missing.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(HttpStatusOf(missing) == 404);

  // The size limit is a FAILED_PRECONDITION (the client enforces it while reading, chunked
  // bodies too: tests/unit/net).
  FetchOptions small = trusted;
  small.max_bytes = 1024;
  const absl::Status big = fetcher.Get(base + "/big", small).status();
  CHECK(big.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(absl::StrContains(big.message(), "larger than 1024 bytes"));
  CHECK(fetcher.Get(base + "/big", trusted).ok());

  // Redirects: on the same origin, followed; to http, to another host or in a loop, refused.
  CHECK(fetcher.Get(base + "/to-jwks", trusted).ok());
  CHECK(fetcher.Get(base + "/to-http", trusted).status().code() ==
        absl::StatusCode::kFailedPrecondition);
  CHECK(fetcher.Get(base + "/loop", trusted).status().code() ==
        absl::StatusCode::kFailedPrecondition);
  const absl::Status other_host = fetcher.Get(base + "/to-other-host", trusted).status();
  CHECK(other_host.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(absl::StrContains(other_host.message(), "another origin"));
  CHECK(other_host_requests == 0);

  // Without the test CA (system CAs only) the certificate is not trusted.
  const absl::Status untrusted = fetcher.Get(jwks_uri, FetchOptions{}).status();
  CHECK(untrusted.code() == absl::StatusCode::kUnavailable);
  CHECK(absl::StrContains(untrusted.message(), jwks_uri));

  // Plain http is refused before any connection unless the fetcher is built for tests.
  const std::string plain = absl::StrCat("http://127.0.0.1:", port, "/jwks");
  CHECK(fetcher.Get(plain, trusted).status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(fetcher.Get("file:///etc/passwd", trusted).status().code() ==
        absl::StatusCode::kFailedPrecondition);

  server.stop();
  serving.join();
}

TEST_CASE("HttpFetcherImpl connects to no loopback address unless private ones are allowed",
          "[curl]") {
  BareListener listener;
  HttpFetcherImpl strict;
  HttpFetcherImpl allowing({.allow_private_addresses = true});
  FetchOptions options;
  options.connect_timeout = absl::Seconds(2);
  options.timeout = absl::Seconds(2);
  const std::string port = absl::StrCat(listener.port());
  // A literal address, a name (checked after resolution), an IPv4-mapped IPv6 literal.
  for (const std::string& url :
       {absl::StrCat("https://127.0.0.1:", port, "/.well-known/openid-configuration"),
        absl::StrCat("https://localhost:", port, "/jwks"),
        absl::StrCat("https://[::ffff:127.0.0.1]:", port, "/jwks")}) {
    CAPTURE(url);
    const absl::Status status = strict.Get(url, options).status();
    CHECK(status.code() == absl::StatusCode::kFailedPrecondition);
    CHECK(IsAddressNotAllowed(status));
    CHECK(absl::StrContains(status.message(), "(loopback)"));  // For the log.
  }
  // 0.0.0.0 reaches the local host on Linux: refused even where private addresses are allowed.
  const std::string unspecified = absl::StrCat("https://0.0.0.0:", port, "/jwks");
  for (HttpFetcherImpl* fetcher : {&strict, &allowing}) {
    const absl::Status status = fetcher->Get(unspecified, options).status();
    CHECK(IsAddressNotAllowed(status));
    CHECK(absl::StrContains(status.message(), "(unspecified)"));
  }
  CHECK(listener.ConnectionsMade() == 0);
}

}  // namespace
}  // namespace warden::oidc
