#include "declarative/yaml_json.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "declarative/declarative_config.h"
#include "declarative/yaml_document.h"
#include "declarative/yaml_reader.h"
#include "yaml-cpp/yaml.h"

namespace warden {
namespace {

using declarative_internal::Field;
using declarative_internal::ReadYamlDocument;
using declarative_internal::YamlReader;
using Json = nlohmann::json;

// YAML 1.2's booleans, when plain (neither quoted nor tagged). YAML 1.1's yes, on and the like
// stay strings, as in YAML 1.2.
bool IsPlainBool(const YAML::Node& node, const std::string& text, bool* value) {
  if (node.Tag() != "?") return false;  // Quoted ("!") or tagged: a string.
  for (const char* spelling : {"true", "True", "TRUE"}) {
    if (text == spelling) return *value = true;
  }
  for (const char* spelling : {"false", "False", "FALSE"}) {
    if (text == spelling) {
      *value = false;
      return true;
    }
  }
  return false;
}

absl::StatusOr<Json> ToJson(YamlReader& reader, const YAML::Node& node, const YAML::Mark& at);

// `node`, which must be a mapping (`what` in errors), as an object. `at` is where it is.
absl::StatusOr<Json> MappingToJson(YamlReader& reader, const YAML::Node& node, const YAML::Mark& at,
                                   absl::string_view what) {
  ASSIGN_OR_RETURN(std::vector<Field> fields, reader.Mapping(node, at, "", what, {}));
  Json object = Json::object();
  for (const Field& field : fields) {
    ASSIGN_OR_RETURN(object[field.key], ToJson(reader, field.value, field.mark));
  }
  return object;
}

absl::StatusOr<Json> ToJson(YamlReader& reader, const YAML::Node& node, const YAML::Mark& at) {
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return Json(nullptr);
    case YAML::NodeType::Scalar: {
      ASSIGN_OR_RETURN(std::string text, reader.String(node, at, "", "a value"));
      bool value = false;
      if (IsPlainBool(node, text, &value)) return Json(value);
      return Json(std::move(text));
    }
    case YAML::NodeType::Sequence: {
      ASSIGN_OR_RETURN(std::vector<YAML::Node> items, reader.Sequence(node, at, "", "a list"));
      Json array = Json::array();
      for (const YAML::Node& item : items) {
        ASSIGN_OR_RETURN(Json value, ToJson(reader, item, item.Mark()));
        array.push_back(std::move(value));
      }
      return array;
    }
    case YAML::NodeType::Map:
      return MappingToJson(reader, node, at, "a mapping");
  }
  return reader.Error(at, "", "unexpected YAML node");
}

}  // namespace

absl::StatusOr<Json> ParseYamlObjectAsJson(absl::string_view yaml_text,
                                           absl::string_view source_name, absl::string_view what) {
  Json json;
  RETURN_IF_ERROR(ReadYamlDocument(
      yaml_text, source_name, kMaxDeclarativeConfigBytes,
      [&](YamlReader& reader, const YAML::Node& root) -> absl::Status {
        if (root.IsNull()) {
          return absl::InvalidArgumentError(absl::StrCat(source_name, ": the file is empty"));
        }
        ASSIGN_OR_RETURN(json, MappingToJson(reader, root, root.Mark(), what));
        return absl::OkStatus();
      }));
  return json;
}

}  // namespace warden
