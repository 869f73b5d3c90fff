#pragma once

#include "absl/strings/string_view.h"

namespace warden {

// True if `endpoint`, a gRPC target, can only reach this machine: a unix socket
// ("unix:", "unix-abstract:"), the name localhost, or addresses in 127.0.0.0/8 or ::1 —
// with or without a port, bare or after "dns:///", "ipv4:" or "ipv6:" (every address of a
// list). Anything else is taken as remote: other names (even ones that resolve to
// loopback), a DNS server named in the target (it decides where localhost goes), and
// other resolvers' schemes.
//
// Credentials sent without TLS to an endpoint that is not loopback can be read by anyone on
// the path, so clients refuse that unless the user allowed it explicitly
// (ClientOptions::allow_insecure_plaintext, wardenctl's --insecure-plaintext).
bool IsLoopbackEndpoint(absl::string_view endpoint);

}  // namespace warden
