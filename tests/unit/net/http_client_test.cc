// SendHttpRequest against real local servers (cpp-httplib: HTTPS with a certificate from a test
// CA made at run time, and plain HTTP) and against a bare listening socket that never answers.
// What its two callers rely on: the CA file, the bearer token, the body limit, redirects left
// to the caller, POST bodies, cancellation, timeouts, the address hook, and error messages that
// never hold the URL. All on loopback.

#include "net/http_client.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "tests/support/bare_listener.h"
#include "tests/support/free_port.h"
#include "tests/support/test_pki.h"

namespace warden::net {
namespace {

using warden::testing::BareListener;
using warden::testing::FreeTcpPort;
using warden::testing::TestPki;

// Serves `server` on 127.0.0.1 from a thread of its own until destroyed.
class Serving {
 public:
  explicit Serving(httplib::Server& server) : server_(server) {
    port_ = server_.bind_to_any_port("127.0.0.1");
    REQUIRE(port_ > 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // The socket already listens (bind_to_any_port); this only avoids racing stop() later.
    while (!server_.is_running()) std::this_thread::yield();
  }
  ~Serving() {
    server_.stop();
    thread_.join();
  }
  int port() const { return port_; }

 private:
  httplib::Server& server_;
  int port_ = 0;
  std::thread thread_;
};

// The text of an IPv4 or IPv6 socket address, "?" for another family.
std::string AddressText(const sockaddr* address) {
  char text[INET6_ADDRSTRLEN] = {};
  const void* bytes = nullptr;
  if (address->sa_family == AF_INET) {
    bytes = &reinterpret_cast<const sockaddr_in*>(address)->sin_addr;
  } else if (address->sa_family == AF_INET6) {
    bytes = &reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr;
  }
  if (bytes == nullptr || inet_ntop(address->sa_family, bytes, text, sizeof(text)) == nullptr) {
    return "?";
  }
  return text;
}

TEST_CASE("SendHttpRequest speaks HTTPS to a server the CA file vouches for", "[http_client]") {
  TestPki pki;
  httplib::SSLServer server(pki.Path("server.pem").c_str(), pki.Path("server.key").c_str());
  REQUIRE(server.is_valid());
  std::string seen_authorization, seen_accept, seen_user_agent;
  server.Get("/doc", [&](const httplib::Request& req, httplib::Response& res) {
    seen_authorization = req.get_header_value("Authorization");
    seen_accept = req.get_header_value("Accept");
    seen_user_agent = req.get_header_value("User-Agent");
    res.set_content(R"({"ok": true})", "application/json");
  });
  server.Get("/missing", [](const httplib::Request&, httplib::Response& res) { res.status = 404; });
  server.Get("/moved",
             [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/doc"); });
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
  Serving serving(server);
  const std::string base = absl::StrCat("https://127.0.0.1:", serving.port());

  HttpRequest trusted;
  trusted.ca_file = pki.Path("ca.pem");
  trusted.headers = {"Accept: application/json"};
  trusted.user_agent = "warden-test";
  trusted.max_body_bytes = 1 << 20;
  auto get = [&](const std::string& path, HttpRequest request) {
    request.url = base + path;
    return SendHttpRequest(request);
  };

  // The answer, with the headers asked for and no Authorization unless a token is given.
  absl::StatusOr<HttpResponse> doc = get("/doc", trusted);
  INFO(doc.status().ToString());
  REQUIRE(doc.ok());
  CHECK(doc->status_code == 200);
  CHECK(doc->body == R"({"ok": true})");
  CHECK(doc->content_type == "application/json");
  CHECK(doc->redirect_url.empty());
  CHECK(seen_authorization.empty());
  CHECK(seen_accept == "application/json");
  CHECK(seen_user_agent == "warden-test");

  // The bearer token is sent, and never appears in errors.
  HttpRequest with_token = trusted;
  with_token.bearer_token = "sa-token-123";
  REQUIRE(get("/doc", with_token).ok());
  CHECK(seen_authorization == "Bearer sa-token-123");

  // Any HTTP answer is an answer; a redirect is reported, not followed.
  const absl::StatusOr<HttpResponse> missing = get("/missing", trusted);
  REQUIRE(missing.ok());
  CHECK(missing->status_code == 404);
  seen_accept.clear();
  const absl::StatusOr<HttpResponse> moved = get("/moved", trusted);
  REQUIRE(moved.ok());
  CHECK(moved->status_code == 302);
  CHECK(moved->redirect_url == base + "/doc");
  CHECK(seen_accept.empty());

  // The body limit holds with a Content-Length and while reading a chunked body; without a
  // limit the body is read and dropped.
  HttpRequest small = trusted;
  small.max_body_bytes = 1024;
  for (const char* path : {"/big", "/stream"}) {
    CAPTURE(path);
    const absl::Status status = get(path, small).status();
    CHECK(status.code() == absl::StatusCode::kResourceExhausted);
    CHECK(status.message() == "response is larger than 1024 bytes");
  }
  const absl::StatusOr<HttpResponse> whole_stream = get("/stream", trusted);
  REQUIRE(whole_stream.ok());
  CHECK(whole_stream->body.size() == 64 * 4096);
  HttpRequest dropping = trusted;
  dropping.max_body_bytes.reset();
  const absl::StatusOr<HttpResponse> dropped = get("/big", dropping);
  REQUIRE(dropped.ok());
  CHECK(dropped->status_code == 200);
  CHECK(dropped->body.empty());

  // Without the test CA (system CAs only) the certificate is not trusted; the error says so
  // without the URL or the token, even in detail.
  for (bool detailed : {false, true}) {
    HttpRequest untrusted = with_token;
    untrusted.ca_file.clear();
    untrusted.detailed_errors = detailed;
    const absl::Status status = get("/doc", untrusted).status();
    CHECK(status.code() == absl::StatusCode::kUnavailable);
    CHECK_FALSE(absl::StrContains(status.message(), "/doc"));
    CHECK_FALSE(absl::StrContains(status.message(), "sa-token-123"));
  }

  // Plain http only when allowed, and no other scheme ever, refused before any connection.
  HttpRequest plain = trusted;
  plain.url = absl::StrCat("http://127.0.0.1:", serving.port(), "/doc");
  CHECK(SendHttpRequest(plain).status().code() == absl::StatusCode::kInvalidArgument);
  plain.url = "file:///etc/passwd";
  plain.allow_http = true;
  CHECK(SendHttpRequest(plain).status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("a POST carries its body and headers, and errors never name the URL", "[http_client]") {
  httplib::Server server;
  std::string seen_body, seen_content_type, seen_user_agent;
  server.Post("/hooks/secret-token", [&](const httplib::Request& req, httplib::Response& res) {
    seen_body = req.body;
    seen_content_type = req.get_header_value("Content-Type");
    seen_user_agent = req.get_header_value("User-Agent");
    res.status = 500;
    res.set_content("busy", "text/plain");
  });
  Serving serving(server);

  HttpRequest post;
  post.method = HttpRequest::Method::kPost;
  post.url = absl::StrCat("http://127.0.0.1:", serving.port(), "/hooks/secret-token");
  post.allow_http = true;
  post.body = R"({"text": "hello"})";
  post.headers = {"Content-Type: application/json"};
  post.user_agent = "warden-notifier";
  const absl::StatusOr<HttpResponse> answered = SendHttpRequest(post);
  INFO(answered.status().ToString());
  REQUIRE(answered.ok());
  CHECK(answered->status_code == 500);  // Any status is an answer.
  CHECK(answered->body.empty());        // No max_body_bytes: dropped.
  CHECK(seen_body == R"({"text": "hello"})");
  CHECK(seen_content_type == "application/json");
  CHECK(seen_user_agent == "warden-notifier");

  // Nobody listens: the error is libcurl's name for it, without the URL's secrets.
  post.url =
      absl::StrCat("http://user:secret-password@127.0.0.1:", FreeTcpPort(), "/hooks/secret-token");
  for (bool detailed : {false, true}) {
    post.detailed_errors = detailed;
    const absl::Status status = SendHttpRequest(post).status();
    CAPTURE(status.ToString());
    CHECK(status.code() == absl::StatusCode::kUnavailable);
    CHECK_FALSE(absl::StrContains(status.message(), "secret"));
    CHECK_FALSE(absl::StrContains(status.message(), "/hooks"));
    CHECK(absl::StrContains(status.message(), "127.0.0.1") == detailed);
  }
}

TEST_CASE("a request stops soon after it is cancelled", "[http_client]") {
  httplib::Server server;
  std::atomic<bool> cancelled{false};
  absl::Notification release;
  server.Get("/slow", [&](const httplib::Request&, httplib::Response& res) {
    cancelled.store(true);  // The request is in flight: cancel it, and answer only later.
    release.WaitForNotificationWithTimeout(absl::Seconds(30));
    res.status = 200;
  });
  Serving serving(server);
  HttpRequest request;
  request.url = absl::StrCat("http://127.0.0.1:", serving.port(), "/slow");
  request.allow_http = true;
  request.timeout = absl::Seconds(30);
  request.cancelled = &cancelled;
  const absl::Time start = absl::Now();
  const absl::Status status = SendHttpRequest(request).status();
  release.Notify();
  CHECK(status.code() == absl::StatusCode::kCancelled);
  CHECK(absl::Now() - start < absl::Seconds(10));  // Not the answer's 30 s, nor the timeout's.
}

TEST_CASE("the timeout ends a request nobody answers", "[http_client]") {
  BareListener listener;  // Accepts the connection into its backlog, never answers.
  HttpRequest request;
  request.url = absl::StrCat("http://127.0.0.1:", listener.port(), "/");
  request.allow_http = true;
  request.timeout = absl::Milliseconds(300);
  const absl::Status status = SendHttpRequest(request).status();
  CHECK(status.code() == absl::StatusCode::kDeadlineExceeded);
  CHECK(listener.ConnectionsMade() == 1);
}

TEST_CASE("the address hook sees the address used, and its refusal opens no connection",
          "[http_client]") {
  BareListener listener;
  const std::string port = absl::StrCat(listener.port());
  std::vector<std::string> seen;
  HttpRequest request;
  request.allow_http = true;
  request.timeout = absl::Seconds(2);
  request.allow_address = [&seen](const sockaddr* address, socklen_t) {
    seen.push_back(AddressText(address));
    return false;
  };
  // A literal address, and a name checked after resolution.
  request.url = absl::StrCat("http://127.0.0.1:", port, "/");
  CHECK(SendHttpRequest(request).status().code() == absl::StatusCode::kUnavailable);
  CHECK(seen == std::vector<std::string>{"127.0.0.1"});
  seen.clear();
  request.url = absl::StrCat("http://localhost:", port, "/");
  CHECK(SendHttpRequest(request).status().code() == absl::StatusCode::kUnavailable);
  REQUIRE_FALSE(seen.empty());
  for (const std::string& address : seen) CHECK((address == "127.0.0.1" || address == "::1"));
  CHECK(listener.ConnectionsMade() == 0);

  // Allowed, the connection is made (and, unanswered, times out).
  request.url = absl::StrCat("http://127.0.0.1:", port, "/");
  request.timeout = absl::Milliseconds(300);
  request.allow_address = [](const sockaddr*, socklen_t) { return true; };
  CHECK(SendHttpRequest(request).status().code() == absl::StatusCode::kDeadlineExceeded);
  CHECK(listener.ConnectionsMade() == 1);
}

}  // namespace
}  // namespace warden::net
