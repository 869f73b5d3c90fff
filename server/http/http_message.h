#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"

namespace warden::http {

// An HTTP request as the handlers see it, apart from the server library that parsed it, so
// that routing and every handler are tested without sockets.
struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // decoded, without the query
  std::multimap<std::string, std::string> query;
  std::multimap<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string remote_addr;  // "10.0.0.7", "::1"
  int remote_port = 0;

  // Every value of header `name` (lower case), in the order sent.
  std::vector<std::string> HeaderValues(absl::string_view name) const {
    std::vector<std::string> values;
    auto [begin, end] = headers.equal_range(std::string(name));
    for (auto it = begin; it != end; ++it) values.push_back(it->second);
    return values;
  }
  // The one value of header `name`, or nullopt when absent (or sent more than once).
  std::optional<std::string> Header(absl::string_view name) const {
    if (headers.count(std::string(name)) != 1) return std::nullopt;
    return headers.find(std::string(name))->second;
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
