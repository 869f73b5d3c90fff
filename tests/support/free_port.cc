#include "tests/support/free_port.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "glog/logging.h"

namespace warden::testing {

int FreeTcpPort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  PCHECK(fd >= 0) << "socket";
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  PCHECK(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) << "bind 127.0.0.1:0";
  socklen_t len = sizeof(addr);
  PCHECK(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) << "getsockname";
  close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace warden::testing
