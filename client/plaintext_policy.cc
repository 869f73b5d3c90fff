#include "client/plaintext_policy.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace warden {
namespace {

// An address literal in 127.0.0.0/8 or ::1 (also as ::ffff:127.x.y.z).
bool IsLoopbackAddress(absl::string_view host) {
  const std::string text(host);
  in_addr v4;
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6;
  if (inet_pton(AF_INET6, text.c_str(), &v6) != 1) return false;
  return IN6_IS_ADDR_LOOPBACK(&v6) || (IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127);
}

// The host of "host:port", "[v6]:port", "host" or a bare IPv6 address; "" if malformed.
absl::string_view HostOf(absl::string_view address) {
  if (absl::ConsumePrefix(&address, "[")) {
    const size_t close = address.find(']');
    return close == absl::string_view::npos ? absl::string_view() : address.substr(0, close);
  }
  if (std::count(address.begin(), address.end(), ':') > 1) return address;
  return address.substr(0, address.find(':'));
}

}  // namespace

bool IsLoopbackEndpoint(absl::string_view endpoint) {
  if (absl::StartsWith(endpoint, "unix:") || absl::StartsWith(endpoint, "unix-abstract:")) {
    return true;
  }
  absl::string_view rest = endpoint;
  if (absl::ConsumePrefix(&rest, "ipv4:") || absl::ConsumePrefix(&rest, "ipv6:")) {
    if (rest.empty()) return false;
    for (absl::string_view address : absl::StrSplit(rest, ',')) {
      if (!IsLoopbackAddress(HostOf(address))) return false;
    }
    return true;
  }
  bool names_dns_server = false;
  if (absl::ConsumePrefix(&rest, "dns:") && absl::ConsumePrefix(&rest, "//")) {
    const size_t slash = rest.find('/');
    if (slash == absl::string_view::npos) return false;
    names_dns_server = slash > 0;
    rest.remove_prefix(slash + 1);
  }
  if (absl::StrContains(rest, "://")) return false;  // another resolver's scheme
  const absl::string_view host = HostOf(rest);
  if (IsLoopbackAddress(host)) return true;
  return !names_dns_server && absl::EqualsIgnoreCase(host, "localhost");
}

}  // namespace warden
