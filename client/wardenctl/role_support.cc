#include "client/wardenctl/role_support.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "client/wardenctl/output.h"
#include "common/status_macros.h"

namespace warden::cli {
namespace {

constexpr char kLevels[] =
    "READ_ACCESS, READ_WRITE_ACCESS or NO_ACCESS (or read, read-write, none)";
constexpr size_t kMaxListedResources = 4;

}  // namespace

std::optional<v1::AccessLevel> ParseAccessLevel(absl::string_view text) {
  std::string word = absl::StrReplaceAll(absl::AsciiStrToLower(text), {{"-", "_"}});
  if (absl::string_view(word).substr(0, 13) == "access_level_") word = word.substr(13);
  if (word == "no_access" || word == "none") return v1::ACCESS_LEVEL_NO_ACCESS;
  if (word == "read_access" || word == "read" || word == "r") return v1::ACCESS_LEVEL_READ_ACCESS;
  if (word == "read_write_access" || word == "read_write" || word == "rw") {
    return v1::ACCESS_LEVEL_READ_WRITE_ACCESS;
  }
  return std::nullopt;
}

absl::StatusOr<Grant> ParseGrant(const std::string& text) {
  const size_t equals = text.find('=');
  if (equals == std::string::npos || equals == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--grant \"", text, "\" must be RESOURCE=LEVEL, e.g. Image=READ_ACCESS or Image=read"));
  }
  const std::string level_text = text.substr(equals + 1);
  std::optional<v1::AccessLevel> level = ParseAccessLevel(level_text);
  if (!level.has_value()) {
    return absl::InvalidArgumentError(absl::StrCat("--grant \"", text, "\": the access level \"",
                                                   level_text, "\" is not ", kLevels));
  }
  return Grant{.resource = text.substr(0, equals), .level = *level};
}

absl::StatusOr<std::map<std::string, v1::AccessLevel>> ParseGrants(
    const std::vector<std::string>& values) {
  std::map<std::string, v1::AccessLevel> grants;
  for (const std::string& value : values) {
    ASSIGN_OR_RETURN(Grant grant, ParseGrant(value));
    if (!grants.emplace(grant.resource, grant.level).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("--grant names resource \"", grant.resource, "\" twice"));
    }
  }
  return grants;
}

absl::StatusOr<v1::NamespaceRef> ParseNamespace(const std::string& text) {
  const size_t slash = text.rfind('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == text.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--namespace \"", text, "\" must be CLUSTER/NAMESPACE, e.g. prod-us/payments"));
  }
  v1::NamespaceRef ref;
  ref.set_cluster(text.substr(0, slash));
  ref.set_namespace_(text.substr(slash + 1));
  return ref;
}

absl::StatusOr<std::vector<v1::NamespaceRef>> ParseNamespaces(
    const std::vector<std::string>& values) {
  std::vector<v1::NamespaceRef> refs;
  std::set<std::pair<std::string, std::string>> seen;
  for (const std::string& value : values) {
    ASSIGN_OR_RETURN(v1::NamespaceRef ref, ParseNamespace(value));
    if (!seen.emplace(ref.cluster(), ref.namespace_()).second) {
      return absl::InvalidArgumentError(absl::StrCat("--namespace \"", value, "\" given twice"));
    }
    refs.push_back(std::move(ref));
  }
  return refs;
}

absl::StatusOr<std::vector<std::string>> ParseClusters(const std::vector<std::string>& values) {
  std::set<std::string> seen;
  for (const std::string& value : values) {
    if (value.empty()) return absl::InvalidArgumentError("--cluster must not be empty");
    if (!seen.insert(value).second) {
      return absl::InvalidArgumentError(absl::StrCat("--cluster \"", value, "\" given twice"));
    }
  }
  return values;
}

std::string FormatNamespace(const v1::NamespaceRef& ref) {
  return absl::StrCat(ref.cluster(), "/", ref.namespace_());
}

