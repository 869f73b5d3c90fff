#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "domain/access.h"
#include "domain/m2m.h"

namespace warden {

// The name of the built-in access scope that covers everything.
inline constexpr char kUnrestrictedScopeName[] = "Unrestricted";
// The built-in Unrestricted scope's fixed id (storage/migrations/0002_seed.sql).
inline constexpr char kUnrestrictedScopeId[] = "a0a0a0a0-0000-4000-8000-000000000001";
// The built-in role that grants nothing; never offered as an assignable token role.
inline constexpr char kNoneRoleName[] = "None";
// The role the bootstrap admin user holds.
inline constexpr char kAdminRoleName[] = "Admin";

// Who manages an object. Only kApi objects may be changed through the API; built-in ones
// never change, declarative ones only through the declarative configuration file.
enum class Origin {
  kBuiltIn,
  kApi,
  kDeclarative,
};

// One namespace of one cluster.
struct NamespaceRef {
  std::string cluster;
  std::string name;
  bool operator==(const NamespaceRef&) const = default;
};

// What an access scope lets a role see. Warden stores and reports it; the services that
// consume tokens enforce it. Empty rules in a non-Unrestricted scope include nothing.
struct ScopeRules {
  std::vector<std::string> clusters;     // whole clusters
  std::vector<NamespaceRef> namespaces;  // single namespaces
  bool operator==(const ScopeRules&) const = default;
};

struct AccessScope {
  std::string id;
  std::string name;
  std::string description;
  ScopeRules rules;
  Origin origin = Origin::kApi;

  bool built_in() const { return origin == Origin::kBuiltIn; }
  bool unrestricted() const { return name == kUnrestrictedScopeName && built_in(); }
};

struct PermissionSet {
  std::string id;
  std::string name;
  std::string description;
  PermissionMap permissions;
  Origin origin = Origin::kApi;

  bool built_in() const { return origin == Origin::kBuiltIn; }
};

// A role as the server uses it: its permission set and scope already resolved.
struct Role {
  std::string name;
  std::string description;
  PermissionSet permission_set;
  AccessScope access_scope;
  Origin origin = Origin::kApi;

  bool built_in() const { return origin == Origin::kBuiltIn; }
};

// Every role at one moment, with the role generation it was read at. Storage bumps the
// generation with every change to roles, permission sets or access scopes, so a mint can
// tell whether the roles it was checked against are still the current ones.
struct RoleCatalog {
  std::vector<Role> roles;
  int64_t generation = 0;
};

// What a client asks to create or store; ids are assigned by storage.
struct PermissionSetSpec {
  std::string name;
  std::string description;
  PermissionMap permissions;
};

struct AccessScopeSpec {
  std::string name;
  std::string description;
  ScopeRules rules;
};

// A role refers to its permission set and scope by id (through the API) ...
struct RoleSpec {
  std::string name;
  std::string description;
  std::string permission_set_id;
  std::string access_scope_id;
};

// ... or by name (in the declarative configuration file, where ids are not known).
struct DeclarativeRoleSpec {
  std::string name;
  std::string description;
  std::string permission_set_name;
  std::string access_scope_name;  // empty means Unrestricted
};

// An auth provider as the declarative configuration file declares it: AuthProvider
// (domain/auth_provider.h) without what storage assigns (id, revision, origin). Its rules
// and minimum role name roles.
struct DeclarativeAuthProviderSpec {
  std::string name;
  std::string issuer;
  std::string client_id;
  std::string client_secret_file;  // empty: a public client
  std::vector<std::string> scopes;
  std::string name_claim;
  std::vector<M2mMapping> rules;  // AuthProviderRule
  std::string minimum_role;       // empty: None
  bool operator==(const DeclarativeAuthProviderSpec&) const = default;
};

// The whole declarative configuration: what the file says should exist. Applying it
// creates, updates and removes declarative objects so that they match it exactly.
struct DeclarativeConfig {
  std::vector<PermissionSetSpec> permission_sets;
  std::vector<AccessScopeSpec> access_scopes;
  std::vector<DeclarativeRoleSpec> roles;
  std::vector<DeclarativeAuthProviderSpec> auth_providers;
};

}  // namespace warden
