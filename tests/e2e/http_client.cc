#include "tests/e2e/http_client.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"

namespace warden::testing {

std::string HttpReply::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

nlohmann::json HttpReply::Json() const {
  return nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
}

HttpHeaders WithAuthorization(const std::string& authorization, HttpHeaders headers) {
  if (!authorization.empty()) headers.emplace_back("Authorization", authorization);
  return headers;
}

HttpReply HttpClient::Send(const std::string& method, const std::string& path,
                           const HttpHeaders& headers, const std::string& body) const {
  httplib::Client client("127.0.0.1", port_);
  client.set_connection_timeout(10);
  client.set_read_timeout(10);
  client.set_write_timeout(10);
  httplib::Request request;
  request.method = method;
  request.path = path;
  for (const auto& [name, value] : headers) request.headers.emplace(name, value);
  request.body = body;
  HttpReply reply;
  httplib::Result result = client.send(request);
  if (!result) {
    reply.error = httplib::to_string(result.error());
    return reply;
  }
  reply.status = result->status;
  for (const auto& [name, value] : result->headers) {
    reply.headers.emplace(absl::AsciiStrToLower(name), value);
  }
  reply.body = result->body;
  return reply;
}

HttpReply HttpClient::Get(const std::string& path, const std::string& authorization) const {
  return Send("GET", path, WithAuthorization(authorization));
}

HttpReply HttpClient::SendJson(const std::string& method, const std::string& path,
                               const std::string& body, const std::string& authorization) const {
  return Send(method, path,
              WithAuthorization(authorization, {{"Content-Type", "application/json"}}), body);
}

HttpReply HttpClient::Connect(const std::string& path, const std::string& content_type,
                              const std::string& body,
                              const std::vector<std::string>& authorizations) const {
  HttpHeaders headers = {{"Content-Type", content_type}, {"Connect-Protocol-Version", "1"}};
  for (const std::string& value : authorizations) headers.emplace_back("Authorization", value);
  return Send("POST", path, headers, body);
}

HttpReply SendRaw(int port, const std::string& bytes, absl::Duration timeout) {
  HttpReply reply;
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    reply.error = "cannot connect";
    if (fd >= 0) ::close(fd);
    return reply;
  }
  const absl::Time deadline = absl::Now() + timeout;
  // Polls for `events`; the events that came, 0 at the deadline.
  auto wait = [&](short events) -> short {
    pollfd p{fd, events, 0};
    const int ms = static_cast<int>(absl::ToInt64Milliseconds(deadline - absl::Now()));
    return ms > 0 && ::poll(&p, 1, ms) == 1 ? p.revents : 0;
  };
  // A server may answer (and stop reading) before everything is written, as it should for
  // a body over its cap: the answer is then read.
  for (size_t sent = 0; sent < bytes.size();) {
    const short ready = wait(POLLOUT | POLLIN);
    if ((ready & POLLOUT) == 0 || (ready & POLLIN) != 0) break;
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  std::string in;
  size_t head_end = std::string::npos;
  size_t wanted = std::string::npos;
  char buffer[16384];
  while ((wanted == std::string::npos || in.size() < wanted) && wait(POLLIN)) {
    const ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) break;
    in.append(buffer, static_cast<size_t>(n));
    if (head_end == std::string::npos && (head_end = in.find("\r\n\r\n")) != std::string::npos) {
      size_t length = 0;
      for (absl::string_view line : absl::StrSplit(in.substr(0, head_end), "\r\n")) {
        absl::string_view value = line;
        if (absl::StartsWithIgnoreCase(line, "content-length:")) {
          value.remove_prefix(sizeof("content-length:") - 1);
          (void)absl::SimpleAtoi(absl::StripAsciiWhitespace(value), &length);
        }
      }
      wanted = head_end + 4 + length;
    }
  }
  if (head_end != std::string::npos && wanted != std::string::npos && in.size() >= wanted &&
      absl::StrContains(absl::AsciiStrToLower(in.substr(0, head_end)), "\r\nconnection: close")) {
    while (wait(POLLIN)) {
      const ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
      if (n <= 0) {
        reply.closed = true;
        break;
      }
      in.append(buffer, static_cast<size_t>(n));
    }
    reply.after_close_promise = in.substr(wanted);
    in.resize(wanted);
  }
  ::close(fd);
  if (head_end == std::string::npos) {
    reply.error = in.empty() ? "no answer" : "incomplete answer";
    return reply;
  }
  std::vector<std::string> lines = absl::StrSplit(in.substr(0, head_end), "\r\n");
  std::vector<std::string> status_line = absl::StrSplit(lines[0], ' ');
  if (status_line.size() < 2 || !absl::SimpleAtoi(status_line[1], &reply.status)) {
    reply.error = "no status line";
    return reply;
  }
  for (size_t i = 1; i < lines.size(); ++i) {
    const size_t colon = lines[i].find(':');
    if (colon == std::string::npos) continue;
    reply.headers.emplace(absl::AsciiStrToLower(lines[i].substr(0, colon)),
                          std::string(absl::StripAsciiWhitespace(lines[i].substr(colon + 1))));
  }
  reply.body = in.substr(head_end + 4);
  return reply;
}

}  // namespace warden::testing
