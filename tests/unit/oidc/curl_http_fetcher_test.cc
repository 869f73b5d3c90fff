// CurlHttpFetcher against a real local HTTPS server (cpp-httplib) whose certificate is issued
// by a test CA generated at run time. The only oidc test that touches a socket.

#include "server/oidc/curl_http_fetcher.h"

#include <httplib.h>
#include <unistd.h>

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
  std::thread serving([&] { server.listen_after_bind(); });
  // The socket already listens (bind_to_any_port); this only avoids racing stop() later.
  while (!server.is_running()) std::this_thread::yield();

  CurlHttpFetcher fetcher;
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

  // Redirects: to https is followed, to http or in a loop is refused.
  CHECK(fetcher.Get(base + "/to-jwks", trusted).ok());
  CHECK(fetcher.Get(base + "/to-http", trusted).status().code() ==
        absl::StatusCode::kFailedPrecondition);
  CHECK(fetcher.Get(base + "/loop", trusted).status().code() ==
        absl::StatusCode::kFailedPrecondition);

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

}  // namespace
}  // namespace warden::oidc
