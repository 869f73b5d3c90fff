#pragma once

#include <string>
#include <vector>

#include "domain/auth_provider.h"
#include "storage/auth_provider_records.h"
#include "storage/pg/executor.h"
#include "storage/role_writer.h"

namespace warden::storage {

// AuthProviderRecords in PostgreSQL (tables auth_providers, auth_provider_rules; migration
// 0013). `done` runs on a storage thread, or inline for a malformed id or a shut-down
// executor. Every committed change to a provider (through this store, the declarative
// configuration or psql) sends NOTIFY on kChangeChannel with the provider's id, from a
// trigger. Thread-safe.
class AuthProviderStore final : public AuthProviderRecords {
 public:
  // Registers its prepared statements and the role tables' (for the writer's check) with
  // `executor`, which must outlive it.
  explicit AuthProviderStore(StorageExecutor& executor);

  void List(Done<std::vector<AuthProvider>> done) override;
  void Get(std::string id, Done<AuthProvider> done) override;
  // The writer's check runs inside the transaction under the shared roles lock, with the
  // granted roles locked FOR KEY SHARE (so none can be deleted before the commit).
  void Add(AuthProvider provider, RoleWriter writer, Done<AuthProvider> done) override;
  // As Add; the stored provider is locked FOR UPDATE while its revision is decided.
  void Update(AuthProvider provider, RoleWriter writer, Done<AuthProvider> done) override;
  void Delete(std::string id, StatusDone done) override;

  // Also named by the trigger of migration 0013.
  static constexpr char kChangeChannel[] = "warden_auth_providers";

 private:
  StorageExecutor& executor_;
};

}  // namespace warden::storage
