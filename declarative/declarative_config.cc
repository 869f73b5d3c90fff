#include "declarative/declarative_config.h"

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "declarative/yaml_document.h"
#include "declarative/yaml_reader.h"
#include "domain/access.h"
#include "domain/names.h"
#include "yaml-cpp/yaml.h"

namespace warden {
namespace {

using declarative_internal::Field;
using declarative_internal::FindField;
using declarative_internal::LineOf;
using declarative_internal::Quote;
using declarative_internal::ReadYamlDocument;
using declarative_internal::YamlReader;

// Name -> line of its definition, for one kind of object.
using DefinedNames = std::map<std::string, int>;

// "role \"Token Issuer\"": the context of errors once an entry's name is known.
std::string Named(absl::string_view kind, absl::string_view name) {
  return absl::StrCat(kind, " ", Quote(name));
}

// A string that must pass ValidateName (names, clusters, namespaces).
absl::StatusOr<std::string> ReadName(YamlReader& reader, const YAML::Node& node,
                                     const YAML::Mark& at, absl::string_view context,
                                     absl::string_view what) {
  ASSIGN_OR_RETURN(std::string name, reader.String(node, at, context, what));
  if (absl::Status valid = ValidateName(name, what); !valid.ok()) {
    return reader.Error(at, context, valid.message());
  }
  return name;
}

// The required `name` of an entry of `kind`, which must not be in `defined` yet.
absl::StatusOr<std::string> ReadEntryName(YamlReader& reader, const std::vector<Field>& fields,
                                          const YAML::Node& entry, absl::string_view kind,
                                          DefinedNames& defined) {
  const Field* field = FindField(fields, "name");
  if (field == nullptr) return reader.Error(entry.Mark(), kind, "name is required");
  ASSIGN_OR_RETURN(std::string name, ReadName(reader, field->value, field->mark, kind, "name"));
  if (auto [first, added] = defined.emplace(name, LineOf(field->mark)); !added) {
    return reader.Error(
        field->mark, "",
        absl::StrCat(Named(kind, name), " is defined twice (first on line ", first->second, ")"));
  }
  return name;
}

// An optional string field; absent or null reads as "".
absl::StatusOr<std::string> ReadOptionalString(YamlReader& reader, const std::vector<Field>& fields,
                                               absl::string_view key, absl::string_view context) {
  const Field* field = FindField(fields, key);
  if (field == nullptr) return std::string();
  return reader.String(field->value, field->mark, context, key);
}

// `resources`: resource name -> access level. Names are only checked to be non-empty
// strings (storage knows which resources exist).
absl::StatusOr<PermissionMap> ReadResources(YamlReader& reader, const Field& field,
                                            absl::string_view context) {
  ASSIGN_OR_RETURN(std::vector<Field> entries,
                   reader.Mapping(field.value, field.mark, context, "resources", {}));
  PermissionMap permissions;
  for (const Field& entry : entries) {
    const std::string what = absl::StrCat("access level of resource ", Quote(entry.key));
    ASSIGN_OR_RETURN(std::string level, reader.String(entry.value, entry.mark, context, what));
    std::optional<Access> access = ParseAccess(level);
    if (!access.has_value()) {
      return reader.Error(entry.mark, context,
                          absl::StrCat(what, " is ", Quote(level),
                                       ", not NO_ACCESS, READ_ACCESS or READ_WRITE_ACCESS"));
    }
    permissions.emplace(entry.key, *access);
  }
  return permissions;
}

absl::StatusOr<std::vector<PermissionSetSpec>> ReadPermissionSets(YamlReader& reader,
                                                                  const Field& field) {
  constexpr absl::string_view kKind = "permission set";
  ASSIGN_OR_RETURN(std::vector<YAML::Node> entries,
                   reader.Sequence(field.value, field.mark, "", field.key));
  std::vector<PermissionSetSpec> sets;
  DefinedNames defined;
  for (const YAML::Node& entry : entries) {
    ASSIGN_OR_RETURN(std::vector<Field> fields,
                     reader.Mapping(entry, entry.Mark(), kKind, "the entry",
                                    {"name", "description", "resources"}));
    PermissionSetSpec set;
    ASSIGN_OR_RETURN(set.name, ReadEntryName(reader, fields, entry, kKind, defined));
    const std::string context = Named(kKind, set.name);
    ASSIGN_OR_RETURN(set.description, ReadOptionalString(reader, fields, "description", context));
    if (const Field* resources = FindField(fields, "resources")) {
      ASSIGN_OR_RETURN(set.permissions, ReadResources(reader, *resources, context));
    }
    sets.push_back(std::move(set));
  }
  return sets;
}

// `rules.namespaces`: {cluster, namespace} mappings, each listed once.
absl::StatusOr<std::vector<NamespaceRef>> ReadNamespaces(YamlReader& reader, const Field& field,
                                                         absl::string_view context) {
  ASSIGN_OR_RETURN(std::vector<YAML::Node> items,
                   reader.Sequence(field.value, field.mark, context, "namespaces"));
  std::vector<NamespaceRef> namespaces;
  std::set<std::pair<std::string, std::string>> listed;
  for (const YAML::Node& item : items) {
    ASSIGN_OR_RETURN(
        std::vector<Field> fields,
        reader.Mapping(item, item.Mark(), context, "a namespace entry", {"cluster", "namespace"}));
    NamespaceRef ref;
    for (auto [key, out] : {std::pair{"cluster", &ref.cluster}, {"namespace", &ref.name}}) {
      const Field* part = FindField(fields, key);
      if (part == nullptr) {
        return reader.Error(item.Mark(), context, absl::StrCat("a namespace entry needs a ", key));
      }
      ASSIGN_OR_RETURN(*out, ReadName(reader, part->value, part->mark, context, key));
    }
    if (!listed.emplace(ref.cluster, ref.name).second) {
      return reader.Error(item.Mark(), context,
                          absl::StrCat("namespace ", Quote(ref.name), " of cluster ",
                                       Quote(ref.cluster), " is listed twice"));
    }
    namespaces.push_back(std::move(ref));
  }
  return namespaces;
}

absl::StatusOr<ScopeRules> ReadRules(YamlReader& reader, const Field& field,
                                     absl::string_view context) {
  ASSIGN_OR_RETURN(std::vector<Field> fields, reader.Mapping(field.value, field.mark, context,
                                                             "rules", {"clusters", "namespaces"}));
  ScopeRules rules;
  if (const Field* clusters = FindField(fields, "clusters")) {
    ASSIGN_OR_RETURN(std::vector<YAML::Node> items,
                     reader.Sequence(clusters->value, clusters->mark, context, "clusters"));
    std::set<std::string> listed;
    for (const YAML::Node& item : items) {
      ASSIGN_OR_RETURN(std::string cluster,
                       ReadName(reader, item, item.Mark(), context, "cluster"));
      if (!listed.insert(cluster).second) {
        return reader.Error(item.Mark(), context,
                            absl::StrCat("cluster ", Quote(cluster), " is listed twice"));
      }
      rules.clusters.push_back(std::move(cluster));
    }
  }
  if (const Field* namespaces = FindField(fields, "namespaces")) {
    ASSIGN_OR_RETURN(rules.namespaces, ReadNamespaces(reader, *namespaces, context));
  }
  return rules;
}

absl::StatusOr<std::vector<AccessScopeSpec>> ReadAccessScopes(YamlReader& reader,
                                                              const Field& field) {
  constexpr absl::string_view kKind = "access scope";
  ASSIGN_OR_RETURN(std::vector<YAML::Node> entries,
                   reader.Sequence(field.value, field.mark, "", field.key));
  std::vector<AccessScopeSpec> scopes;
  DefinedNames defined;
  for (const YAML::Node& entry : entries) {
    ASSIGN_OR_RETURN(
        std::vector<Field> fields,
        reader.Mapping(entry, entry.Mark(), kKind, "the entry", {"name", "description", "rules"}));
    AccessScopeSpec scope;
    ASSIGN_OR_RETURN(scope.name, ReadEntryName(reader, fields, entry, kKind, defined));
    const std::string context = Named(kKind, scope.name);
    ASSIGN_OR_RETURN(scope.description, ReadOptionalString(reader, fields, "description", context));
    if (const Field* rules = FindField(fields, "rules")) {
      ASSIGN_OR_RETURN(scope.rules, ReadRules(reader, *rules, context));
    }
    scopes.push_back(std::move(scope));
  }
  return scopes;
}

absl::StatusOr<std::vector<DeclarativeRoleSpec>> ReadRoles(YamlReader& reader, const Field& field) {
  constexpr absl::string_view kKind = "role";
  ASSIGN_OR_RETURN(std::vector<YAML::Node> entries,
                   reader.Sequence(field.value, field.mark, "", field.key));
  std::vector<DeclarativeRoleSpec> roles;
  DefinedNames defined;
  for (const YAML::Node& entry : entries) {
    ASSIGN_OR_RETURN(std::vector<Field> fields,
                     reader.Mapping(entry, entry.Mark(), kKind, "the entry",
                                    {"name", "description", "permissionSet", "accessScope"}));
    DeclarativeRoleSpec role;
    ASSIGN_OR_RETURN(role.name, ReadEntryName(reader, fields, entry, kKind, defined));
    const std::string context = Named(kKind, role.name);
    ASSIGN_OR_RETURN(role.description, ReadOptionalString(reader, fields, "description", context));
    const Field* permission_set = FindField(fields, "permissionSet");
    if (permission_set == nullptr) {
      return reader.Error(entry.Mark(), context, "permissionSet is required");
    }
    ASSIGN_OR_RETURN(
        role.permission_set_name,
        ReadName(reader, permission_set->value, permission_set->mark, context, "permissionSet"));
    // Absent leaves the name empty, which DeclarativeRoleSpec defines as Unrestricted.
    if (const Field* scope = FindField(fields, "accessScope")) {
      ASSIGN_OR_RETURN(role.access_scope_name,
                       ReadName(reader, scope->value, scope->mark, context, "accessScope"));
    }
    roles.push_back(std::move(role));
  }
  return roles;
}

// The name of an auth provider is part of every person's id ("<name>:<sub>"), so it has the
// narrow form of the API's (proto/warden/v1/auth_provider.proto): 1 to 64 of a-z, 0-9 and
// '-', starting with a letter.
bool IsProviderName(absl::string_view name) {
  if (name.empty() || name.size() > 64 || name[0] < 'a' || name[0] > 'z') return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

// A required string field of an entry.
absl::StatusOr<std::string> ReadRequiredString(YamlReader& reader, const std::vector<Field>& fields,
                                               const YAML::Node& entry, absl::string_view key,
                                               absl::string_view context) {
  const Field* field = FindField(fields, key);
  if (field == nullptr) {
    return reader.Error(entry.Mark(), context, absl::StrCat(key, " is required"));
  }
  return reader.String(field->value, field->mark, context, key);
}

// `rules`: [{key, valueExpression, role}], each field required. Expressions are checked by
// the server, which compiles them.
absl::StatusOr<std::vector<M2mMapping>> ReadProviderRules(YamlReader& reader, const Field& field,
                                                          absl::string_view context) {
  ASSIGN_OR_RETURN(std::vector<YAML::Node> items,
                   reader.Sequence(field.value, field.mark, context, "rules"));
  std::vector<M2mMapping> rules;
  for (const YAML::Node& item : items) {
    ASSIGN_OR_RETURN(std::vector<Field> fields, reader.Mapping(item, item.Mark(), context, "a rule",
                                                               {"key", "valueExpression", "role"}));
    M2mMapping rule;
    for (auto [key, out] : {std::pair{"key", &rule.key},
                            {"valueExpression", &rule.value_expression},
                            {"role", &rule.role}}) {
      const Field* part = FindField(fields, key);
      if (part == nullptr) {
        return reader.Error(item.Mark(), context, absl::StrCat("a rule needs a ", key));
      }
      if (part->key == "role") {
        ASSIGN_OR_RETURN(*out, ReadName(reader, part->value, part->mark, context, "role"));
      } else {
        ASSIGN_OR_RETURN(*out, reader.String(part->value, part->mark, context, key));
      }
    }
    if (rule.key.empty()) return reader.Error(item.Mark(), context, "a rule's key is empty");
    rules.push_back(std::move(rule));
  }
  return rules;
}

absl::StatusOr<std::vector<DeclarativeAuthProviderSpec>> ReadAuthProviders(YamlReader& reader,
                                                                           const Field& field) {
  constexpr absl::string_view kKind = "auth provider";
  ASSIGN_OR_RETURN(std::vector<YAML::Node> entries,
                   reader.Sequence(field.value, field.mark, "", field.key));
  std::vector<DeclarativeAuthProviderSpec> providers;
  DefinedNames defined;
  // (issuer, client id) -> the provider and line that has it.
  std::map<std::pair<std::string, std::string>, std::pair<std::string, int>> clients;
  for (const YAML::Node& entry : entries) {
    ASSIGN_OR_RETURN(std::vector<Field> fields,
                     reader.Mapping(entry, entry.Mark(), kKind, "the entry",
                                    {"name", "issuer", "clientId", "clientSecretFile", "scopes",
                                     "nameClaim", "minimumRole", "rules"}));
    DeclarativeAuthProviderSpec provider;
    ASSIGN_OR_RETURN(provider.name, ReadEntryName(reader, fields, entry, kKind, defined));
    if (!IsProviderName(provider.name)) {
      return reader.Error(FindField(fields, "name")->mark, Named(kKind, provider.name),
                          "name must be 1 to 64 of a-z, 0-9 and '-', starting with a letter");
    }
    const std::string context = Named(kKind, provider.name);
    ASSIGN_OR_RETURN(provider.issuer, ReadRequiredString(reader, fields, entry, "issuer", context));
    ASSIGN_OR_RETURN(provider.client_id,
                     ReadRequiredString(reader, fields, entry, "clientId", context));
    ASSIGN_OR_RETURN(provider.client_secret_file,
                     ReadOptionalString(reader, fields, "clientSecretFile", context));
    ASSIGN_OR_RETURN(provider.name_claim, ReadOptionalString(reader, fields, "nameClaim", context));
    if (const Field* scopes = FindField(fields, "scopes")) {
      ASSIGN_OR_RETURN(std::vector<YAML::Node> items,
                       reader.Sequence(scopes->value, scopes->mark, context, "scopes"));
      for (const YAML::Node& item : items) {
        ASSIGN_OR_RETURN(std::string scope, reader.String(item, item.Mark(), context, "a scope"));
        provider.scopes.push_back(std::move(scope));
      }
    }
    // Absent leaves it empty: None.
    if (const Field* minimum = FindField(fields, "minimumRole")) {
      ASSIGN_OR_RETURN(provider.minimum_role,
                       ReadName(reader, minimum->value, minimum->mark, context, "minimumRole"));
    }
    if (const Field* rules = FindField(fields, "rules")) {
      ASSIGN_OR_RETURN(provider.rules, ReadProviderRules(reader, *rules, context));
    }
    const int line = LineOf(entry.Mark());
    auto [other, added] = clients.emplace(std::pair{provider.issuer, provider.client_id},
                                          std::pair{provider.name, line});
    if (!added) {
      return reader.Error(
          entry.Mark(), context,
          absl::StrCat("issuer and clientId are those of ", Named(kKind, other->second.first),
                       " (line ", other->second.second, ")"));
    }
    providers.push_back(std::move(provider));
  }
  return providers;
}

absl::StatusOr<DeclarativeConfig> ReadDocument(YamlReader& reader, const YAML::Node& document) {
  ASSIGN_OR_RETURN(std::vector<Field> fields,
                   reader.Mapping(document, document.Mark(), "", "the configuration",
                                  {"permissionSets", "accessScopes", "roles", "authProviders"}));
  DeclarativeConfig config;
  if (const Field* field = FindField(fields, "permissionSets")) {
    ASSIGN_OR_RETURN(config.permission_sets, ReadPermissionSets(reader, *field));
  }
  if (const Field* field = FindField(fields, "accessScopes")) {
    ASSIGN_OR_RETURN(config.access_scopes, ReadAccessScopes(reader, *field));
  }
  if (const Field* field = FindField(fields, "roles")) {
    ASSIGN_OR_RETURN(config.roles, ReadRoles(reader, *field));
  }
  if (const Field* field = FindField(fields, "authProviders")) {
    ASSIGN_OR_RETURN(config.auth_providers, ReadAuthProviders(reader, *field));
  }
  return config;
}

}  // namespace

absl::StatusOr<DeclarativeConfig> ParseDeclarativeConfig(absl::string_view yaml_text,
                                                         absl::string_view source_name) {
  DeclarativeConfig config;
  RETURN_IF_ERROR(
      ReadYamlDocument(yaml_text, source_name, kMaxDeclarativeConfigBytes,
                       [&config](YamlReader& reader, const YAML::Node& root) -> absl::Status {
                         ASSIGN_OR_RETURN(config, ReadDocument(reader, root));
                         return absl::OkStatus();
                       }));
  return config;
}

}  // namespace warden
