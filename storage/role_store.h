#pragma once

#include <functional>
#include <vector>

#include "absl/status/statusor.h"
#include "domain/role.h"
#include "storage/executor.h"

namespace warden::storage {

// Roles, permission sets and access scopes in PostgreSQL (tables roles, permission_sets,
// permission_set_entries, access_scopes, resources).
//
// Methods return at once and call `done` exactly once on a storage executor thread (or
// inline if the executor is shut down). Errors as storage/errors.h maps them. Thread-safe.
class RoleStore final {
 public:
  // Registers this store's prepared statements with `executor`, which must outlive it.
  explicit RoleStore(StorageExecutor& executor);

  // Every role, ordered by name (bytewise), with its permission set (all its entries) and access
  // scope resolved, read in one statement so that the view is consistent.
  void LoadAll(std::function<void(absl::StatusOr<std::vector<Role>>)> done);

 private:
  StorageExecutor& executor_;
};

}  // namespace warden::storage
