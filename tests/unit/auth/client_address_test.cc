#include "server/auth/client_address.h"

#include <catch2/catch.hpp>

namespace warden {
namespace {

TEST_CASE("an IPv4 client is its address without the port") {
  CHECK(ClientNetwork("ipv4:10.0.0.7:51234") == "ipv4:10.0.0.7");
  CHECK(ClientNetwork("ipv4:10.0.0.7:1") == ClientNetwork("ipv4:10.0.0.7:2"));
  CHECK(ClientNetwork("ipv4:10.0.0.7:1") != ClientNetwork("ipv4:10.0.0.8:1"));
}

TEST_CASE("IPv6 clients in one /64 are one network, so a /64 gets one budget") {
  CHECK(ClientNetwork("ipv6:[2001:db8:1:2::1]:443") == "ipv6:2001:db8:1:2::/64");
  CHECK(ClientNetwork("ipv6:[2001:db8:1:2:ffff:ffff:ffff:ffff]:9") ==
        ClientNetwork("ipv6:[2001:db8:1:2::1]:443"));
  CHECK(ClientNetwork("ipv6:[2001:db8:1:3::1]:443") != ClientNetwork("ipv6:[2001:db8:1:2::1]:443"));
  CHECK(ClientNetwork("ipv6:[fe80::1%25eth0]:1") == "ipv6:fe80::/64");
}

TEST_CASE("an IPv4-mapped IPv6 client counts as its IPv4 address") {
  CHECK(ClientNetwork("ipv6:[::ffff:10.0.0.7]:5000") == "ipv4:10.0.0.7");
}

TEST_CASE("a peer that is no IP address is kept whole") {
  CHECK(ClientNetwork("unix:/run/warden.sock") == "unix:/run/warden.sock");
  CHECK(ClientNetwork("ipv4:not-an-address:1") == "ipv4:not-an-address:1");
  CHECK(ClientNetwork("") == "");
}

}  // namespace
}  // namespace warden
