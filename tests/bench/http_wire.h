#pragma once

// HTTP/1.1 on the wire, as little of it as warden-bench's own client needs: one request
// written out in full, and the head of an answer framed by Content-Length (what
// cpp-httplib's server sends for a body set in one piece). No chunked answers, no pipelining.

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace warden::bench {

// One request, sent again and again.
struct HttpCall {
  std::string method;  // "GET" or "POST"
  std::string target;  // path and query, e.g. "/hello?bytes=500"
  std::vector<std::pair<std::string, std::string>> headers;  // beyond Host and Content-Length
  std::string content_type;                                  // POST only
  std::string body;                                          // POST only
};

// `call` as bytes, with Host `host` and, for a POST, Content-Type and Content-Length.
std::string WireRequest(const HttpCall& call, const std::string& host);

// The status line and header fields of an answer.
struct ResponseHead {
  int status = 0;
  size_t head_bytes = 0;      // up to and including the blank line
  size_t content_length = 0;  // 0 when absent
  bool close = false;         // "Connection: close": the server closes after this answer
};

// The head at the start of `received`: nullopt while the blank line has not arrived yet;
// INVALID_ARGUMENT for a malformed head or framing the bench does not read (chunked).
absl::StatusOr<std::optional<ResponseHead>> ParseResponseHead(absl::string_view received);

}  // namespace warden::bench
