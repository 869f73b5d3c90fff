#pragma once

#include <string>
#include <vector>

#include "domain/role.h"
#include "storage/permission_set_records.h"
#include "storage/pg/executor.h"
#include "storage/role_writer.h"

namespace warden::storage {

// PermissionSetRecords in PostgreSQL (tables permission_sets, permission_set_entries,
// resources; the last is read-only, seeded by the migrations). `done` runs on a storage
// executor thread, or inline on the caller's thread for a malformed argument or a shut-down
// executor. Thread-safe.
class PermissionSetStore final : public PermissionSetRecords {
 public:
  // Registers the role tables' prepared statements with `executor`, which must outlive it.
  explicit PermissionSetStore(StorageExecutor& executor);

  void ListResources(Done<std::vector<std::string>> done) override;
  void ListPermissionSets(Done<std::vector<PermissionSet>> done) override;
  void GetPermissionSet(std::string id, Done<PermissionSet> done) override;
  void CreatePermissionSet(PermissionSetSpec spec, Done<PermissionSet> done) override;
  void UpdatePermissionSet(std::string id, PermissionSetSpec spec, RoleWriter writer,
                           Done<PermissionSet> done) override;
  void DeletePermissionSet(std::string id, StatusDone done) override;

 private:
  StorageExecutor& executor_;
};

}  // namespace warden::storage
