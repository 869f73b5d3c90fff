// The address classifier behind the SSRF defence: every range Warden
// refuses, in IPv4, IPv6 and the IPv6 forms that reach an IPv4 address.

#include "server/oidc/address_policy.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <string>

namespace warden::oidc {
namespace {

AddressKind Kind(const std::string& text) {
  const std::optional<AddressKind> kind = ClassifyAddressText(text);
  INFO(text);
  REQUIRE(kind.has_value());
  return *kind;
}

TEST_CASE("IPv4: each special range, at both ends, and its neighbours", "[address_policy]") {
  const auto [address, kind] = GENERATE(table<const char*, AddressKind>({
      {"127.0.0.1", AddressKind::kLoopback},
      {"127.255.255.254", AddressKind::kLoopback},
      {"10.0.0.0", AddressKind::kPrivate},
      {"10.255.255.255", AddressKind::kPrivate},
      {"172.16.0.1", AddressKind::kPrivate},
      {"172.31.255.255", AddressKind::kPrivate},
      {"192.168.0.1", AddressKind::kPrivate},
      {"192.168.255.255", AddressKind::kPrivate},
      {"169.254.169.254", AddressKind::kLinkLocal},  // The cloud metadata service.
      {"169.254.0.0", AddressKind::kLinkLocal},
      {"100.64.0.1", AddressKind::kSharedAddressSpace},
      {"100.127.255.255", AddressKind::kSharedAddressSpace},
      {"0.0.0.0", AddressKind::kUnspecified},
      {"0.1.2.3", AddressKind::kUnspecified},
      {"224.0.0.1", AddressKind::kMulticast},
      {"239.255.255.250", AddressKind::kMulticast},
      {"255.255.255.255", AddressKind::kReserved},
      {"240.0.0.1", AddressKind::kReserved},
      {"192.0.2.1", AddressKind::kReserved},
      {"198.18.0.1", AddressKind::kReserved},
      // Just outside each range: public.
      {"126.255.255.255", AddressKind::kPublic},
      {"128.0.0.1", AddressKind::kPublic},
      {"11.0.0.1", AddressKind::kPublic},
      {"172.15.255.255", AddressKind::kPublic},
      {"172.32.0.1", AddressKind::kPublic},
      {"192.167.255.255", AddressKind::kPublic},
      {"169.253.255.255", AddressKind::kPublic},
      {"100.63.255.255", AddressKind::kPublic},
      {"100.128.0.1", AddressKind::kPublic},
      {"223.255.255.255", AddressKind::kPublic},
      {"8.8.8.8", AddressKind::kPublic},
      {"1.1.1.1", AddressKind::kPublic},
  }));
  CAPTURE(address);
  CHECK(Kind(address) == kind);
}

TEST_CASE("IPv6: each special range, and the forms that carry an IPv4 address",
          "[address_policy]") {
  const auto [address, kind] = GENERATE(table<const char*, AddressKind>({
      {"::1", AddressKind::kLoopback},
      {"::", AddressKind::kUnspecified},
      {"fc00::1", AddressKind::kPrivate},
      {"fdff:ffff::1", AddressKind::kPrivate},
      {"fe80::1", AddressKind::kLinkLocal},
      {"febf:ffff::1", AddressKind::kLinkLocal},
      {"fec0::1", AddressKind::kPrivate},
      {"ff02::1", AddressKind::kMulticast},
      {"2001:db8::1", AddressKind::kReserved},
      {"2001::1", AddressKind::kReserved},  // Teredo
      {"4000::1", AddressKind::kReserved},  // Outside 2000::/3: not global unicast.
      {"2606:4700:4700::1111", AddressKind::kPublic},
      {"2a00:1450:4001::1", AddressKind::kPublic},
      // IPv4-mapped: the IPv4 address decides, whatever it is.
      {"::ffff:127.0.0.1", AddressKind::kLoopback},
      {"::ffff:7f00:1", AddressKind::kLoopback},
      {"::ffff:10.1.2.3", AddressKind::kPrivate},
      {"::ffff:172.16.0.1", AddressKind::kPrivate},
      {"::ffff:192.168.1.1", AddressKind::kPrivate},
      {"::ffff:169.254.169.254", AddressKind::kLinkLocal},
      {"::ffff:100.64.0.1", AddressKind::kSharedAddressSpace},
      {"::ffff:0.0.0.0", AddressKind::kUnspecified},
      {"::ffff:224.0.0.1", AddressKind::kMulticast},
      {"::ffff:8.8.8.8", AddressKind::kPublic},
      // IPv4-compatible (deprecated), IPv4-translated, NAT64 and 6to4.
      {"::127.0.0.1", AddressKind::kLoopback},
      {"::10.0.0.1", AddressKind::kPrivate},
      {"::ffff:0:169.254.169.254", AddressKind::kLinkLocal},
      {"64:ff9b::127.0.0.1", AddressKind::kLoopback},
      {"64:ff9b::a9fe:a9fe", AddressKind::kLinkLocal},
      {"64:ff9b::8.8.8.8", AddressKind::kPublic},
      {"64:ff9b:1::1", AddressKind::kPrivate},
      {"2002:7f00:1::1", AddressKind::kLoopback},
      {"2002:c0a8:101::1", AddressKind::kPrivate},
      {"2002:808:808::1", AddressKind::kPublic},
  }));
  CAPTURE(address);
  CHECK(Kind(address) == kind);
}

TEST_CASE("Socket addresses are classified as libcurl hands them over", "[address_policy]") {
  sockaddr_in v4 = {};
  v4.sin_family = AF_INET;
  v4.sin_port = htons(443);
  REQUIRE(inet_pton(AF_INET, "169.254.169.254", &v4.sin_addr) == 1);
  const auto* any = reinterpret_cast<const sockaddr*>(&v4);
  CHECK(ClassifySocketAddress(any, sizeof(v4)) == AddressKind::kLinkLocal);
  CHECK(SocketAddressText(any, sizeof(v4)) == "169.254.169.254");
  CHECK(ClassifySocketAddress(any, sizeof(v4) - 1) == AddressKind::kReserved);  // Truncated.

  sockaddr_in6 v6 = {};
  v6.sin6_family = AF_INET6;
  REQUIRE(inet_pton(AF_INET6, "::ffff:10.0.0.7", &v6.sin6_addr) == 1);
  any = reinterpret_cast<const sockaddr*>(&v6);
  CHECK(ClassifySocketAddress(any, sizeof(v6)) == AddressKind::kPrivate);
  CHECK(SocketAddressText(any, sizeof(v6)) == "::ffff:10.0.0.7");

  sockaddr unix_socket = {};
  unix_socket.sa_family = AF_UNIX;
  CHECK(ClassifySocketAddress(&unix_socket, sizeof(unix_socket)) == AddressKind::kReserved);
  CHECK(SocketAddressText(&unix_socket, sizeof(unix_socket)) == "?");
  CHECK_FALSE(ClassifyAddressText("localhost").has_value());  // Names are resolved first.
  CHECK_FALSE(ClassifyAddressText("").has_value());
}

TEST_CASE("Private kinds need the operator's consent, and some kinds are never allowed",
          "[address_policy]") {
  CHECK(AddressAllowed(AddressKind::kPublic, false));
  for (const AddressKind kind : {AddressKind::kLoopback, AddressKind::kPrivate,
                                 AddressKind::kLinkLocal, AddressKind::kSharedAddressSpace}) {
    CAPTURE(AddressKindName(kind));
    CHECK_FALSE(AddressAllowed(kind, false));
    CHECK(AddressAllowed(kind, true));
  }
  for (const AddressKind kind :
       {AddressKind::kUnspecified, AddressKind::kMulticast, AddressKind::kReserved}) {
    CAPTURE(AddressKindName(kind));
    CHECK_FALSE(AddressAllowed(kind, false));
    CHECK_FALSE(AddressAllowed(kind, true));
  }
}

}  // namespace
}  // namespace warden::oidc
