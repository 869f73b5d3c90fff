#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "domain/role.h"
#include "storage/pg/executor.h"
#include "storage/role_writer.h"

namespace warden::storage {

// Roles in PostgreSQL (table roles), read with their permission set and access scope
// resolved: what ListRoles returns and what the role view loads.
//
// Every method returns at once and calls `done` exactly once: on a storage executor thread,
// or inline on the caller's thread for a malformed argument or a shut-down executor.
// Writes follow the rules in storage/role_writer.h. Thread-safe.
class RoleStore final {
 public:
  template <typename T>
  using Done = std::function<void(absl::StatusOr<T>)>;
  using StatusDone = std::function<void(absl::Status)>;

  // Registers the role tables' prepared statements with `executor`, which must outlive it.
  explicit RoleStore(StorageExecutor& executor);

  // Every role, ordered by name (bytewise), with its permission set (all entries), access
  // scope (with rules) and the origins resolved, read in one statement so that the view is
  // consistent.
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
  // holds it (tokens that are expired or revoked do not count), and FAILED_PRECONDITION
  // naming the issuers while the mappings of M2M configurations grant it.
  void DeleteRole(std::string name, absl::Time now, StatusDone done);

 private:
  StorageExecutor& executor_;
};

}  // namespace warden::storage
