#pragma once

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "domain/role.h"
#include "storage/pg/executor.h"
#include "storage/role_records.h"
#include "storage/role_writer.h"

namespace warden::storage {

// RoleRecords in PostgreSQL (table roles). `done` runs on a storage executor thread, or
// inline on the caller's thread for a malformed argument or a shut-down executor.
// Thread-safe.
class RoleStore final : public RoleRecords {
 public:
  // Registers the role tables' prepared statements with `executor`, which must outlive it.
  explicit RoleStore(StorageExecutor& executor);

  // Read in one statement.
  void LoadAll(Done<std::vector<Role>> done) override;
  // Read under the shared roles lock, with the generation.
  void LoadCatalog(Done<RoleCatalog> done) override;
  void GetRole(std::string name, Done<Role> done) override;
  void CreateRole(RoleSpec spec, RoleWriter writer, Done<Role> done) override;
  void UpdateRole(RoleSpec spec, RoleWriter writer, Done<Role> done) override;
  void DeleteRole(std::string name, absl::Time now, StatusDone done) override;

 private:
  StorageExecutor& executor_;
};

}  // namespace warden::storage
