#pragma once

#include "absl/status/statusor.h"
#include "domain/m2m.h"
#include "warden/v1/auth.pb.h"

namespace warden {

// Conversions between warden.v1 M2M messages and domain types, for AuthApi.
void ToProto(const M2mConfig& config, v1::AuthMachineToMachineConfig* out);
// INVALID_ARGUMENT for a token_expiration_duration that does not parse or is out of range.
absl::StatusOr<M2mConfig> FromProto(const v1::AuthMachineToMachineConfig& config);

}  // namespace warden
