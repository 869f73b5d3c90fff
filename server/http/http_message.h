#pragma once

#include <algorithm>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"

namespace warden::http {

// Orders header names as HTTP compares them: ignoring ASCII case (RFC 9110 §5.1). The same
// order as cpp-httplib's own header map, so that the listener copies that map's fields in
// order, without lower-casing any. Transparent: names are looked up without a copy.
struct HeaderNameLess {
  using is_transparent = void;
  bool operator()(absl::string_view a, absl::string_view b) const {
    const size_t common = std::min(a.size(), b.size());
    for (size_t i = 0; i < common; ++i) {
      const unsigned char x = static_cast<unsigned char>(absl::ascii_tolower(a[i]));
      const unsigned char y = static_cast<unsigned char>(absl::ascii_tolower(b[i]));
      if (x != y) return x < y;
    }
    return a.size() < b.size();
  }
};

// Header fields by name, compared ignoring case; several fields may share a name.
using HeaderMap = std::multimap<std::string, std::string, HeaderNameLess>;

// An HTTP request as the handlers see it, apart from the server library that parsed it, so
// that routing and every handler are tested without sockets.
struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // decoded, without the query
  std::multimap<std::string, std::string> query;
  HeaderMap headers;  // names as sent, looked up ignoring case
  std::string body;
  std::string remote_addr;  // "10.0.0.7", "::1"
  int remote_port = 0;

  // Every value of header `name` (any case), in the order sent.
  std::vector<std::string> HeaderValues(absl::string_view name) const {
    std::vector<std::string> values;
    auto [begin, end] = headers.equal_range(name);
    for (auto it = begin; it != end; ++it) values.push_back(it->second);
    return values;
  }
  // The one value of header `name` (any case), or nullopt when absent (or sent more than
  // once).
  std::optional<std::string> Header(absl::string_view name) const {
    auto [begin, end] = headers.equal_range(name);
    if (begin == end || std::next(begin) != end) return std::nullopt;
    return begin->second;
  }
  // How many fields named `name` (any case) the request has.
  size_t HeaderCount(absl::string_view name) const {
    auto [begin, end] = headers.equal_range(name);
    return static_cast<size_t>(std::distance(begin, end));
  }
  // The first value of query parameter `name`.
  std::optional<std::string> Query(absl::string_view name) const {
    auto it = query.find(std::string(name));
    if (it == query.end()) return std::nullopt;
    return it->second;
  }
  // The peer as gRPC names it ("ipv4:10.0.0.7:5000", "ipv6:[::1]:5000"), for the gate.
  std::string Peer() const {
    const bool v6 = remote_addr.find(':') != std::string::npos;
    return v6 ? "ipv6:[" + remote_addr + "]:" + std::to_string(remote_port)
              : "ipv4:" + remote_addr + ":" + std::to_string(remote_port);
  }
};

// An HTTP answer.
struct HttpResponse {
  int status = 200;
  std::multimap<std::string, std::string> headers;  // names as sent
  std::string body;
  std::string content_type = "application/json";

  void SetHeader(const std::string& name, const std::string& value) {
    headers.erase(name);
    headers.emplace(name, value);
  }
};

}  // namespace warden::http
