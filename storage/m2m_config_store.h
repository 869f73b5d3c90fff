#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "domain/m2m.h"
#include "storage/m2m_config_records.h"
#include "storage/pg/executor.h"
#include "storage/role_writer.h"

namespace warden::storage {

// M2mConfigRecords in PostgreSQL (tables m2m_configs, m2m_mappings). `done` runs on a
// storage thread (or inline for a malformed id). Writes send NOTIFY on kChangeChannel with
// the config id. Thread-safe.
class M2mConfigStore final : public M2mConfigRecords {
 public:
  // Registers its prepared statements and the role tables' (for the writer's check) with
  // `executor`, which must outlive it.
  explicit M2mConfigStore(StorageExecutor& executor);

  void List(Done<std::vector<M2mConfig>> done) override;
  void Get(std::string id, Done<M2mConfig> done) override;
  // The writer's check runs inside the transaction under the shared roles lock.
  void Add(M2mConfig config, RoleWriter writer, Done<M2mConfig> done) override;
  void Update(M2mConfig config, RoleWriter writer, Done<M2mConfig> done) override;
  void Delete(std::string id, StatusDone done) override;

  static constexpr char kChangeChannel[] = "warden_m2m_configs";

 private:
  StorageExecutor& executor_;
};

}  // namespace warden::storage
