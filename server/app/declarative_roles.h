#pragma once

#include <string>

#include "absl/status/status.h"
#include "common/clock.h"
#include "server/roles/role_authority.h"
#include "storage/declarative_store.h"

namespace warden {

// The declarative configuration file (WARDEN_DECLARATIVE_CONFIG): read, checked and
// applied as a whole, at start-up and on SIGHUP. A bad file or a rejected apply changes
// nothing; the previous state stays and the log says why, naming the line where the file
// is at fault. Thread-compatible: one caller at a time (start-up, then the signal thread).
class DeclarativeRoles final {
 public:
  // An empty `path` disables it: Apply() then does nothing.
  DeclarativeRoles(std::string path, storage::DeclarativeStore& store, RoleAuthority& authority,
                   const Clock& clock);

  // Parses and applies the file in one transaction, then reloads the role view. Blocks
  // until done; never call from a gRPC or storage thread. Logs
  // "applied declarative configuration ..." or "rejected declarative configuration ...".
  absl::Status Apply();

 private:
  const std::string path_;
  storage::DeclarativeStore& store_;
  RoleAuthority& authority_;
  const Clock& clock_;
};

}  // namespace warden
