#pragma once

#include "absl/status/status.h"
#include "domain/access.h"
#include "server/auth/method.h"

namespace warden {

// OK if `permissions` meets every requirement of `method` (server/auth/method.h);
// otherwise PERMISSION_DENIED naming each missing (resource, level) and what the caller
// holds.
absl::Status Authorize(Method method, const PermissionMap& permissions);

}  // namespace warden
