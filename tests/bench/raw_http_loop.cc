#include "tests/bench/raw_http_loop.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace warden::bench {
namespace {

constexpr int kMaxEvents = 64;
constexpr int64_t kRetryNs = 10'000'000;  // after a failed connect
constexpr int kWaitMs = 10;               // epoll_wait's longest sleep: timeouts and retries

std::string Errno(const char* what) { return absl::StrCat(what, ": ", std::strerror(errno)); }

}  // namespace

RawHttpLoop::RawHttpLoop(const HttpEndpoint& endpoint, std::string request, int connections,
                         absl::Duration call_timeout)
    : request_(std::move(request)),
      call_timeout_ns_(absl::ToInt64Nanoseconds(call_timeout)),
      connections_(static_cast<size_t>(connections)) {
  auto* in = reinterpret_cast<sockaddr_in*>(&address_);
  in->sin_family = AF_INET;
  in->sin_port = htons(static_cast<uint16_t>(endpoint.port));
  const std::string host = endpoint.host == "localhost" ? "127.0.0.1" : endpoint.host;
  if (inet_pton(AF_INET, host.c_str(), &in->sin_addr) != 1) {
    address_error_ = absl::StrCat("warden-bench's HTTP client takes an IPv4 address, not ", host);
  }
  address_size_ = sizeof(sockaddr_in);
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
}

RawHttpLoop::~RawHttpLoop() {
  for (Connection& c : connections_) Close(c);
  if (epoll_fd_ >= 0) close(epoll_fd_);
}

void RawHttpLoop::Run(const HttpWindow& window, HttpTally& tally) {
  window_ = &window;
  tally_ = &tally;
  for (Connection& c : connections_) Start(c);
  epoll_event events[kMaxEvents];
  for (;;) {
    const bool stopping = window.stopping();
    const int64_t now = NowNs();
    bool in_flight = false;
    for (Connection& c : connections_) {
      if (c.busy && now - c.started_ns > call_timeout_ns_) {
        Fail(c, "timeout", "no answer within the call timeout");
      } else if (!c.busy && !stopping && now >= c.retry_ns) {
        Start(c);
      }
      in_flight = in_flight || c.busy;
    }
    if (stopping && !in_flight) break;
    const int ready = epoll_wait(epoll_fd_, events, kMaxEvents, kWaitMs);
    for (int i = 0; i < ready; ++i) {
      Connection& c = *static_cast<Connection*>(events[i].data.ptr);
      if ((events[i].events & EPOLLOUT) != 0 && c.writing) Write(c);
      if ((events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0 && c.fd >= 0) Read(c);
    }
  }
  for (Connection& c : connections_) Close(c);
}

void RawHttpLoop::Start(Connection& c) {
  c.busy = true;
  c.started_ns = NowNs();  // a reconnect is part of the call that needs it
  c.written = 0;
  c.received.clear();
  if (c.fd < 0 && !Open(c)) return;
  Write(c);
}

bool RawHttpLoop::Open(Connection& c) {
  if (!address_error_.empty()) {
    c.retry_ns = NowNs() + kRetryNs;
    Fail(c, "connect", address_error_);
    return false;
  }
  // Non-blocking from the start: a connect the server's full accept queue holds back (its
  // SYN dropped and sent again a second later) stalls this connection only, not the loop.
  c.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  const int on = 1;
  if (c.fd < 0 || setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) != 0 ||
      (connect(c.fd, reinterpret_cast<const sockaddr*>(&address_), address_size_) != 0 &&
       errno != EINPROGRESS)) {
    c.retry_ns = NowNs() + kRetryNs;
    Fail(c, "connect", Errno("connect"));
    return false;
  }
  // Until the first byte is sent, a failure is the connect's (Write clears this).
  c.connecting = true;
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.ptr = &c;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, c.fd, &event);
  return true;
}

void RawHttpLoop::Close(Connection& c) {
  if (c.fd < 0) return;
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c.fd, nullptr);
  close(c.fd);
  c.fd = -1;
  c.writing = false;
}

void RawHttpLoop::Write(Connection& c) {
  while (c.written < request_.size()) {
    const ssize_t sent =
        send(c.fd, request_.data() + c.written, request_.size() - c.written, MSG_NOSIGNAL);
    if (sent > 0) {
      c.written += static_cast<size_t>(sent);
      c.connecting = false;
    } else if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!c.writing) {
        c.writing = true;
        epoll_event event{};
        event.events = EPOLLIN | EPOLLOUT;
        event.data.ptr = &c;
        epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.fd, &event);
      }
      return;
    } else if (sent < 0 && errno == EINTR) {
      continue;
    } else {
      Fail(c, c.connecting ? "connect" : "write", Errno("send"));
      return;
    }
  }
  if (c.writing) {
    c.writing = false;
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.ptr = &c;
    epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.fd, &event);
  }
}

void RawHttpLoop::Read(Connection& c) {
  char buffer[64 * 1024];
  const ssize_t got = recv(c.fd, buffer, sizeof(buffer), 0);
  if (got < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
    if (c.busy) return Fail(c, c.connecting ? "connect" : "read", Errno("recv"));
    return Close(c);
  }
  if (got == 0 || !c.busy) {
    // Closed by the server (or bytes nobody asked for): the next call reconnects.
    if (c.busy) return Fail(c, "closed", "the server closed the connection before answering");
    return Close(c);
  }
  c.received.append(buffer, static_cast<size_t>(got));
  absl::StatusOr<std::optional<ResponseHead>> head = ParseResponseHead(c.received);
  if (!head.ok()) return Fail(c, "bad answer", std::string(head.status().message()));
  if (!head->has_value()) return;  // the head is not all here yet
  const ResponseHead& h = **head;
  if (c.received.size() < h.head_bytes + h.content_length) return;
  tally_->Answered(*window_, c.started_ns, h.status,
                   absl::string_view(c.received).substr(h.head_bytes, h.content_length));
  if (h.close) Close(c);
  c.busy = false;  // Run's loop starts the next call before it waits again
}

void RawHttpLoop::Fail(Connection& c, const std::string& what, const std::string& message) {
  tally_->Failed(*window_, c.started_ns, what, message);
  Close(c);
  c.busy = false;
}

}  // namespace warden::bench
