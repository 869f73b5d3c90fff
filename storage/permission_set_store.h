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

// Permission sets and the resources they name, in PostgreSQL (tables permission_sets,
// permission_set_entries, resources; the last is read-only, seeded by the migrations).
//
// Every method returns at once and calls `done` exactly once: on a storage executor thread,
// or inline on the caller's thread for a malformed argument or a shut-down executor.
// Writes follow the rules in storage/role_writer.h. Thread-safe.
class PermissionSetStore final {
 public:
  template <typename T>
  using Done = std::function<void(absl::StatusOr<T>)>;
  using StatusDone = std::function<void(absl::Status)>;

  // Registers the role tables' prepared statements with `executor`, which must outlive it.
  explicit PermissionSetStore(StorageExecutor& executor);

  // Every resource name, sorted bytewise.
  void ListResources(Done<std::vector<std::string>> done);

  // Listed by name, bytewise.
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

 private:
  StorageExecutor& executor_;
};

}  // namespace warden::storage
