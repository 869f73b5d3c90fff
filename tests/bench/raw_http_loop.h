#pragma once

// warden-bench's own HTTP/1.1 client: one thread's epoll loop over a few keep-alive
// connections, each writing the same prebuilt request again as soon as the answer to the
// last one has arrived. Lean on purpose: the client shares the cores with the server it
// measures, so every microsecond it spends is one the server does not get.

#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "tests/bench/http_load.h"
#include "tests/bench/http_tally.h"

namespace warden::bench {

class RawHttpLoop final {
 public:
  // `connections` connections to `endpoint` (an IPv4 address), each sending `request` (a
  // whole HTTP/1.1 request, as WireRequest makes it); a call unanswered after `call_timeout`
  // fails and its connection is closed.
  RawHttpLoop(const HttpEndpoint& endpoint, std::string request, int connections,
              absl::Duration call_timeout);
  ~RawHttpLoop();

  RawHttpLoop(const RawHttpLoop&) = delete;
  RawHttpLoop& operator=(const RawHttpLoop&) = delete;

  // Runs on the calling thread until `window` stops and the calls in flight have ended (or
  // timed out), recording into `tally`; then closes every connection.
  void Run(const HttpWindow& window, HttpTally& tally);

 private:
  struct Connection {
    int fd = -1;
    bool busy = false;        // a call is in flight
    bool connecting = false;  // connect() started, no byte sent yet
    bool writing = false;     // send() would block: waiting for EPOLLOUT
    size_t written = 0;
    std::string received;
    int64_t started_ns = 0;
    int64_t retry_ns = 0;  // after a failed connect, no new call before this instant
  };

  void Start(Connection& c);  // the next call: connects if needed, then writes
  bool Open(Connection& c);
  void Close(Connection& c);
  void Write(Connection& c);
  void Read(Connection& c);
  // Records the call as failed and closes its connection.
  void Fail(Connection& c, const std::string& what, const std::string& message);

  const std::string request_;
  const int64_t call_timeout_ns_;
  sockaddr_storage address_{};
  socklen_t address_size_ = 0;
  std::string address_error_;  // why the endpoint's host is unusable; empty when it is fine
  std::vector<Connection> connections_;
  int epoll_fd_ = -1;
  const HttpWindow* window_ = nullptr;  // set by Run
  HttpTally* tally_ = nullptr;
};

}  // namespace warden::bench
