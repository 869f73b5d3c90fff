#include "client/wardenctl/object_file.h"

#include <google/protobuf/util/json_util.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "client/wardenctl/role_support.h"
#include "common/status_macros.h"
#include "declarative/declarative_config.h"
#include "declarative/yaml_json.h"
#include "domain/role.h"
#include "proto/convert/convert.h"

namespace warden::cli {
namespace {

// One object is small; this leaves room under the declarative parser's own limit for the
// few bytes per line that wrapping adds.
constexpr size_t kMaxObjectFileBytes = 256 * 1024;

bool IsJson(absl::string_view text, const std::string& source_name) {
  const std::string lower = absl::AsciiStrToLower(source_name);
  if (absl::EndsWith(lower, ".json")) return true;
  if (absl::EndsWith(lower, ".yaml") || absl::EndsWith(lower, ".yml")) return false;
  return absl::StartsWith(absl::StripLeadingAsciiWhitespace(text), "{");
}

// ---- YAML: one entry of the declarative file, read by that file's parser ----

// "---" (document start) or "..." (document end) at the start of a line.
bool IsDocumentMarker(absl::string_view line) {
  return (absl::StartsWith(line, "---") || absl::StartsWith(line, "...")) &&
         (line.size() == 3 || absl::ascii_isspace(line[3]));
}

bool IsBlankOrComment(absl::string_view line) {
  line = absl::StripAsciiWhitespace(line);
  return line.empty() || line[0] == '#';
}

// `text` as the only entry of the list `key` of a declarative document:
//   key:
//     - <line 1>
//       <line 2> ...
// so the text's line N is the document's line N + 1 (FixLineNumber undoes that). Document
// markers before any content are dropped, keeping the line count.
std::string WrapEntry(absl::string_view key, absl::string_view text) {
  std::string out = absl::StrCat(key, ":\n");
  bool first = true, content_seen = false;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!content_seen && IsDocumentMarker(line)) line = "";
    content_seen = content_seen || !IsBlankOrComment(line);
    absl::StrAppend(&out, first ? "  - " : "    ", line, "\n");
    first = false;
  }
  return out;
}

// "<source>:<N>: ..." of the wrapped document -> "<source>:<N - 1>: ...".
absl::Status FixLineNumber(const absl::Status& status, const std::string& source_name) {
  absl::string_view message = status.message();
  const std::string prefix = absl::StrCat(source_name, ":");
  if (!absl::ConsumePrefix(&message, prefix)) return status;
  const size_t colon = message.find(':');
  int line = 0;
  if (colon == absl::string_view::npos || !absl::SimpleAtoi(message.substr(0, colon), &line)) {
    return status;
  }
  message.remove_prefix(colon);
  if (line <= 1) return absl::Status(status.code(), absl::StrCat(source_name, message));
  return absl::Status(status.code(), absl::StrCat(prefix, line - 1, message));
}

absl::StatusOr<DeclarativeConfig> ParseEntry(absl::string_view key, absl::string_view text,
                                             const std::string& source_name) {
  // Indented by the wrapping, a document marker would read as text: find them here.
  bool empty = true;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++number;
    const bool marker = IsDocumentMarker(line);
    if (marker && !empty) {
      return absl::InvalidArgumentError(
          absl::StrCat(source_name, ":", number, ": only one YAML document is allowed"));
    }
    if (marker) continue;  // WrapEntry drops it
    empty = empty && IsBlankOrComment(line);
  }
  if (empty) return absl::InvalidArgumentError(absl::StrCat(source_name, ": the file is empty"));
  absl::StatusOr<DeclarativeConfig> config =
      ParseDeclarativeConfig(WrapEntry(key, text), source_name);
  if (!config.ok()) return FixLineNumber(config.status(), source_name);
  return config;
}

// ---- JSON: the protobuf JSON mapping ----

// `text` as a JSON object; the object under `wrapper` when that is its only key (the shape
// `get -o json` prints).
absl::StatusOr<nlohmann::json> ParseJsonObject(absl::string_view text,
                                               const std::string& source_name,
                                               const std::string& wrapper) {
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::exception& e) {
    // "[json.exception.parse_error.101] parse error at line 1, column 2: ..."
    std::string what = e.what();
    if (const size_t end = what.find("] "); end != std::string::npos) what.erase(0, end + 2);
    return absl::InvalidArgumentError(absl::StrCat(source_name, ": ", what));
  }
  if (!json.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(source_name, ": expected a JSON object"));
  }
  if (json.size() == 1 && json.contains(wrapper) && json[wrapper].is_object()) {
    return json[wrapper];
  }
  return json;
}

