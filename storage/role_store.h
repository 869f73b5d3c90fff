#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "domain/role.h"
#include "storage/pg/executor.h"

namespace warden::storage {

// What ApplyDeclarative changed, per kind of object.
struct DeclarativeChanges {
  int created = 0;
  int updated = 0;  // only objects whose stored values differed from the file's
  int deleted = 0;
  bool operator==(const DeclarativeChanges&) const = default;
};

// Who makes a role write, and the rule it must pass: the no-escalation rule, which lives above
// storage and is handed in. The check runs inside the write's transaction, under the roles
// write lock, so that what it sees is what commits.
struct RoleWriter {
  // The writer's role names. Their definitions are read inside the transaction before the
  // write (names that match no role are skipped).
  std::vector<std::string> roles;
  // Gets those roles and every role the write creates or changes, as it will be once
  // committed: the role itself, or every role using an edited permission set or access scope.
  // Not OK: the write is rolled back and the caller gets this status. Null: no check.
  std::function<absl::Status(const std::vector<Role>& held, const std::vector<Role>& changed)>
      check;
};

struct DeclarativeResult {
  DeclarativeChanges permission_sets;
  DeclarativeChanges access_scopes;
  DeclarativeChanges roles;

  // 0 when the database already matched the configuration.
  int total() const;
};

// Roles, permission sets, access scopes and resources in PostgreSQL (tables roles,
// permission_sets, permission_set_entries, access_scopes, resources). One class, so that the
// server wires one object; its implementation is split by kind: permission_set_store.cc,
// access_scope_store.cc, role_store.cc, declarative_store.cc (shared pieces in role_tables.h).
//
// Every method returns at once and calls `done` exactly once: on a storage executor thread,
// or inline on the caller's thread for a malformed argument or a shut-down executor.
// Writes commit before done(OK). Each takes the roles write lock first and bumps the role
// generation (migration 0011), which a mint compares with the generation its roles were
// checked against. Thread-safe.
//
// Rules (names are checked above storage, by domain/names.h ValidateName):
// - Only objects of origin kApi change through the Create/Update/Delete methods. Built-in
//   ones: FAILED_PRECONDITION "<kind> <name> is built in and read-only"; declarative ones:
//   FAILED_PRECONDITION "<kind> <name> is managed by the declarative configuration".
// - Unknown id or name: NOT_FOUND "<kind> <id or name> not found". An id that is not a
//   UUID: INVALID_ARGUMENT "<kind> id is not a valid UUID" (never echoed).
// - A name already taken: ALREADY_EXISTS "a <kind> named <name> already exists".
// - Unknown resources: INVALID_ARGUMENT naming every one. Access levels outside the enum:
//   INVALID_ARGUMENT.
// - Deleting an object in use: FAILED_PRECONDITION naming its users. The check and the
//   delete run in one transaction holding the object's row lock, so no new user can appear
//   in between (TokenStore::Insert locks the roles it names; roles lock their permission
//   set and scope).
// Other errors as storage/pg/errors.h maps them (UNAVAILABLE when the database is away).
class RoleStore final {
 public:
  template <typename T>
  using Done = std::function<void(absl::StatusOr<T>)>;
  using StatusDone = std::function<void(absl::Status)>;

  // Registers this store's prepared statements with `executor`, which must outlive it.
  explicit RoleStore(StorageExecutor& executor);

  // Every resource name, sorted bytewise.
  void ListResources(Done<std::vector<std::string>> done);

  // ---- Permission sets (permission_set_store.cc). Listed by name, bytewise.
  void ListPermissionSets(Done<std::vector<PermissionSet>> done);
  void GetPermissionSet(std::string id, Done<PermissionSet> done);
  // Stores a new kApi set with a fresh UUID; returns it as stored.
  void CreatePermissionSet(PermissionSetSpec spec, Done<PermissionSet> done);
  // Replaces name, description and every permission; returns the set as stored. `writer`
  // checks every role that uses the set.
  void UpdatePermissionSet(std::string id, PermissionSetSpec spec, RoleWriter writer,
                           Done<PermissionSet> done);
  // FAILED_PRECONDITION "permission set X is used by N roles: A, B, ... and M more" (the
  // first 20 by name) while roles use it.
  void DeletePermissionSet(std::string id, StatusDone done);

  // ---- Access scopes (access_scope_store.cc): the same, with ScopeRules round-tripping.
  void ListAccessScopes(Done<std::vector<AccessScope>> done);
  void GetAccessScope(std::string id, Done<AccessScope> done);
  void CreateAccessScope(AccessScopeSpec spec, Done<AccessScope> done);
  // `writer` checks every role that uses the scope.
  void UpdateAccessScope(std::string id, AccessScopeSpec spec, RoleWriter writer,
                         Done<AccessScope> done);
  void DeleteAccessScope(std::string id, StatusDone done);

  // ---- Roles (role_store.cc).
  // Every role (what ListRoles returns and what the role view loads), ordered by name
  // (bytewise), with its permission set (all entries), access scope (with rules) and the
  // origins resolved, read in one statement so that the view is consistent.
  void LoadAll(Done<std::vector<Role>> done);
  // The same with the role generation they were read at, under the shared roles lock: what
  // the role view loads.
  void LoadCatalog(Done<RoleCatalog> done);
  void GetRole(std::string name, Done<Role> done);
  // The permission set and scope are named by id; an unknown or malformed one is
  // INVALID_ARGUMENT "permission set <id> does not exist" (resp. access scope).
  // `writer` checks the new role.
  void CreateRole(RoleSpec spec, RoleWriter writer, Done<Role> done);
  // spec.name identifies the role (roles cannot be renamed); replaces description,
  // permission set and scope. Tokens holding the role get the new permissions. `writer`
  // checks the role as changed.
  void UpdateRole(RoleSpec spec, RoleWriter writer, Done<Role> done);
  // FAILED_PRECONDITION "role X is used by N live tokens: name (id), ... and M more" (the
  // first 10 by issue time) while a token that is neither revoked nor expired at `now`
  // holds it. Tokens that are expired or revoked do not count.
  void DeleteRole(std::string name, absl::Time now, StatusDone done);

  // ---- Declarative configuration (declarative_store.cc).
  // In one transaction, makes the declarative objects match `config` exactly: creates or
  // updates each object by name with origin kDeclarative, then removes declarative objects
  // the file no longer has (roles first, then permission sets and scopes). A role's
  // permission set and scope are resolved by name among the file's objects and existing
  // objects that are declarative or built in (never API objects, which API callers could
  // edit under a declarative role); an empty scope name means Unrestricted. Any error rolls back
  // everything, so the previous state stays:
  // - INVALID_ARGUMENT: a name given twice for one kind, unknown resources, a role naming a
  //   permission set or scope that does not exist;
  // - FAILED_PRECONDITION: a name taken by a built-in or API object ("permission set X
  //   already exists and is not declarative"); a removed role still held by live tokens at
  //   `now`, or a removed set or scope still used by a role. Every conflict is named.
  // Concurrent applies (several replicas on SIGHUP) are serialized by an advisory lock.
  void ApplyDeclarative(DeclarativeConfig config, absl::Time now, Done<DeclarativeResult> done);

 private:
  StorageExecutor& executor_;
};

}  // namespace warden::storage
