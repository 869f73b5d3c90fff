#include "server/roles/role_validation.h"

#include "absl/strings/str_cat.h"
#include "common/random.h"
#include "domain/names.h"

namespace warden {
namespace {

// PostgreSQL text cannot hold NUL: libpq would cut the value there, or a JSON column refuse it.
bool HasNul(const std::string& text) { return text.find('\0') != std::string::npos; }

absl::Status ValidateDescription(const std::string& description) {
  if (HasNul(description)) {
    return absl::InvalidArgumentError("description must not contain NUL characters");
  }
  if (description.size() > kMaxDescriptionBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "description is ", description.size(), " bytes long; the limit is ", kMaxDescriptionBytes));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateObjectId(const std::string& id, const char* what) {
  if (id.empty()) return absl::InvalidArgumentError(absl::StrCat(what, " is required"));
  if (!IsUuid(id)) return absl::InvalidArgumentError(absl::StrCat(what, " must be a UUID"));
  return absl::OkStatus();
}

absl::Status ValidatePermissionSetSpec(const PermissionSetSpec& spec) {
  absl::Status name = ValidateName(spec.name, "permission set name");
  if (!name.ok()) return name;
  for (const auto& [resource, level] : spec.permissions) {
    if (resource.empty() || HasNul(resource)) {
      return absl::InvalidArgumentError("resource names must not be empty nor contain NUL");
    }
  }
  return ValidateDescription(spec.description);
}

absl::Status ValidateAccessScopeSpec(const AccessScopeSpec& spec) {
  absl::Status name = ValidateName(spec.name, "access scope name");
  if (!name.ok()) return name;
  for (const std::string& cluster : spec.rules.clusters) {
    if (cluster.empty() || HasNul(cluster)) {
      return absl::InvalidArgumentError("cluster names must not be empty nor contain NUL");
    }
  }
  for (const NamespaceRef& ns : spec.rules.namespaces) {
    if (ns.cluster.empty() || ns.name.empty()) {
      return absl::InvalidArgumentError("a namespace rule needs both a cluster and a namespace");
    }
    if (HasNul(ns.cluster) || HasNul(ns.name)) {
      return absl::InvalidArgumentError("a namespace rule must not contain NUL");
    }
  }
  return ValidateDescription(spec.description);
}

absl::Status ValidateRoleSpec(const RoleSpec& spec) {
  absl::Status name = ValidateName(spec.name, "role name");
  if (!name.ok()) return name;
  absl::Status set = ValidateObjectId(spec.permission_set_id, "permission_set_id");
  if (!set.ok()) return set;
  absl::Status scope = ValidateObjectId(spec.access_scope_id, "access_scope_id");
  if (!scope.ok()) return scope;
  return ValidateDescription(spec.description);
}

}  // namespace warden
