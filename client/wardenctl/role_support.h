#pragma once

// What `wardenctl role`, `permission-set` and `scope` share: parsing their flag values,
// finding objects by name or id, and formatting them.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/client.h"
#include "warden/v1/role.pb.h"

namespace warden::cli {

// The access level `text` names: NO_ACCESS, READ_ACCESS, READ_WRITE_ACCESS, the enum's
// full names (ACCESS_LEVEL_READ_ACCESS), or none, read, read-write (also r, rw);
// case-insensitive, '-' and '_' alike. nullopt for anything else.
std::optional<v1::AccessLevel> ParseAccessLevel(absl::string_view text);

// One --grant value, "RESOURCE=LEVEL" (e.g. "Image=READ_ACCESS", "Integration=read-write").
// INVALID_ARGUMENT with a message for the user, starting "--grant".
struct Grant {
  std::string resource;
  v1::AccessLevel level = v1::ACCESS_LEVEL_UNSPECIFIED;
};
absl::StatusOr<Grant> ParseGrant(const std::string& text);
// Every --grant value; INVALID_ARGUMENT for a bad one or a resource granted twice.
absl::StatusOr<std::map<std::string, v1::AccessLevel>> ParseGrants(
    const std::vector<std::string>& values);

// One --namespace value, "CLUSTER/NAMESPACE", split at the last '/' (namespace names never
// hold one); both parts non-empty. INVALID_ARGUMENT starting "--namespace" otherwise.
absl::StatusOr<v1::NamespaceRef> ParseNamespace(const std::string& text);
// Every --namespace value; INVALID_ARGUMENT for a bad one or one given twice.
absl::StatusOr<std::vector<v1::NamespaceRef>> ParseNamespaces(
    const std::vector<std::string>& values);
// Every --cluster value; INVALID_ARGUMENT for an empty one or one given twice.
absl::StatusOr<std::vector<std::string>> ParseClusters(const std::vector<std::string>& values);

// "prod-us/payments".
std::string FormatNamespace(const v1::NamespaceRef& ref);
// "R", "RW", "none".
std::string ShortAccessLevel(v1::AccessLevel level);
// A permission set's RESOURCES cell: "Image=R, Integration=RW" (sorted by resource) for up
// to four resources, else a count by level ("23 resources: 23 R"); "-" for none.
std::string SummarizePermissions(const google::protobuf::Map<std::string, v1::AccessLevel>& map);
// A RESOURCE / ACCESS table of a permission set's grants, sorted by resource.
std::string RenderAccessTable(const google::protobuf::Map<std::string, v1::AccessLevel>& map);
// "built-in", "api", "declarative".
std::string OriginName(v1::Origin origin);

// NOT_FOUND: "no <kind> is named or has the id "<name_or_id>"".
absl::Status NotFoundByNameOrId(absl::string_view kind, const std::string& name_or_id);

// The object whose name is `name_or_id`, else the one whose id is (names are unique, ids
// are UUIDs, so at most one matches each way); NOT_FOUND naming `kind` and `name_or_id`
// otherwise.
template <typename T>
absl::StatusOr<T> FindByNameOrId(const std::vector<T>& objects, const std::string& name_or_id,
                                 absl::string_view kind) {
  for (const T& object : objects) {
    if (object.name() == name_or_id) return object;
  }
  for (const T& object : objects) {
    if (object.id() == name_or_id) return object;
  }
  return NotFoundByNameOrId(kind, name_or_id);
}

// The same over the server's lists.
absl::StatusOr<v1::PermissionSet> FindPermissionSet(Client& client, const std::string& name_or_id);
absl::StatusOr<v1::AccessScope> FindAccessScope(Client& client, const std::string& name_or_id);

// Id -> name of every permission set and every access scope, for showing roles.
struct RoleReferences {
  std::map<std::string, std::string> permission_sets;
  std::map<std::string, std::string> access_scopes;
  // The name for an id, or the id itself if no object has it; "Unrestricted" for "".
  std::string PermissionSetName(const std::string& id) const;
  std::string AccessScopeName(const std::string& id) const;
};
absl::StatusOr<RoleReferences> LoadRoleReferences(Client& client);

}  // namespace warden::cli
