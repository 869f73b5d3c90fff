#pragma once

// Writes to the role tables (permission sets, access scopes, roles): who makes them, and the
// rules that every implementation of PermissionSetRecords, AccessScopeRecords and RoleRecords
// keeps (in PostgreSQL: PermissionSetStore, AccessScopeStore and RoleStore).
//
// A write commits before done(OK) and bumps the role generation, which a mint compares with
// the generation its roles were checked against. In PostgreSQL each write takes the roles
// write lock first (migration 0011).
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

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "domain/role.h"

namespace warden::storage {

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

}  // namespace warden::storage
