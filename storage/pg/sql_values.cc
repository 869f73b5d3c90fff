#include "storage/pg/sql_values.h"

#include <nlohmann/json.hpp>

namespace warden::storage {

namespace {

void AppendQuoted(std::string& out, const std::string& value) {
  out += '"';
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

}  // namespace

std::string TextArrayLiteral(const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    AppendQuoted(out, values[i]);
  }
  out += '}';
  return out;
}

std::string NullableArrayLiteral(const std::vector<std::optional<std::string>>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    if (values[i].has_value()) {
      AppendQuoted(out, *values[i]);
    } else {
      out += "NULL";  // unquoted: SQL NULL ("NULL" quoted is the text NULL)
    }
  }
  out += '}';
  return out;
}

absl::StatusOr<std::vector<std::string>> ParseJsonTextArray(const std::string& json) {
  const nlohmann::json parsed = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_array()) return absl::InternalError("stored array is not a JSON array");
  std::vector<std::string> out;
  out.reserve(parsed.size());
  for (const nlohmann::json& element : parsed) {
    if (!element.is_string()) return absl::InternalError("stored array has a non-text element");
    out.push_back(element.get<std::string>());
  }
  return out;
}

}  // namespace warden::storage
