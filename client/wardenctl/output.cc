#include "client/wardenctl/output.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "glog/logging.h"

namespace warden::cli {
namespace {

constexpr char kColumnGap[] = "   ";

std::string Clean(const std::string& cell) {
  std::string out = cell;
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return out;
}

// Characters in UTF-8 text: bytes that do not continue a multi-byte sequence.
size_t DisplayWidth(const std::string& text) {
  return std::count_if(text.begin(), text.end(),
                       [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
}

void AppendRow(const std::vector<std::string>& cells, const std::vector<size_t>& widths,
               std::string* out) {
  for (size_t i = 0; i < cells.size(); ++i) {
    out->append(cells[i]);
    if (i + 1 == cells.size()) break;
    out->append(widths[i] - DisplayWidth(cells[i]), ' ');
    out->append(kColumnGap);
  }
  out->push_back('\n');
}

}  // namespace

Table::Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}

void Table::AddRow(std::vector<std::string> cells) {
  CHECK_EQ(cells.size(), headers_.size());
  for (std::string& cell : cells) cell = Clean(cell);
  rows_.push_back(std::move(cells));
}

std::string Table::Render() const {
  std::vector<size_t> widths;
  for (const std::string& header : headers_) widths.push_back(DisplayWidth(header));
  for (const auto& row : rows_) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], DisplayWidth(row[i]));
  }
  std::string out;
  AppendRow(headers_, widths, &out);
  for (const auto& row : rows_) AppendRow(row, widths, &out);
  return out;
}

std::string RenderFields(const std::vector<std::pair<std::string, std::string>>& fields) {
  size_t width = 0;
  for (const auto& [key, value] : fields) width = std::max(width, DisplayWidth(key));
  std::string out;
  for (const auto& [key, value] : fields) {
    std::string cleaned = Clean(value);
    absl::StrAppend(&out, key);
    if (!cleaned.empty()) {
      out.append(width - DisplayWidth(key), ' ');
      absl::StrAppend(&out, kColumnGap, cleaned);
    }
    out.push_back('\n');
  }
  return out;
}

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  std::string json;
  // Fails only for messages that cannot be represented (e.g. a timestamp out of range),
  // which a Warden server never sends.
  CHECK(google::protobuf::util::MessageToJsonString(message, &json, options).ok());
  // protobuf indents by one space; re-indent by two, keeping the fields' order.
  return nlohmann::ordered_json::parse(json).dump(2) + "\n";
}

std::string FormatTimestamp(const google::protobuf::Timestamp& timestamp,
                            const std::string& unset) {
  if (timestamp.seconds() == 0 && timestamp.nanos() == 0) return unset;
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(timestamp.seconds()),
                          absl::UTCTimeZone());
}

std::string FormatTimeLeft(absl::Duration left) {
  if (left <= absl::ZeroDuration()) return "0m";
  if (left < absl::Minutes(1)) return "<1m";
  if (left == absl::InfiniteDuration()) return "forever";
  const int64_t minutes = absl::ToInt64Minutes(left);
  const int64_t hours = minutes / 60;
  const int64_t days = hours / 24;
  if (days > 0) return absl::StrCat(days, "d ", hours % 24, "h");
  if (hours > 0) return absl::StrCat(hours, "h ", minutes % 60, "m");
  return absl::StrCat(minutes, "m");
}

std::string AccessLevelName(v1::AccessLevel level) {
  switch (level) {
    case v1::ACCESS_LEVEL_READ_ACCESS:
      return "read";
    case v1::ACCESS_LEVEL_READ_WRITE_ACCESS:
      return "read-write";
    case v1::ACCESS_LEVEL_NO_ACCESS:
      return "none";
    default:
      return "unspecified";
  }
}

}  // namespace warden::cli
