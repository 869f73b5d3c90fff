#include "declarative/yaml_reader.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "domain/names.h"

namespace warden::declarative_internal {
namespace {

constexpr size_t kMaxQuotedBytes = 64;

// "a string", "a list", ... for "x must be a mapping, not a list".
const char* KindOf(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return "a string";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      break;
  }
  return "empty";
}

}  // namespace

int LineOf(const YAML::Mark& mark) { return mark.is_null() ? 0 : mark.line + 1; }

std::string Quote(absl::string_view text) {
  const bool cut = text.size() > kMaxQuotedBytes;
  return absl::StrCat("\"", absl::Utf8SafeCEscape(text.substr(0, kMaxQuotedBytes)),
                      cut ? "...\"" : "\"");
}

const Field* FindField(const std::vector<Field>& fields, absl::string_view key) {
  for (const Field& field : fields) {
    if (field.key == key) return field.value.IsNull() ? nullptr : &field;
  }
  return nullptr;
}

YamlReader::YamlReader(std::string source_name, size_t max_work)
    : source_name_(std::move(source_name)), work_left_(max_work) {}

absl::Status YamlReader::Error(const YAML::Mark& at, absl::string_view context,
                               absl::string_view problem) const {
  const int line = LineOf(at);
  return absl::InvalidArgumentError(absl::StrCat(source_name_, line > 0 ? ":" : "",
                                                 line > 0 ? absl::StrCat(line) : "", ": ", context,
                                                 context.empty() ? "" : ": ", problem));
}

absl::Status YamlReader::Spend(const YAML::Mark& at, size_t units) {
  if (units > work_left_) {
    return Error(at, "", "the configuration expands to too much data (through aliases?)");
  }
  work_left_ -= units;
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Field>> YamlReader::Mapping(
    const YAML::Node& node, const YAML::Mark& at, absl::string_view context, absl::string_view what,
    std::initializer_list<absl::string_view> allowed) {
  std::vector<Field> fields;
  if (node.IsNull()) return fields;
  if (!node.IsMap()) {
    return Error(at, context, absl::StrCat(what, " must be a mapping, not ", KindOf(node)));
  }
  std::map<std::string, int> lines;  // key -> line, to report repeated keys
  // Range-for keeps each entry alive; `it->first` would point into a dead temporary proxy.
  for (const auto& entry : node) {
    const YAML::Node& key = entry.first;
    if (!key.IsScalar() || key.Scalar().empty()) {
      return Error(key.Mark(), context, "keys must be non-empty strings");
    }
    if (absl::Status spent = Spend(key.Mark(), 1 + key.Scalar().size()); !spent.ok()) {
      return spent;
    }
    const std::string& name = key.Scalar();
    // yaml-cpp passes invalid UTF-8 and NUL through; storage and the API could not hold them.
    if (!IsValidUtf8(name) || name.find('\0') != std::string::npos) {
      return Error(key.Mark(), context, "keys must be valid UTF-8 without NUL characters");
    }
    if (allowed.size() > 0 && std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      return Error(key.Mark(), context,
                   absl::StrCat("unknown key ", Quote(name), " (expected one of ",
                                absl::StrJoin(allowed, ", "), ")"));
    }
    if (auto [earlier, added] = lines.emplace(name, LineOf(key.Mark())); !added) {
      return Error(key.Mark(), context,
                   absl::StrCat("key ", Quote(name), " appears twice (first on line ",
                                earlier->second, ")"));
    }
    fields.push_back(Field{name, key.Mark(), entry.second});
  }
  return fields;
}

absl::StatusOr<std::vector<YAML::Node>> YamlReader::Sequence(const YAML::Node& node,
                                                             const YAML::Mark& at,
                                                             absl::string_view context,
                                                             absl::string_view what) {
  std::vector<YAML::Node> items;
  if (node.IsNull()) return items;
  if (!node.IsSequence()) {
    return Error(at, context, absl::StrCat(what, " must be a list, not ", KindOf(node)));
  }
  for (const YAML::Node& item : node) {
    // An empty item's mark is that of the next token, so point at the list and count.
    if (item.IsNull()) {
      return Error(at, context, absl::StrCat("item ", items.size() + 1, " of ", what, " is empty"));
    }
    if (absl::Status spent = Spend(item.Mark(), 1); !spent.ok()) return spent;
    items.push_back(item);
  }
  return items;
}

absl::StatusOr<std::string> YamlReader::String(const YAML::Node& node, const YAML::Mark& at,
                                               absl::string_view context, absl::string_view what) {
  if (!node.IsScalar()) {
    return Error(at, context, absl::StrCat(what, " must be a string, not ", KindOf(node)));
  }
  // Spend before copying: the budget is what bounds the copies.
  if (absl::Status spent = Spend(at, node.Scalar().size()); !spent.ok()) return spent;
  // yaml-cpp passes invalid UTF-8 through (raw bytes, and "\N" becomes a lone 0x85 byte),
  // and NUL ("\0"): PostgreSQL text holds neither, and would only fail (or cut the text) when
  // the file is applied, without a line number.
  if (!IsValidUtf8(node.Scalar())) {
    return Error(at, context, absl::StrCat(what, " is not valid UTF-8"));
  }
  if (node.Scalar().find('\0') != std::string::npos) {
    return Error(at, context, absl::StrCat(what, " must not contain NUL characters"));
  }
  return node.Scalar();
}

}  // namespace warden::declarative_internal
