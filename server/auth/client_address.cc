#include "server/auth/client_address.h"

#include <arpa/inet.h>

#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace warden {
namespace {

// "ipv4:10.0.0.7:51234" -> "10.0.0.7"; "ipv6:[::1]:51234" -> "::1".
std::string HostOf(const std::string& peer, size_t scheme_end) {
  std::string rest = peer.substr(scheme_end + 1);
  if (!rest.empty() && rest.front() == '[') {
    const size_t close = rest.find(']');
    return close == std::string::npos ? rest : rest.substr(1, close - 1);
  }
  const size_t colon = rest.rfind(':');
  return colon == std::string::npos ? rest : rest.substr(0, colon);
}

std::string V4(const unsigned char* bytes) {
  char text[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, bytes, text, sizeof(text));
  return absl::StrCat("ipv4:", text);
}

}  // namespace

std::string ClientNetwork(const std::string& peer) {
  const size_t scheme_end = peer.find(':');
  if (scheme_end == std::string::npos) return peer;
  const std::string host = HostOf(peer, scheme_end);
  unsigned char bytes[16] = {};
  if (absl::StartsWith(peer, "ipv4:") && inet_pton(AF_INET, host.c_str(), bytes) == 1) {
    return V4(bytes);
  }
  // A zone ("fe80::1%eth0") is not part of the address.
  const std::string address = host.substr(0, host.find('%'));
  if (absl::StartsWith(peer, "ipv6:") && inet_pton(AF_INET6, address.c_str(), bytes) == 1) {
    static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(bytes, kMapped, sizeof(kMapped)) == 0) return V4(bytes + 12);
    std::memset(bytes + 8, 0, 8);
    char text[INET6_ADDRSTRLEN] = {};
    inet_ntop(AF_INET6, bytes, text, sizeof(text));
    return absl::StrCat("ipv6:", text, "/64");
  }
  return peer;
}

}  // namespace warden
