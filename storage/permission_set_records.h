#pragma once

#include <string>
#include <vector>

#include "domain/role.h"
#include "storage/callbacks.h"
#include "storage/role_writer.h"

namespace warden::storage {

// Permission sets and the resources they name, as the role use cases (RoleAuthority) read
// and write them. An interface so that those rules can be tested without a database:
// storage::PermissionSetStore keeps them in PostgreSQL; tests use an in-memory fake
// (tests/support/fake_role_tables.h).
//
// Answers as storage/callbacks.h says; writes follow the rules in storage/role_writer.h.
// Thread-safe.
class PermissionSetRecords {
 public:
  virtual ~PermissionSetRecords() = default;

  // Every resource name, sorted bytewise.
  virtual void ListResources(Done<std::vector<std::string>> done) = 0;

  // Listed by name, bytewise.
  virtual void ListPermissionSets(Done<std::vector<PermissionSet>> done) = 0;
  virtual void GetPermissionSet(std::string id, Done<PermissionSet> done) = 0;
  // Stores a new kApi set with a fresh UUID; returns it as stored.
  virtual void CreatePermissionSet(PermissionSetSpec spec, Done<PermissionSet> done) = 0;
  // Replaces name, description and every permission; returns the set as stored. `writer`
  // checks every role that uses the set.
  virtual void UpdatePermissionSet(std::string id, PermissionSetSpec spec, RoleWriter writer,
                                   Done<PermissionSet> done) = 0;
  // FAILED_PRECONDITION "permission set X is used by N roles: A, B, ... and M more" (the
  // first 20 by name) while roles use it.
  virtual void DeletePermissionSet(std::string id, StatusDone done) = 0;
};

}  // namespace warden::storage
