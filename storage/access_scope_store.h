#pragma once

#include <string>
#include <vector>

#include "domain/role.h"
#include "storage/access_scope_records.h"
#include "storage/pg/executor.h"
#include "storage/role_writer.h"

namespace warden::storage {

// AccessScopeRecords in PostgreSQL (table access_scopes). `done` runs on a storage executor
// thread, or inline on the caller's thread for a malformed argument or a shut-down executor.
// Thread-safe.
class AccessScopeStore final : public AccessScopeRecords {
 public:
  // Registers the role tables' prepared statements with `executor`, which must outlive it.
  explicit AccessScopeStore(StorageExecutor& executor);

  void ListAccessScopes(Done<std::vector<AccessScope>> done) override;
  void GetAccessScope(std::string id, Done<AccessScope> done) override;
  void CreateAccessScope(AccessScopeSpec spec, Done<AccessScope> done) override;
  void UpdateAccessScope(std::string id, AccessScopeSpec spec, RoleWriter writer,
                         Done<AccessScope> done) override;
  void DeleteAccessScope(std::string id, StatusDone done) override;

 private:
  StorageExecutor& executor_;
};

}  // namespace warden::storage
