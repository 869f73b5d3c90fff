// CurlHttpFetcher against a real local HTTPS server (cpp-httplib) whose certificate is issued
// by a test CA generated at run time, and against a bare listening socket it must never
// connect to. The only oidc tests that touch sockets; all of them on loopback.

#include "server/oidc/curl_http_fetcher.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

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
#include "tests/support/test_pki.h"
#include "tests/unit/oidc/test_issuer.h"

namespace warden::oidc {
namespace {

using testing::DiscoveryDocument;
using testing::Jwks;
using testing::MakeKey;
using warden::testing::TestPki;

TEST_CASE("CurlHttpFetcher speaks HTTPS to a server the CA file vouches for", "[curl]") {
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
  server.Get("/stream", [](const httplib::Request&, httplib::Response& res) {
    // Chunked, so no Content-Length warns the client: the limit must hold while reading.
    res.set_chunked_content_provider("application/json", [](size_t, httplib::DataSink& sink) {
      const std::string chunk(4096, 'x');
      for (int i = 0; i < 64 && sink.is_writable(); ++i) sink.write(chunk.data(), chunk.size());
      sink.done();
      return true;
    });
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

  CurlHttpFetcher fetcher({.allow_private_addresses = true});  // The server is on loopback.
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

  // The size limit is enforced while reading.
  FetchOptions small = trusted;
  small.max_bytes = 1024;
  const absl::Status big = fetcher.Get(base + "/big", small).status();
  CHECK(big.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(absl::StrContains(big.message(), "larger than 1024 bytes"));
  CHECK(fetcher.Get(base + "/big", trusted).ok());
  const absl::Status streamed = fetcher.Get(base + "/stream", small).status();
  CHECK(streamed.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(absl::StrContains(streamed.message(), "larger than 1024 bytes"));
  const auto whole_stream = fetcher.Get(base + "/stream", trusted);
  REQUIRE(whole_stream.ok());
  CHECK(whole_stream->body.size() == 64 * 4096);

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

// A TCP socket listening on 127.0.0.1 that nobody accepts from: a connection made to it
// waits in the backlog, where ConnectionsMade finds it without blocking.
class BareListener {
 public:
  BareListener() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_in address = {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&address), length) == 0);
    REQUIRE(listen(fd_, 16) == 0);
    REQUIRE(getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    port_ = ntohs(address.sin_port);
  }
  ~BareListener() { close(fd_); }
  int port() const { return port_; }
  int ConnectionsMade() const {
    int n = 0;
    for (int c; (c = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC)) >= 0; ++n) {
      close(c);
    }
    return n;
  }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST_CASE("CurlHttpFetcher connects to no loopback address unless private ones are allowed",
          "[curl]") {
  BareListener listener;
  CurlHttpFetcher strict;
  CurlHttpFetcher allowing({.allow_private_addresses = true});
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
  for (CurlHttpFetcher* fetcher : {&strict, &allowing}) {
    const absl::Status status = fetcher->Get(unspecified, options).status();
    CHECK(IsAddressNotAllowed(status));
    CHECK(absl::StrContains(status.message(), "(unspecified)"));
  }
  CHECK(listener.ConnectionsMade() == 0);
}

}  // namespace
}  // namespace warden::oidc
