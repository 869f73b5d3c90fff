#pragma once

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "domain/role.h"
#include "storage/callbacks.h"
#include "storage/role_writer.h"

namespace warden::storage {

// Roles, read with their permission set and access scope resolved, as the role use cases
// (RoleAuthority) read and write them and the role view loads them. An interface so that
// those rules can be tested without a database: storage::RoleStore keeps them in
// PostgreSQL; tests use an in-memory fake (tests/support/fake_role_tables.h).
//
// Answers as storage/callbacks.h says; writes follow the rules in storage/role_writer.h.
// Thread-safe.
class RoleRecords {
 public:
  virtual ~RoleRecords() = default;

  // Every role, ordered by name (bytewise), with its permission set (all entries), access
  // scope (with rules) and the origins resolved, read at one moment so that the view is
  // consistent.
  virtual void LoadAll(Done<std::vector<Role>> done) = 0;
  // The same with the role generation they were read at: what the role view loads.
  virtual void LoadCatalog(Done<RoleCatalog> done) = 0;
  virtual void GetRole(std::string name, Done<Role> done) = 0;
  // The permission set and scope are named by id; an unknown or malformed one is
  // INVALID_ARGUMENT "permission set <id> does not exist" (resp. access scope).
  // `writer` checks the new role.
  virtual void CreateRole(RoleSpec spec, RoleWriter writer, Done<Role> done) = 0;
  // spec.name identifies the role (roles cannot be renamed); replaces description,
  // permission set and scope. Tokens holding the role get the new permissions. `writer`
  // checks the role as changed.
  virtual void UpdateRole(RoleSpec spec, RoleWriter writer, Done<Role> done) = 0;
  // FAILED_PRECONDITION "role X is used by N live tokens: name (id), ... and M more" (the
  // first 10 by issue time) while a token that is neither revoked nor expired at `now`
  // holds it (tokens that are expired or revoked do not count), and FAILED_PRECONDITION
  // naming the issuers while the mappings of M2M configurations grant it.
  virtual void DeleteRole(std::string name, absl::Time now, StatusDone done) = 0;
};

}  // namespace warden::storage
