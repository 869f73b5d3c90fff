#pragma once

// Which network addresses Warden may connect to when it fetches from an outside OIDC issuer.
// An M2M configuration names one URL and the issuer's discovery document
// names another (jwks_uri): without this rule, whoever writes either could make Warden reach
// the cloud metadata service, PostgreSQL, or anything else on its own network, and learn from
// the answers what listens there. The fetcher applies it to each address it is about to
// connect to, after DNS resolution, so a name that resolves elsewhere on a second lookup (DNS
// rebinding) gains nothing.

#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace warden::oidc {

enum class AddressKind {
  kPublic,              // Global unicast: none of the below.
  kLoopback,            // 127.0.0.0/8, ::1
  kPrivate,             // 10/8, 172.16/12, 192.168/16, fc00::/7, fec0::/10, 64:ff9b:1::/48
  kLinkLocal,           // 169.254/16 (the cloud metadata address among them), fe80::/10
  kSharedAddressSpace,  // 100.64/10 (carrier-grade NAT, RFC 6598)
  kUnspecified,         // 0.0.0.0/8 ("this network"), ::
  kMulticast,           // 224/4, ff00::/8
  // Special-purpose ranges no issuer is served from (RFC 6890): 192.0.0/24, documentation,
  // benchmarking, 240/4 and the broadcast address, Teredo, IPv6 outside 2000::/3.
  kReserved,
};

// "public", "loopback", "private", "link-local", "shared address space", "unspecified",
// "multicast" or "reserved".
std::string_view AddressKindName(AddressKind kind);

// The kind of an IPv4 address (4 bytes, network order) or IPv6 address (16 bytes). IPv6 forms
// that carry an IPv4 address (IPv4-mapped ::ffff:a.b.c.d, IPv4-compatible ::a.b.c.d,
// IPv4-translated ::ffff:0:a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16) have the kind of the
// IPv4 address they reach.
AddressKind ClassifyIpv4(const uint8_t (&address)[4]);
AddressKind ClassifyIpv6(const uint8_t (&address)[16]);

// The kind of a socket address; families other than AF_INET and AF_INET6, and lengths too
// short for their family, are kReserved.
AddressKind ClassifySocketAddress(const sockaddr* address, socklen_t length);

// The kind of an address in text form ("10.0.0.1", "::ffff:127.0.0.1"); nullopt if `text` is
// not an IPv4 or IPv6 address.
std::optional<AddressKind> ClassifyAddressText(std::string_view text);

// The address of `address` as text ("10.0.0.1", "::1"); "?" for an unknown family. For logs.
std::string SocketAddressText(const sockaddr* address, socklen_t length);

// Whether an outgoing fetch may connect to an address of `kind`. Public addresses: always.
// Loopback, private, link-local and shared addresses: only with `allow_private` (an issuer
// inside the cluster or the company network, or a test's fake issuer). Unspecified,
// multicast and reserved: never, since no issuer is served from them, and 0.0.0.0 reaches the
// local host on Linux.
bool AddressAllowed(AddressKind kind, bool allow_private);

}  // namespace warden::oidc
