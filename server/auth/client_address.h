#pragma once

#include <string>

namespace warden {

// The part of a gRPC peer ("ipv4:10.0.0.7:51234", "ipv6:[2001:db8::1]:443") that identifies
// one client network for abuse limits: an IPv4 address without its port, or an IPv6
// address's /64 prefix (one subscriber's allocation: keying by /128 would give a client
// 2^64 fresh budgets). An IPv4-mapped IPv6 address counts as the IPv4 address. Anything
// else (a Unix socket path) is returned whole. Pure function; thread-safe.
std::string ClientNetwork(const std::string& peer);

}  // namespace warden
