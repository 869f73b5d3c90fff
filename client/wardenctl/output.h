#pragma once

#include <google/protobuf/message.h>
#include <google/protobuf/timestamp.pb.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "warden/v1/access.pb.h"

namespace warden::cli {

enum class OutputFormat { kTable, kJson };

// Columns with a header row, aligned for a terminal: each column as wide as its widest
// cell (in characters, not bytes), columns three spaces apart, no trailing spaces. Control
// characters in cells print as '?', so a token name cannot move the cursor or forge rows.
class Table final {
 public:
  explicit Table(std::vector<std::string> headers);
  // REQUIRES: as many cells as headers.
  void AddRow(std::vector<std::string> cells);
  bool empty() const { return rows_.empty(); }
  // Every line ends with '\n'.
  std::string Render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// "KEY   value" lines for one object, keys aligned; the same cleaning as Table.
std::string RenderFields(const std::vector<std::pair<std::string, std::string>>& fields);

// The protobuf JSON mapping of `message` (lowerCamelCase names, enums by name, Timestamps
// as RFC 3339), indented, every field present even when it holds its default value, and a
// final newline: what `jq` expects.
std::string ToJson(const google::protobuf::Message& message);

// RFC 3339 in UTC to the second ("2030-01-01T00:00:00Z"); `unset` for a timestamp that is
// not set (all zero).
std::string FormatTimestamp(const google::protobuf::Timestamp& timestamp,
                            const std::string& unset = "-");

// How long a token has left, in its two largest units, rounded down: "1d 4h", "3h 12m",
// "45m"; "<1m" under a minute, "0m" for none (zero or negative).
std::string FormatTimeLeft(absl::Duration left);

// "read", "read-write", "none".
std::string AccessLevelName(v1::AccessLevel level);

}  // namespace warden::cli
