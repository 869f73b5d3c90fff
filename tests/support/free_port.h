#pragma once

namespace warden::testing {

// A TCP port on 127.0.0.1 that was free a moment ago: the kernel picks it for a socket
// bound to port 0, which is then closed. Another process may take it before the caller
// binds it, so a caller that can retry on "address in use" should. CHECK-fails if no
// socket can be bound at all. Thread-safe.
int FreeTcpPort();

}  // namespace warden::testing
