#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "domain/m2m.h"

namespace warden {

inline constexpr absl::Duration kMinM2mTokenLifetime = absl::Minutes(1);
inline constexpr absl::Duration kMaxM2mTokenLifetime = absl::Hours(24);

// Parses an M2M token lifetime: a Go-style duration ("5m", "1h") within [1m, 24h].
// INVALID_ARGUMENT saying what is wrong.
absl::StatusOr<absl::Duration> ParseM2mTokenLifetime(const std::string& text);

// Checks and normalises a configuration before storage sees it (SPEC §4):
// - the issuer is an https URL; for GITHUB_ACTIONS it is fixed to GitHub's issuer (empty
//   means that, anything else is refused);
// - at least one audience, unless allow_any_audience says so explicitly;
// - at least one mapping; each has a claim key, a role, and an expression that compiles
//   as RE2 (it will be matched against the WHOLE claim value).
// Returns the normalised config, or INVALID_ARGUMENT naming the field.
absl::StatusOr<M2mConfig> ValidateM2mConfig(M2mConfig config);

// Shared with auth providers, whose issuers and rules follow the same rules.
// An https issuer URL without spaces, query or fragment; else INVALID_ARGUMENT.
absl::Status ValidateIssuerUrl(const std::string& issuer);
// Each rule has a claim key, a role, no NUL, and an expression that compiles as RE2; else
// INVALID_ARGUMENT naming "<noun> <1-based index>".
absl::Status ValidateClaimRules(const std::vector<M2mMapping>& rules, absl::string_view noun);

}  // namespace warden
