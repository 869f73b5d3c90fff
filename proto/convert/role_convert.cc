#include "proto/convert/role_convert.h"

#include "absl/strings/str_cat.h"
#include "proto/convert/convert.h"

namespace warden {

v1::Origin ToProto(Origin origin) {
  switch (origin) {
    case Origin::kBuiltIn:
      return v1::ORIGIN_BUILT_IN;
    case Origin::kApi:
      return v1::ORIGIN_API;
    case Origin::kDeclarative:
      return v1::ORIGIN_DECLARATIVE;
  }
  return v1::ORIGIN_UNSPECIFIED;
}

void ToProto(const PermissionSet& set, v1::PermissionSet* out) {
  out->set_id(set.id);
  out->set_name(set.name);
  out->set_description(set.description);
  for (const auto& [resource, level] : set.permissions) {
    (*out->mutable_resource_to_access())[resource] = ToProto(level);
  }
  out->set_origin(ToProto(set.origin));
}

void ToProto(const AccessScope& scope, v1::AccessScope* out) {
  out->set_id(scope.id);
  out->set_name(scope.name);
  out->set_description(scope.description);
  for (const std::string& cluster : scope.rules.clusters)
    out->mutable_rules()->add_clusters(cluster);
  for (const NamespaceRef& ns : scope.rules.namespaces) {
    v1::NamespaceRef* ref = out->mutable_rules()->add_namespaces();
    ref->set_cluster(ns.cluster);
    ref->set_namespace_(ns.name);
  }
  out->set_origin(ToProto(scope.origin));
}

void ToProto(const Role& role, v1::Role* out) {
  out->set_name(role.name);
  out->set_description(role.description);
  out->set_permission_set_id(role.permission_set.id);
  out->set_access_scope_id(role.access_scope.id);
  out->set_origin(ToProto(role.origin));
}

absl::StatusOr<PermissionSetSpec> FromProto(const v1::PermissionSet& set) {
  PermissionSetSpec spec;
  spec.name = set.name();
  spec.description = set.description();
  for (const auto& [resource, level] : set.resource_to_access()) {
    std::optional<Access> access = FromProto(level);
    if (!access.has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat("the access level for resource ", resource,
                       " must be NO_ACCESS, READ_ACCESS or READ_WRITE_ACCESS"));
    }
    spec.permissions[resource] = *access;
  }
  return spec;
}

AccessScopeSpec FromProto(const v1::AccessScope& scope) {
  AccessScopeSpec spec;
  spec.name = scope.name();
  spec.description = scope.description();
  spec.rules.clusters.assign(scope.rules().clusters().begin(), scope.rules().clusters().end());
  for (const v1::NamespaceRef& ns : scope.rules().namespaces()) {
    spec.rules.namespaces.push_back({ns.cluster(), ns.namespace_()});
  }
  return spec;
}

RoleSpec FromProto(const v1::Role& role) {
  RoleSpec spec;
  spec.name = role.name();
  spec.description = role.description();
  spec.permission_set_id = role.permission_set_id();
  spec.access_scope_id =
      role.access_scope_id().empty() ? kUnrestrictedScopeId : role.access_scope_id();
  return spec;
}

}  // namespace warden
