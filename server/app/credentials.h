#pragma once

#include <optional>

#include "absl/status/statusor.h"
#include "server/auth/admin_password.h"
#include "server/config/server_config.h"
#include "validation/jose/key_ring.h"

namespace warden {

// The signing keys: WARDEN_SIGNING_KEYS if given, else a dev key kept in the data dir
// (generated on first start, with a log line saying so).
absl::StatusOr<jose::KeyRing> LoadSigningKeys(const ServerConfig& config);

// The admin password: WARDEN_ADMIN_PASSWORD_FILE if given, else <data dir>/admin-password
// (generated on first start). Unset (Basic authentication disabled) if neither is set.
absl::StatusOr<std::optional<AdminPassword>> LoadAdminPassword(const ServerConfig& config);

}  // namespace warden
