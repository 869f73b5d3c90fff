#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/status/status.h"
#include "domain/access.h"

namespace warden {

// What a caller must hold on one resource to call a method.
struct Requirement {
  std::string resource;
  Access level;
};

// The per-method permission table (SPEC §2). `method` is "Service.Method" without the
// package, e.g. "TokenService.GenerateToken". CHECK-fails for a method missing from the
// table, so that a new RPC cannot ship without deciding who may call it.
const std::vector<Requirement>& RequirementsFor(absl::string_view method);

// Every method in the permission table, sorted.
std::vector<std::string> PermissionTableMethods();

// The methods that take no credentials and so never pass the permission table: the public
// keys (public), and the M2M exchange (its ID token is the credential). Sorted.
const std::vector<std::string>& AnonymousMethods();

// OK if `permissions` meets every requirement of `method`; otherwise PERMISSION_DENIED
// naming each missing (resource, level) and what the caller holds.
absl::Status Authorize(absl::string_view method, const PermissionMap& permissions);

}  // namespace warden
