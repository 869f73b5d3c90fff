#include "client/wardenctl/loopback_callback.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

namespace warden::cli {
namespace {

constexpr size_t kMaxRequestHead = 16 * 1024;
// How long a connection may take to send its request head. A browser sends it at once; a
// connection that sends nothing (a port scanner, a pre-connect) must not hold up the wait.
constexpr absl::Duration kReadHeadTimeout = absl::Seconds(5);

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded decoding; a malformed escape stays as it is.
std::string FormDecode(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out.push_back(' ');
    } else if (text[i] == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
               HexValue(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

// Every value of each parameter, in order.
std::map<std::string, std::vector<std::string>> ParseQuery(absl::string_view query) {
  std::map<std::string, std::vector<std::string>> params;
  for (absl::string_view pair : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(pair, absl::MaxSplits('=', 1));
    params[FormDecode(kv.first)].push_back(FormDecode(kv.second));
  }
  return params;
}

// The one value of `name`; nullopt if it is missing or given more than once.
std::optional<std::string> Single(const std::map<std::string, std::vector<std::string>>& params,
                                  const std::string& name) {
  auto it = params.find(name);
  if (it == params.end() || it->second.size() != 1) return std::nullopt;
  return it->second[0];
}

// Compares without stopping at the first difference, so that timing tells nothing about
// how much of a guessed state was right.
bool SameState(absl::string_view a, absl::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char difference = 0;
  for (size_t i = 0; i < a.size(); ++i) difference |= a[i] ^ b[i];
  return difference == 0;
}

const char* ReasonPhrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    default:
      return "Not Found";
  }
}

}  // namespace

CallbackRequest ReadCallbackRequest(absl::string_view request_head,
                                    absl::string_view expected_state) {
  CallbackRequest result;
  const absl::string_view line = request_head.substr(0, request_head.find_first_of("\r\n"));
  std::vector<absl::string_view> parts = absl::StrSplit(line, ' ');
  if (parts.size() != 3 || parts[0] != "GET" || !absl::StartsWith(parts[2], "HTTP/")) {
    return result;
  }
  absl::string_view target = parts[1];
  target = target.substr(0, target.find('#'));
  const size_t question = target.find('?');
  if (target.substr(0, question) != kCallbackPath) return result;
  const auto params =
      ParseQuery(question == absl::string_view::npos ? "" : target.substr(question + 1));

  const std::optional<std::string> state = Single(params, "state");
  if (!state.has_value() || !SameState(*state, expected_state)) {
    result.kind = CallbackRequest::Kind::kWrongState;
    return result;
  }
  if (params.count("error") > 0) {
    result.kind = CallbackRequest::Kind::kProviderError;
    result.error = params.at("error").front();
    if (auto description = params.find("error_description"); description != params.end()) {
      result.error_description = description->second.front();
    }
    return result;
  }
  const std::optional<std::string> code = Single(params, "code");
  if (!code.has_value() || code->empty()) {
    result.kind = CallbackRequest::Kind::kNoCode;
    return result;
  }
  result.kind = CallbackRequest::Kind::kCode;
  result.code = *code;
  return result;
}

std::string EscapeHtml(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string HtmlResponse(int status, absl::string_view title, absl::string_view message) {
  const std::string body =
      absl::StrCat("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>",
                   EscapeHtml(title), "</title></head>\n<body><main><h1>", EscapeHtml(title),
                   "</h1><p>", EscapeHtml(message), "</p></main></body></html>\n");
  return absl::StrCat("HTTP/1.1 ", status, " ", ReasonPhrase(status),
                      "\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: ", body.size(),
                      "\r\nCache-Control: no-store\r\nReferrer-Policy: no-referrer\r\n"
                      "X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
                      body);
}

absl::StatusOr<LoopbackListener> LoopbackListener::Open() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot open a socket for the sign-in callback: ", strerror(errno)));
  }
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;  // any free port
  socklen_t length = sizeof(address);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 || listen(fd, 8) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    const int error = errno;
    close(fd);
    return absl::FailedPreconditionError(
        absl::StrCat("cannot listen on 127.0.0.1 for the sign-in callback: ", strerror(error)));
  }
  return LoopbackListener(fd, ntohs(address.sin_port));
}

LoopbackListener::LoopbackListener(LoopbackListener&& other) noexcept
    : fd_(other.fd_), port_(other.port_) {
  other.fd_ = -1;
}

LoopbackListener::~LoopbackListener() {
  if (fd_ >= 0) close(fd_);
}

std::string LoopbackListener::RedirectUri() const {
  return absl::StrCat("http://127.0.0.1:", port_, kCallbackPath);
}

LoopbackListener::Connection::~Connection() {
  if (fd_ >= 0) close(fd_);
}

void LoopbackListener::Connection::Answer(const std::string& response) {
  size_t sent = 0;
  while (fd_ >= 0 && sent < response.size()) {
    const ssize_t n = send(fd_, response.data() + sent, response.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  if (fd_ >= 0) {
    shutdown(fd_, SHUT_WR);
    close(fd_);
    fd_ = -1;
  }
}

namespace {

// Milliseconds until `deadline` for poll(), at least 0.
int MillisecondsUntil(absl::Time deadline) {
  const absl::Duration left = deadline - absl::Now();
  if (left <= absl::ZeroDuration()) return 0;
  return static_cast<int>(std::min<int64_t>(absl::ToInt64Milliseconds(left) + 1, 60 * 1000));
}

// Reads until the blank line that ends a request head; false if it does not come in time.
bool ReadHead(int fd, absl::Time deadline, std::string* head) {
  char buffer[4096];
  while (head->find("\r\n\r\n") == std::string::npos && head->size() < kMaxRequestHead) {
    pollfd p = {fd, POLLIN, 0};
    const int ready = poll(&p, 1, MillisecondsUntil(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;
    const ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return !head->empty();  // the peer closed: take what came
    head->append(buffer, static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

absl::StatusOr<std::optional<LoopbackListener::Connection>> LoopbackListener::Accept(
    absl::Time deadline) {
  while (true) {
    if (absl::Now() >= deadline) return std::nullopt;
    pollfd p = {fd_, POLLIN, 0};
    const int ready = poll(&p, 1, MillisecondsUntil(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("waiting for the sign-in callback failed: ", strerror(errno)));
    }
    if (ready == 0) continue;  // the deadline is checked above
    const int client = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;  // the peer gave up already (ECONNABORTED), or EINTR
    Connection connection(client);
    if (ReadHead(client, std::min(deadline, absl::Now() + kReadHeadTimeout), &connection.head_)) {
      return std::optional<Connection>(std::move(connection));
    }
  }
}

}  // namespace warden::cli