std::string ShortAccessLevel(v1::AccessLevel level) {
  switch (level) {
    case v1::ACCESS_LEVEL_READ_ACCESS:
      return "R";
    case v1::ACCESS_LEVEL_READ_WRITE_ACCESS:
      return "RW";
    case v1::ACCESS_LEVEL_NO_ACCESS:
      return "none";
    default:
      return "?";
  }
}

std::string RenderAccessTable(const google::protobuf::Map<std::string, v1::AccessLevel>& map) {
  std::vector<std::pair<std::string, v1::AccessLevel>> sorted(map.begin(), map.end());
  std::sort(sorted.begin(), sorted.end());
  Table table({"RESOURCE", "ACCESS"});
  for (const auto& [resource, level] : sorted) table.AddRow({resource, AccessLevelName(level)});
  return table.Render();
}

std::string SummarizePermissions(const google::protobuf::Map<std::string, v1::AccessLevel>& map) {
  if (map.empty()) return "-";
  std::vector<std::pair<std::string, v1::AccessLevel>> sorted(map.begin(), map.end());
  std::sort(sorted.begin(), sorted.end());
  if (sorted.size() <= kMaxListedResources) {
    std::vector<std::string> cells;
    for (const auto& [resource, level] : sorted) {
      cells.push_back(absl::StrCat(resource, "=", ShortAccessLevel(level)));
    }
    return absl::StrJoin(cells, ", ");
  }
  // Highest level first.
  std::map<int, int, std::greater<int>> counts;
  for (const auto& [resource, level] : sorted) ++counts[level];
  std::vector<std::string> parts;
  for (const auto& [level, count] : counts) {
    parts.push_back(
        absl::StrCat(count, " ", ShortAccessLevel(static_cast<v1::AccessLevel>(level))));
  }
  return absl::StrCat(sorted.size(), " resources: ", absl::StrJoin(parts, ", "));
}

std::string OriginName(v1::Origin origin) {
  switch (origin) {
    case v1::ORIGIN_BUILT_IN:
      return "built-in";
    case v1::ORIGIN_API:
      return "api";
    case v1::ORIGIN_DECLARATIVE:
      return "declarative";
    default:
      return "-";
  }
}

absl::Status NotFoundByNameOrId(absl::string_view kind, const std::string& name_or_id) {
  return absl::NotFoundError(
      absl::StrCat("no ", kind, " is named or has the id \"", name_or_id, "\""));
}

absl::StatusOr<v1::PermissionSet> FindPermissionSet(Client& client, const std::string& name_or_id) {
  ASSIGN_OR_RETURN(std::vector<v1::PermissionSet> sets, client.ListPermissionSets());
  return FindByNameOrId(sets, name_or_id, "permission set");
}

absl::StatusOr<v1::AccessScope> FindAccessScope(Client& client, const std::string& name_or_id) {
  ASSIGN_OR_RETURN(std::vector<v1::AccessScope> scopes, client.ListAccessScopes());
  return FindByNameOrId(scopes, name_or_id, "access scope");
}

std::string RoleReferences::PermissionSetName(const std::string& id) const {
  auto it = permission_sets.find(id);
  return it == permission_sets.end() ? id : it->second;
}

std::string RoleReferences::AccessScopeName(const std::string& id) const {
  if (id.empty()) return "Unrestricted";
  auto it = access_scopes.find(id);
  return it == access_scopes.end() ? id : it->second;
}

absl::StatusOr<RoleReferences> LoadRoleReferences(Client& client) {
  RoleReferences references;
  ASSIGN_OR_RETURN(std::vector<v1::PermissionSet> sets, client.ListPermissionSets());
  for (const v1::PermissionSet& set : sets) references.permission_sets[set.id()] = set.name();
  ASSIGN_OR_RETURN(std::vector<v1::AccessScope> scopes, client.ListAccessScopes());
  for (const v1::AccessScope& scope : scopes) references.access_scopes[scope.id()] = scope.name();
  return references;
}

}  // namespace warden::cli
