#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "domain/role.h"
#include "storage/access_scope_records.h"
#include "storage/permission_set_records.h"
#include "storage/role_records.h"
#include "tests/support/fake_replies.h"

namespace warden::testing {

// The role tables in memory — permission sets, access scopes and roles, one object behind
// the three interfaces as the tables are one database behind the three PostgreSQL stores —
// for unit tests of the role use cases. Keeps the rules of storage/role_writer.h that a user
// would notice: only kApi objects change (FAILED_PRECONDITION naming the built-in or
// declarative one); NOT_FOUND for unknown ids and names; ALREADY_EXISTS for a taken name;
// INVALID_ARGUMENT for unknown resources and for a role naming a set or scope that does not
// exist; FAILED_PRECONDITION for deleting a set or scope a role uses; the writer's check
// run on the caller's roles as they were and the written roles as they will be, nothing
// written when it refuses; and every write raising the role generation. Not kept: a role
// held by live tokens or granted by M2M mappings can be deleted (the fake knows neither).
//
// Starts with the built-in Unrestricted scope (kUnrestrictedScopeId) and the resources
// Access, Alert and Integration, at generation 1. Answers inline unless held; see
// FakeReplies for failures (method names as the interfaces', e.g. "LoadCatalog").
class FakeRoleTables final : public storage::PermissionSetRecords,
                             public storage::AccessScopeRecords,
                             public storage::RoleRecords,
                             public FakeReplies {
 public:
  template <typename T>
  using Done = storage::Done<T>;
  using StatusDone = storage::StatusDone;
  using RoleWriter = storage::RoleWriter;

  FakeRoleTables();

  void ListResources(Done<std::vector<std::string>> done) override;
  void ListPermissionSets(Done<std::vector<PermissionSet>> done) override;
  void GetPermissionSet(std::string id, Done<PermissionSet> done) override;
  void CreatePermissionSet(PermissionSetSpec spec, Done<PermissionSet> done) override;
  void UpdatePermissionSet(std::string id, PermissionSetSpec spec, RoleWriter writer,
                           Done<PermissionSet> done) override;
  void DeletePermissionSet(std::string id, StatusDone done) override;

  void ListAccessScopes(Done<std::vector<AccessScope>> done) override;
  void GetAccessScope(std::string id, Done<AccessScope> done) override;
  void CreateAccessScope(AccessScopeSpec spec, Done<AccessScope> done) override;
  void UpdateAccessScope(std::string id, AccessScopeSpec spec, RoleWriter writer,
                         Done<AccessScope> done) override;
  void DeleteAccessScope(std::string id, StatusDone done) override;

  void LoadAll(Done<std::vector<Role>> done) override;
  void LoadCatalog(Done<RoleCatalog> done) override;
  void GetRole(std::string name, Done<Role> done) override;
  void CreateRole(RoleSpec spec, RoleWriter writer, Done<Role> done) override;
  void UpdateRole(RoleSpec spec, RoleWriter writer, Done<Role> done) override;
  void DeleteRole(std::string name, absl::Time now, StatusDone done) override;

  // Seeding, as the migrations and the declarative file would: no checks, no generation
  // raised, no calls counted. Each returns the object as stored, with a fresh UUID.
  PermissionSet AddPermissionSet(const std::string& name, PermissionMap permissions,
                                 Origin origin = Origin::kApi);
  AccessScope AddAccessScope(const std::string& name, ScopeRules rules,
                             Origin origin = Origin::kApi);
  // REQUIRES: `set_id` and `scope_id` name stored objects.
  Role AddRole(const std::string& name, const std::string& set_id, const std::string& scope_id,
               Origin origin = Origin::kApi);

  // Every role as a role view would load it now.
  RoleCatalog Catalog() const;

 private:
  struct RoleRow {
    std::string name;
    std::string description;
    std::string set_id;
    std::string scope_id;
    Origin origin = Origin::kApi;
  };
  // What a write reads and changes. A write works on a copy and commits it whole, or not at
  // all: a transaction, for tables as small as a test's.
  struct Tables {
    std::map<std::string, PermissionSet> sets;  // by id
    std::map<std::string, AccessScope> scopes;  // by id
    std::map<std::string, RoleRow> roles;       // by name
  };

  // Where the objects of one kind (permission sets, access scopes) live, and which column of
  // a role names one.
  template <typename Object>
  struct Kind {
    const char* name;  // "permission set"
    std::map<std::string, Object> Tables::*objects;
    std::string RoleRow::*reference;
  };
  static const Kind<PermissionSet> kSets;
  static const Kind<AccessScope> kScopes;

  static Role Resolve(const Tables& tables, const RoleRow& row);
  // The roles of `tables` for which `pick` is true, resolved, by name.
  static std::vector<Role> Roles(const Tables& tables,
                                 const std::function<bool(const RoleRow&)>& pick);
  // Makes `after` the tables' state and raises the generation, unless the writer's check
  // refuses the roles of `after` that `changed` picks (then nothing changes).
  absl::Status Commit(Tables after, const RoleWriter& writer,
                      const std::function<bool(const RoleRow&)>& changed)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // A permission set's or access scope's Get, Create (`id` empty), Update and Delete.
  template <typename Object>
  absl::StatusOr<Object> Find(const Kind<Object>& kind, const std::string& id) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  template <typename Object, typename Spec>
  absl::StatusOr<Object> Put(const Kind<Object>& kind, const std::string& id, const Spec& spec,
                             const RoleWriter& writer) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  template <typename Object>
  absl::Status Remove(const Kind<Object>& kind, const std::string& id)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Stores `object` under a fresh UUID, unchecked; returns it as stored.
  template <typename Object>
  Object Seed(const Kind<Object>& kind, Object object) ABSL_LOCKS_EXCLUDED(mu_);
  // INVALID_ARGUMENT naming the resources of `permissions` not in resources_.
  absl::Status CheckResources(const std::string& what, const PermissionMap& permissions) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // INVALID_ARGUMENT when the role's permission set or access scope does not exist.
  static absl::Status CheckReferences(const Tables& tables, const RoleSpec& spec);

  std::vector<std::string> resources_ ABSL_GUARDED_BY(mu_);
  Tables tables_ ABSL_GUARDED_BY(mu_);
  int64_t generation_ ABSL_GUARDED_BY(mu_) = 1;
};

}  // namespace warden::testing
