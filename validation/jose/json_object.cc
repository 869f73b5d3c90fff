#include "validation/jose/json_object.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"

namespace warden::jose {

using Json = nlohmann::json;

size_t JsonNestingDepth(std::string_view text) {
  size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '[':
      case '{':
        deepest = std::max(deepest, ++depth);
        break;
      case ']':
      case '}':
        if (depth > 0) --depth;  // Unbalanced text is the parser's to reject.
        break;
      default:
        break;
    }
  }
  return deepest;
}

std::optional<Json> ParseJsonObject(std::string_view text, size_t max_depth) {
  // nlohmann's lexer takes a NUL byte for the end of input, so `{"a":1}<NUL>anything` would
  // parse as {"a":1}, ignoring the rest. A raw NUL is never valid JSON (not even in a string).
  if (text.find('\0') != std::string_view::npos) return std::nullopt;
  if (max_depth > 0 && JsonNestingDepth(text) > max_depth) return std::nullopt;
  std::vector<absl::flat_hash_set<std::string>> open_objects;
  bool duplicate = false;
  Json::parser_callback_t on_event = [&](int /*depth*/, Json::parse_event_t event, Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start:
        open_objects.emplace_back();
        break;
      case Json::parse_event_t::object_end:
        if (!open_objects.empty()) open_objects.pop_back();
        break;
      case Json::parse_event_t::key:
        if (const auto* name = parsed.get_ptr<const std::string*>();
            name != nullptr && !open_objects.empty() && !open_objects.back().insert(*name).second) {
          duplicate = true;
        }
        break;
      default:
        break;
    }
    return true;
  };
  Json json = Json::parse(text.begin(), text.end(), on_event, /*allow_exceptions=*/false);
  if (json.is_discarded() || duplicate || !json.is_object()) return std::nullopt;
  return json;
}

}  // namespace warden::jose
