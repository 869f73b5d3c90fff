// The redirect target of `wardenctl login --provider`: reading the browser's request (the
// state check, the provider's error), the pages it answers with, and the listener itself
// over a real loopback socket.

#include "client/wardenctl/loopback_callback.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace warden::cli {
namespace {

using Kind = CallbackRequest::Kind;

constexpr char kState[] = "st4te.signed-by_warden";

CallbackRequest Read(const std::string& target, const std::string& method = "GET") {
  return ReadCallbackRequest(
      absl::StrCat(method, " ", target, " HTTP/1.1\r\nHost: 127.0.0.1:5000\r\n\r\n"), kState);
}

TEST_CASE("the callback with the expected state and a code completes the sign-in") {
  CallbackRequest request = Read(absl::StrCat("/callback?state=", kState, "&code=abc123"));
  CHECK(request.kind == Kind::kCode);
  CHECK(request.code == "abc123");
  // Parameters in any order, percent-encoded, with extras the provider adds.
  request = Read(absl::StrCat(
      "/callback?session_state=x&code=a%2Fb%3Dc+d&iss=https%3A%2F%2Fi&state=", kState));
  CHECK(request.kind == Kind::kCode);
  CHECK(request.code == "a/b=c d");
  // A state that needs encoding compares decoded.
  CHECK(ReadCallbackRequest("GET /callback?state=a%2Bb&code=c HTTP/1.1\r\n\r\n", "a+b").kind ==
        Kind::kCode);
}

TEST_CASE("a missing, different or repeated state is refused, whatever else the request says") {
  for (const std::string& target :
       {std::string("/callback?code=abc"), std::string("/callback"),
        std::string("/callback?state=&code=abc"),
        absl::StrCat("/callback?state=", kState, "x&code=abc"),
        absl::StrCat("/callback?state=", std::string(kState).substr(1), "&code=abc"),
        absl::StrCat("/callback?state=", kState, "&state=", kState, "&code=abc"),
        std::string("/callback?state=other&error=access_denied")}) {
    INFO(target);
    CHECK(Read(target).kind == Kind::kWrongState);
  }
}

TEST_CASE("the provider's error comes back with its description") {
  CallbackRequest request = Read(absl::StrCat(
      "/callback?error=access_denied&error_description=The+user+said+no%21&state=", kState));
  CHECK(request.kind == Kind::kProviderError);
  CHECK(request.error == "access_denied");
  CHECK(request.error_description == "The user said no!");
  request = Read(absl::StrCat("/callback?state=", kState, "&error=login_required&code=x"));
  CHECK(request.kind == Kind::kProviderError);
  CHECK(request.error == "login_required");
  CHECK(request.error_description.empty());
}

TEST_CASE("a callback with neither code nor error is a failure of its own") {
  CHECK(Read(absl::StrCat("/callback?state=", kState)).kind == Kind::kNoCode);
  CHECK(Read(absl::StrCat("/callback?state=", kState, "&code=")).kind == Kind::kNoCode);
  CHECK(Read(absl::StrCat("/callback?state=", kState, "&code=a&code=b")).kind == Kind::kNoCode);
}

TEST_CASE("other requests are not the callback, and do not end the wait") {
  const std::string query = absl::StrCat("?state=", kState, "&code=abc");
  CHECK(Read("/favicon.ico").kind == Kind::kNotCallback);
  CHECK(Read(absl::StrCat("/", query)).kind == Kind::kNotCallback);
  CHECK(Read(absl::StrCat("/callback/x", query)).kind == Kind::kNotCallback);
  CHECK(Read(absl::StrCat("/callbackx", query)).kind == Kind::kNotCallback);
  CHECK(Read(absl::StrCat("/callback", query), "POST").kind == Kind::kNotCallback);
  CHECK(Read(absl::StrCat("/callback", query), "HEAD").kind == Kind::kNotCallback);
  CHECK(ReadCallbackRequest("", kState).kind == Kind::kNotCallback);
  CHECK(ReadCallbackRequest("garbage\r\n\r\n", kState).kind == Kind::kNotCallback);
  CHECK(ReadCallbackRequest(absl::StrCat("GET /callback", query, "\r\n\r\n"), kState).kind ==
        Kind::kNotCallback);  // no HTTP version
}

TEST_CASE("pages escape what they show") {
  CHECK(EscapeHtml("<script>alert('x' & \"y\")</script>") ==
        "&lt;script&gt;alert(&#39;x&#39; &amp; &quot;y&quot;)&lt;/script&gt;");
  const std::string response =
      HtmlResponse(200, "Signed in", "Signed in to Warden as <b>Ann</b>. You can close this tab.");
  CHECK(absl::StartsWith(response, "HTTP/1.1 200 OK\r\n"));
  CHECK(absl::StrContains(response, "Content-Type: text/html; charset=utf-8\r\n"));
  CHECK(absl::StrContains(response, "Connection: close\r\n"));
  CHECK(absl::StrContains(
      response, "Signed in to Warden as &lt;b&gt;Ann&lt;/b&gt;. You can close this tab."));
  CHECK_FALSE(absl::StrContains(response, "<b>"));
  const size_t body = response.find("\r\n\r\n") + 4;
  CHECK(absl::StrContains(response,
                          absl::StrCat("Content-Length: ", response.size() - body, "\r\n")));
  CHECK(absl::StartsWith(HtmlResponse(400, "Sign-in failed", "x"), "HTTP/1.1 400 Bad Request\r\n"));
  CHECK(absl::StartsWith(HtmlResponse(404, "Not found", "x"), "HTTP/1.1 404 Not Found\r\n"));
}

// Connects to 127.0.0.1:`port`, sends `request` and returns everything the server answers.
std::string Exchange(int port, const std::string& request) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  std::string answer;
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0) {
    send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    char buffer[4096];
    for (ssize_t n; (n = recv(fd, buffer, sizeof(buffer), 0)) > 0;) answer.append(buffer, n);
  }
  close(fd);
  return answer;
}

TEST_CASE("the listener takes a request on 127.0.0.1 and answers it") {
  absl::StatusOr<LoopbackListener> listener = LoopbackListener::Open();
  REQUIRE(listener.ok());
  CHECK(listener->port() > 0);
  CHECK(listener->RedirectUri() ==
        absl::StrCat("http://127.0.0.1:", listener->port(), "/callback"));

  const std::string request =
      absl::StrCat("GET /callback?state=", kState, "&code=c0de HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string answer;
  std::thread browser([&] { answer = Exchange(listener->port(), request); });
  auto accepted = listener->Accept(absl::Now() + absl::Seconds(20));
  REQUIRE(accepted.ok());
  REQUIRE(accepted->has_value());
  CHECK((*accepted)->head() == request);
  CHECK(ReadCallbackRequest((*accepted)->head(), kState).code == "c0de");
  (*accepted)->Answer(HtmlResponse(200, "Signed in", "ok"));
  browser.join();
  CHECK(absl::StartsWith(answer, "HTTP/1.1 200 OK\r\n"));
  CHECK(absl::EndsWith(answer, "</html>\n"));
}

TEST_CASE("the listener gives up at the deadline") {
  absl::StatusOr<LoopbackListener> listener = LoopbackListener::Open();
  REQUIRE(listener.ok());
  auto accepted = listener->Accept(absl::Now() + absl::Milliseconds(50));
  REQUIRE(accepted.ok());
  CHECK_FALSE(accepted->has_value());
  auto past = listener->Accept(absl::Now() - absl::Seconds(1));
  REQUIRE(past.ok());
  CHECK_FALSE(past->has_value());
}

}  // namespace
}  // namespace warden::cli
