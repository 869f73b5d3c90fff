#include "tests/bench/http_wire.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace warden::bench {

std::string WireRequest(const HttpCall& call, const std::string& host) {
  std::string out = absl::StrCat(call.method, " ", call.target, " HTTP/1.1\r\nHost: ", host,
                                 "\r\nUser-Agent: warden-bench\r\nAccept: */*\r\n");
  for (const auto& [name, value] : call.headers) absl::StrAppend(&out, name, ": ", value, "\r\n");
  if (call.method != "GET") {
    absl::StrAppend(&out, "Content-Type: ", call.content_type,
                    "\r\nContent-Length: ", call.body.size(), "\r\n");
  }
  absl::StrAppend(&out, "\r\n", call.body);
  return out;
}

absl::StatusOr<std::optional<ResponseHead>> ParseResponseHead(absl::string_view received) {
  const size_t end = received.find("\r\n\r\n");
  if (end == absl::string_view::npos) return std::nullopt;
  ResponseHead head;
  head.head_bytes = end + 4;
  std::vector<absl::string_view> lines = absl::StrSplit(received.substr(0, end), "\r\n");
  // "HTTP/1.1 200 OK"
  const absl::string_view status_line = lines[0];
  if (!absl::StartsWith(status_line, "HTTP/1.") || status_line.size() < 12 ||
      !absl::SimpleAtoi(status_line.substr(9, 3), &head.status)) {
    return absl::InvalidArgumentError(absl::StrCat("bad status line: ", status_line));
  }
  for (size_t i = 1; i < lines.size(); ++i) {
    const size_t colon = lines[i].find(':');
    if (colon == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat("bad header field: ", lines[i]));
    }
    const absl::string_view name = lines[i].substr(0, colon);
    const absl::string_view value = absl::StripAsciiWhitespace(lines[i].substr(colon + 1));
    if (absl::EqualsIgnoreCase(name, "content-length")) {
      if (!absl::SimpleAtoi(value, &head.content_length)) {
        return absl::InvalidArgumentError(absl::StrCat("bad Content-Length: ", value));
      }
    } else if (absl::EqualsIgnoreCase(name, "connection")) {
      head.close = absl::StrContains(absl::AsciiStrToLower(value), "close");
    } else if (absl::EqualsIgnoreCase(name, "transfer-encoding")) {
      return absl::InvalidArgumentError(
          absl::StrCat("Transfer-Encoding ", value, " is not read by warden-bench"));
    }
  }
  return head;
}

}  // namespace warden::bench
