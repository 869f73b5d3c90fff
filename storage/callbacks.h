#pragma once

#include <functional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace warden::storage {

// How storage's interfaces (TokenRecords, PermissionSetRecords, AccessScopeRecords,
// RoleRecords, M2mConfigRecords) answer: every method returns at once and calls its `done`
// exactly once, from any thread — in the server a storage executor thread, or the caller's
// own thread, inline, for a malformed argument; the in-memory fakes of the tests answer
// inline or when the test says. UNAVAILABLE when the storage cannot be reached.
template <typename T>
using Done = std::function<void(absl::StatusOr<T>)>;
using StatusDone = std::function<void(absl::Status)>;

}  // namespace warden::storage