template <typename Message>
absl::StatusOr<Message> JsonToMessage(const nlohmann::json& json, const std::string& source_name) {
  Message message;
  const auto status = google::protobuf::util::JsonStringToMessage(json.dump(), &message);
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        source_name, ": ", std::string(status.message().data(), status.message().size())));
  }
  return message;
}

}  // namespace

absl::StatusOr<nlohmann::json> ParseObjectAsJson(absl::string_view text,
                                                 const std::string& source_name,
                                                 const std::string& wrapper,
                                                 absl::string_view what) {
  if (IsJson(text, source_name)) return ParseJsonObject(text, source_name, wrapper);
  ASSIGN_OR_RETURN(nlohmann::json json, ParseYamlObjectAsJson(text, source_name, what));
  if (json.size() == 1 && json.contains(wrapper) && json[wrapper].is_object()) {
    return nlohmann::json(json[wrapper]);
  }
  return json;
}

absl::StatusOr<v1::PermissionSet> ParsePermissionSetText(absl::string_view text,
                                                         const std::string& source_name) {
  if (IsJson(text, source_name)) {
    ASSIGN_OR_RETURN(nlohmann::json json, ParseJsonObject(text, source_name, "permissionSet"));
    // Access levels as --grant takes them ("READ_ACCESS", "read") become the enum's names.
    for (const char* key : {"resourceToAccess", "resource_to_access"}) {
      if (!json.contains(key) || !json[key].is_object()) continue;
      for (auto& [resource, level] : json[key].items()) {
        if (!level.is_string()) continue;
        if (std::optional<v1::AccessLevel> parsed = ParseAccessLevel(level.get<std::string>())) {
          level = v1::AccessLevel_Name(*parsed);
        }
      }
    }
    return JsonToMessage<v1::PermissionSet>(json, source_name);
  }
  ASSIGN_OR_RETURN(DeclarativeConfig config, ParseEntry("permissionSets", text, source_name));
  const PermissionSetSpec& spec = config.permission_sets.at(0);
  v1::PermissionSet set;
  set.set_name(spec.name);
  set.set_description(spec.description);
  for (const auto& [resource, access] : spec.permissions) {
    (*set.mutable_resource_to_access())[resource] = ToProto(access);
  }
  return set;
}

absl::StatusOr<v1::AccessScope> ParseAccessScopeText(absl::string_view text,
                                                     const std::string& source_name) {
  if (IsJson(text, source_name)) {
    ASSIGN_OR_RETURN(nlohmann::json json, ParseJsonObject(text, source_name, "accessScope"));
    return JsonToMessage<v1::AccessScope>(json, source_name);
  }
  ASSIGN_OR_RETURN(DeclarativeConfig config, ParseEntry("accessScopes", text, source_name));
  const AccessScopeSpec& spec = config.access_scopes.at(0);
  v1::AccessScope scope;
  scope.set_name(spec.name);
  scope.set_description(spec.description);
  for (const std::string& cluster : spec.rules.clusters) {
    scope.mutable_rules()->add_clusters(cluster);
  }
  for (const NamespaceRef& ns : spec.rules.namespaces) {
    v1::NamespaceRef* ref = scope.mutable_rules()->add_namespaces();
    ref->set_cluster(ns.cluster);
    ref->set_namespace_(ns.name);
  }
  return scope;
}

absl::StatusOr<v1::Role> ParseRoleText(absl::string_view text, const std::string& source_name) {
  if (IsJson(text, source_name)) {
    ASSIGN_OR_RETURN(nlohmann::json json, ParseJsonObject(text, source_name, "role"));
    return JsonToMessage<v1::Role>(json, source_name);
  }
  ASSIGN_OR_RETURN(DeclarativeConfig config, ParseEntry("roles", text, source_name));
  const DeclarativeRoleSpec& spec = config.roles.at(0);
  v1::Role role;
  role.set_name(spec.name);
  role.set_description(spec.description);
  role.set_permission_set_id(spec.permission_set_name);
  role.set_access_scope_id(spec.access_scope_name);
  return role;
}

absl::StatusOr<std::string> ReadObjectFile(const std::string& path) {
  std::error_code ignored;
  if (std::filesystem::is_directory(path, ignored)) {
    return absl::FailedPreconditionError(absl::StrCat("cannot read ", path, ": a directory"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read ", path, ": ", std::strerror(errno)));
  }
  std::string content;
  char buffer[8192];
  while (in.read(buffer, sizeof(buffer)) || in.gcount() > 0) {
    content.append(buffer, static_cast<size_t>(in.gcount()));
    if (content.size() > kMaxObjectFileBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": larger than ", kMaxObjectFileBytes / 1024, " KiB"));
    }
  }
  if (in.bad()) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read ", path, ": ", std::strerror(errno)));
  }
  return content;
}

}  // namespace warden::cli
