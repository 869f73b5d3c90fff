#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "domain/m2m.h"
#include "storage/pg/executor.h"
#include "storage/role_writer.h"

namespace warden::storage {

// Machine-to-machine configurations in PostgreSQL (tables m2m_configs, m2m_mappings).
// Every method returns at once and calls `done` exactly once, on a storage thread (or
// inline for a malformed id). Writes commit before done(OK) and send NOTIFY on
// kChangeChannel with the config id. Validation of the contents (durations, URLs,
// expressions) happens above storage; storage enforces what needs the database:
// - a second configuration for the same issuer: ALREADY_EXISTS naming the issuer;
// - a mapping naming a role that does not exist: INVALID_ARGUMENT naming every such role;
// - unknown id: NOT_FOUND; an id that is not a UUID: INVALID_ARGUMENT.
// Thread-safe.
class M2mConfigStore final {
 public:
  template <typename T>
  using Done = std::function<void(absl::StatusOr<T>)>;

  // Registers its prepared statements and the role tables' (for the writer's check) with
  // `executor`, which must outlive it.
  explicit M2mConfigStore(StorageExecutor& executor);

  // Every configuration, ordered by issuer, mappings in their given order.
  void List(Done<std::vector<M2mConfig>> done);
  void Get(std::string id, Done<M2mConfig> done);
  // Stores `config` under a new id (config.id is ignored) and returns it as stored, with
  // revision 1. `writer` checks the mapped roles (RoleWriter::changed gets them), inside the
  // transaction under the shared roles lock, so no role edit can interleave.
  void Add(M2mConfig config, RoleWriter writer, Done<M2mConfig> done);
  // Replaces the configuration with config.id, mappings included, and raises its revision.
  void Update(M2mConfig config, RoleWriter writer, Done<M2mConfig> done);
  void Delete(std::string id, std::function<void(absl::Status)> done);

  static constexpr char kChangeChannel[] = "warden_m2m_configs";

 private:
  StorageExecutor& executor_;
};

}  // namespace warden::storage
