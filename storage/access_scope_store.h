#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "domain/role.h"
#include "storage/pg/executor.h"
#include "storage/role_writer.h"

namespace warden::storage {

// Access scopes in PostgreSQL (table access_scopes), their ScopeRules round-tripping.
//
// Every method returns at once and calls `done` exactly once: on a storage executor thread,
// or inline on the caller's thread for a malformed argument or a shut-down executor.
// Writes follow the rules in storage/role_writer.h. Thread-safe.
class AccessScopeStore final {
 public:
  template <typename T>
  using Done = std::function<void(absl::StatusOr<T>)>;
  using StatusDone = std::function<void(absl::Status)>;

  // Registers the role tables' prepared statements with `executor`, which must outlive it.
  explicit AccessScopeStore(StorageExecutor& executor);

  // Listed by name, bytewise.
  void ListAccessScopes(Done<std::vector<AccessScope>> done);
  void GetAccessScope(std::string id, Done<AccessScope> done);
  // Stores a new kApi scope with a fresh UUID; returns it as stored.
  void CreateAccessScope(AccessScopeSpec spec, Done<AccessScope> done);
  // Replaces name, description and rules; returns the scope as stored. `writer` checks
  // every role that uses the scope.
  void UpdateAccessScope(std::string id, AccessScopeSpec spec, RoleWriter writer,
                         Done<AccessScope> done);
  // FAILED_PRECONDITION "access scope X is used by N roles: A, B, ... and M more" (the
  // first 20 by name) while roles use it.
  void DeleteAccessScope(std::string id, StatusDone done);

 private:
  StorageExecutor& executor_;
};

}  // namespace warden::storage
