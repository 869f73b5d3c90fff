#pragma once

#include <string>
#include <vector>

#include "domain/role.h"
#include "storage/callbacks.h"
#include "storage/role_writer.h"

namespace warden::storage {

// Access scopes, their ScopeRules round-tripping, as the role use cases (RoleAuthority) read
// and write them. An interface so that those rules can be tested without a database:
// storage::AccessScopeStore keeps them in PostgreSQL; tests use an in-memory fake
// (tests/support/fake_role_tables.h).
//
// Answers as storage/callbacks.h says; writes follow the rules in storage/role_writer.h.
// Thread-safe.
class AccessScopeRecords {
 public:
  virtual ~AccessScopeRecords() = default;

  // Listed by name, bytewise.
  virtual void ListAccessScopes(Done<std::vector<AccessScope>> done) = 0;
  virtual void GetAccessScope(std::string id, Done<AccessScope> done) = 0;
  // Stores a new kApi scope with a fresh UUID; returns it as stored.
  virtual void CreateAccessScope(AccessScopeSpec spec, Done<AccessScope> done) = 0;
  // Replaces name, description and rules; returns the scope as stored. `writer` checks
  // every role that uses the scope.
  virtual void UpdateAccessScope(std::string id, AccessScopeSpec spec, RoleWriter writer,
                                 Done<AccessScope> done) = 0;
  // FAILED_PRECONDITION "access scope X is used by N roles: A, B, ... and M more" (the
  // first 20 by name) while roles use it.
  virtual void DeleteAccessScope(std::string id, StatusDone done) = 0;
};

}  // namespace warden::storage
