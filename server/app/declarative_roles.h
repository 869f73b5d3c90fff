#pragma once

#include <string>

#include "absl/status/status.h"
#include "common/clock.h"
#include "server/roles/role_authority.h"
#include "server/signin/auth_provider_authority.h"
#include "storage/declarative_store.h"

namespace warden {

// Checks the auth providers of a parsed declarative configuration as AddAuthProvider does
// (https issuer, expressions that compile, name) and normalises them ("openid" among the
// scopes). INVALID_ARGUMENT "<path>: auth provider "<name>": <what is wrong>".
absl::Status CheckDeclarativeAuthProviders(const std::string& path, DeclarativeConfig& config);

// The declarative configuration file (WARDEN_DECLARATIVE_CONFIG): read, checked and
// applied as a whole, at start-up and on SIGHUP. A bad file or a rejected apply changes
// nothing; the previous state stays and the log says why, naming the line where the file
// is at fault. Thread-compatible: one caller at a time (start-up, then the signal thread).
class DeclarativeRoles final {
 public:
  // An empty `path` disables it: Apply() then does nothing.
  DeclarativeRoles(std::string path, storage::DeclarativeStore& store, RoleAuthority& authority,
                   AuthProviderAuthority& providers, const Clock& clock);

  // Parses the file, checks its auth providers as AddAuthProvider does (and normalises
  // them), applies it in one transaction, then reloads the role and provider views. Blocks
  // until done; never call from a gRPC or storage thread. Logs
  // "applied declarative configuration ..." or "rejected declarative configuration ...".
  absl::Status Apply();

 private:
  const std::string path_;
  storage::DeclarativeStore& store_;
  RoleAuthority& authority_;
  AuthProviderAuthority& providers_;
  const Clock& clock_;
};

}  // namespace warden
