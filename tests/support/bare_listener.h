#pragma once

// A TCP socket listening on 127.0.0.1 that nobody accepts from, for tests of what an HTTP
// client may connect to: a connection made to it waits in the backlog, where ConnectionsMade
// finds it without blocking, and a request sent on it is never answered.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

namespace warden::testing {

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
  BareListener(const BareListener&) = delete;
  BareListener& operator=(const BareListener&) = delete;

  int port() const { return port_; }
  // The connections made since the last call (each is accepted and closed).
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

}  // namespace warden::testing
