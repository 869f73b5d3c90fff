#pragma once

// warden-bench's HTTP/1.1 load: C keep-alive connections, each sending its request again as
// soon as the answer to the last one has arrived (no pipelining), for a warm-up and then a
// measured duration. The same LoadResult as the gRPC load comes out: a call succeeds when
// answered 200; the others count as "HTTP <status>", or by what broke the connection
// ("connect", "read", "write", "closed", "bad answer", "timeout"). A server that closes a
// connection after an answer with "Connection: close" (cpp-httplib's keep-alive cap) is
// reconnected to, inside the next call's time.

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tests/bench/http_wire.h"
#include "tests/bench/load_result.h"

namespace warden::bench {

struct HttpEndpoint {
  std::string host;  // an IPv4 address or a name
  int port = 0;
  std::string HostHeader() const;  // "host:port"
};

// "host:port" -> endpoint. INVALID_ARGUMENT otherwise.
absl::StatusOr<HttpEndpoint> ParseEndpoint(const std::string& host_port);

enum class HttpClientKind {
  // warden-bench's own: non-blocking sockets, `threads` epoll loops sharing the connections,
  // the request built once and written with one send(). What the figures use.
  kRaw,
  // cpp-httplib's httplib::Client, one per connection, each on a thread of its own: to show
  // what a convenient client costs next to the server.
  kHttplib,
};

struct HttpLoadSettings {
  int connections = 16;
  HttpClientKind client = HttpClientKind::kRaw;
  int threads = 1;  // kRaw's loops; kHttplib has one thread per connection
  absl::Duration warmup = absl::Seconds(2);
  absl::Duration duration = absl::Seconds(10);
  absl::Duration call_timeout = absl::Seconds(10);
  // A process whose CPU time over the measured window is reported (the server); 0: none.
  int server_pid = 0;
};

// Sends `call` to `endpoint` under `settings`; blocks until the run is over and every
// connection is closed. REQUIRES: connections >= 1, threads >= 1.
LoadResult RunHttpLoad(const HttpEndpoint& endpoint, const HttpCall& call,
                       const HttpLoadSettings& settings);

struct HttpAnswer {
  int status = 0;
  std::string body;
};

// `call` once, on a connection of its own (cpp-httplib's client, 10 s timeouts): to check an
// endpoint answers, and what. UNAVAILABLE when no answer came.
absl::StatusOr<HttpAnswer> SendOnce(const HttpEndpoint& endpoint, const HttpCall& call);

}  // namespace warden::bench
