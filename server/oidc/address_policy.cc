#include "server/oidc/address_policy.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstddef>
#include <cstring>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "glog/logging.h"

namespace warden::oidc {
namespace {

struct Range {
  const char* cidr;
  AddressKind kind;
};

// First match wins. From the IANA special-purpose registries (RFC 6890 and updates).
constexpr Range kIpv4Ranges[] = {
    {"0.0.0.0/8", AddressKind::kUnspecified},
    {"10.0.0.0/8", AddressKind::kPrivate},
    {"100.64.0.0/10", AddressKind::kSharedAddressSpace},
    {"127.0.0.0/8", AddressKind::kLoopback},
    {"169.254.0.0/16", AddressKind::kLinkLocal},
    {"172.16.0.0/12", AddressKind::kPrivate},
    {"192.0.0.0/24", AddressKind::kReserved},
    {"192.0.2.0/24", AddressKind::kReserved},
    {"192.88.99.0/24", AddressKind::kReserved},
    {"192.168.0.0/16", AddressKind::kPrivate},
    {"198.18.0.0/15", AddressKind::kReserved},
    {"198.51.100.0/24", AddressKind::kReserved},
    {"203.0.113.0/24", AddressKind::kReserved},
    {"224.0.0.0/4", AddressKind::kMulticast},
    {"240.0.0.0/4", AddressKind::kReserved},
};

// The forms that embed an IPv4 address are handled before this table.
constexpr Range kIpv6Ranges[] = {
    {"::/128", AddressKind::kUnspecified},     {"::1/128", AddressKind::kLoopback},
    {"64:ff9b:1::/48", AddressKind::kPrivate}, {"100::/64", AddressKind::kReserved},
    {"2001::/23", AddressKind::kReserved},  // Teredo, benchmarking, ORCHID and friends.
    {"2001:db8::/32", AddressKind::kReserved}, {"2000::/3", AddressKind::kPublic},
    {"fc00::/7", AddressKind::kPrivate},       {"fe80::/10", AddressKind::kLinkLocal},
    {"fec0::/10", AddressKind::kPrivate},  // Site-local: deprecated, still routed in places.
    {"ff00::/8", AddressKind::kMulticast},
};

struct Prefix {
  uint8_t bytes[16] = {};
  int bits = 0;
  AddressKind kind = AddressKind::kReserved;
};

std::vector<Prefix> ParseRanges(const Range* ranges, size_t count, int family) {
  std::vector<Prefix> out;
  for (size_t i = 0; i < count; ++i) {
    const std::vector<std::string> parts = absl::StrSplit(ranges[i].cidr, '/');
    Prefix prefix;
    prefix.kind = ranges[i].kind;
    CHECK(parts.size() == 2 && inet_pton(family, parts[0].c_str(), prefix.bytes) == 1 &&
          absl::SimpleAtoi(parts[1], &prefix.bits))
        << ranges[i].cidr;
    out.push_back(prefix);
  }
  return out;
}

bool Matches(const uint8_t* address, const Prefix& prefix) {
  const int whole = prefix.bits / 8;
  if (std::memcmp(address, prefix.bytes, whole) != 0) return false;
  const int rest = prefix.bits % 8;
  if (rest == 0) return true;
  const uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (address[whole] & mask) == (prefix.bytes[whole] & mask);
}

AddressKind Lookup(const uint8_t* address, const std::vector<Prefix>& table,
                   AddressKind otherwise) {
  for (const Prefix& prefix : table) {
    if (Matches(address, prefix)) return prefix.kind;
  }
  return otherwise;
}

// The IPv4 address an IPv6 address carries, for the forms that reach one.
std::optional<in_addr_t> EmbeddedIpv4(const uint8_t (&a)[16]) {
  static const uint8_t kZero[12] = {};
  in_addr_t v4 = 0;
  const auto at = [&](int offset) {
    std::memcpy(&v4, a + offset, 4);
    return std::optional<in_addr_t>(v4);
  };
  const bool zero_80 = std::memcmp(a, kZero, 10) == 0;
  if (zero_80 && a[10] == 0xff && a[11] == 0xff) return at(12);  // ::ffff:a.b.c.d (mapped)
  if (std::memcmp(a, kZero, 8) == 0 && a[8] == 0xff && a[9] == 0xff && a[10] == 0 && a[11] == 0) {
    return at(12);  // ::ffff:0:a.b.c.d (translated, RFC 2765)
  }
  static const uint8_t kNat64[12] = {0x00, 0x64, 0xff, 0x9b};
  if (std::memcmp(a, kNat64, 12) == 0) return at(12);  // 64:ff9b::a.b.c.d (NAT64)
  if (a[0] == 0x20 && a[1] == 0x02) return at(2);      // 2002:aabb:ccdd::/48 (6to4)
  // ::a.b.c.d (IPv4-compatible, deprecated), but not :: and ::1 themselves.
  if (std::memcmp(a, kZero, 12) == 0 && !(a[12] == 0 && a[13] == 0 && a[14] == 0 && a[15] <= 1)) {
    return at(12);
  }
  return std::nullopt;
}

// The raw address of a socket address: 4 bytes (IPv4, in v4) or 16 (IPv6, in v6); size 0
// for other families and short lengths. Copied out, as a sockaddr may be unaligned for them.
struct IpBytes {
  size_t size = 0;
  union {
    uint8_t v4[4];
    uint8_t v6[16];
  };
};
IpBytes AddressOf(const sockaddr* address, socklen_t length) {
  IpBytes ip;
  if (address == nullptr) return ip;
  if (address->sa_family == AF_INET && length >= sizeof(sockaddr_in)) {
    std::memcpy(ip.v4, reinterpret_cast<const char*>(address) + offsetof(sockaddr_in, sin_addr), 4);
    ip.size = 4;
  } else if (address->sa_family == AF_INET6 && length >= sizeof(sockaddr_in6)) {
    std::memcpy(ip.v6, reinterpret_cast<const char*>(address) + offsetof(sockaddr_in6, sin6_addr),
                16);
    ip.size = 16;
  }
  return ip;
}

}  // namespace

std::string_view AddressKindName(AddressKind kind) {
  switch (kind) {
    case AddressKind::kPublic:
      return "public";
    case AddressKind::kLoopback:
      return "loopback";
    case AddressKind::kPrivate:
      return "private";
    case AddressKind::kLinkLocal:
      return "link-local";
    case AddressKind::kSharedAddressSpace:
      return "shared address space";
    case AddressKind::kUnspecified:
      return "unspecified";
    case AddressKind::kMulticast:
      return "multicast";
    case AddressKind::kReserved:
      return "reserved";
  }
  return "reserved";
}

AddressKind ClassifyIpv4(const uint8_t (&address)[4]) {
  static const auto* const table =
      new std::vector<Prefix>(ParseRanges(kIpv4Ranges, std::size(kIpv4Ranges), AF_INET));
  return Lookup(address, *table, AddressKind::kPublic);
}

AddressKind ClassifyIpv6(const uint8_t (&address)[16]) {
  if (const std::optional<in_addr_t> v4 = EmbeddedIpv4(address); v4.has_value()) {
    uint8_t bytes[4];
    std::memcpy(bytes, &*v4, 4);
    return ClassifyIpv4(bytes);
  }
  static const auto* const table =
      new std::vector<Prefix>(ParseRanges(kIpv6Ranges, std::size(kIpv6Ranges), AF_INET6));
  // Outside 2000::/3 nothing is assigned for global unicast.
  return Lookup(address, *table, AddressKind::kReserved);
}

AddressKind ClassifySocketAddress(const sockaddr* address, socklen_t length) {
  const IpBytes ip = AddressOf(address, length);
  if (ip.size == 4) return ClassifyIpv4(ip.v4);
  if (ip.size == 16) return ClassifyIpv6(ip.v6);
  return AddressKind::kReserved;
}

std::optional<AddressKind> ClassifyAddressText(std::string_view text) {
  const std::string copy(text);
  uint8_t v4[4];
  if (inet_pton(AF_INET, copy.c_str(), v4) == 1) return ClassifyIpv4(v4);
  uint8_t v6[16];
  if (inet_pton(AF_INET6, copy.c_str(), v6) == 1) return ClassifyIpv6(v6);
  return std::nullopt;
}

std::string SocketAddressText(const sockaddr* address, socklen_t length) {
  const IpBytes ip = AddressOf(address, length);
  char text[INET6_ADDRSTRLEN] = {};
  if (ip.size == 0 ||
      inet_ntop(ip.size == 4 ? AF_INET : AF_INET6, ip.v6, text, sizeof(text)) == nullptr) {
    return "?";
  }
  return text;
}

bool AddressAllowed(AddressKind kind, bool allow_private) {
  switch (kind) {
    case AddressKind::kPublic:
      return true;
    case AddressKind::kLoopback:
    case AddressKind::kPrivate:
    case AddressKind::kLinkLocal:
    case AddressKind::kSharedAddressSpace:
      return allow_private;
    case AddressKind::kUnspecified:
    case AddressKind::kMulticast:
    case AddressKind::kReserved:
      return false;
  }
  return false;
}

}  // namespace warden::oidc
