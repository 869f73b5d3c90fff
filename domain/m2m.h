#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace warden {

// The kind of third-party issuer an M2M configuration trusts.
enum class M2mType {
  kGeneric,
  kGithubActions,       // issuer fixed to kGithubActionsIssuer
  kKubeServiceAccount,  // may need the pod's service account token to read the keys
};

inline constexpr char kGithubActionsIssuer[] = "https://token.actions.githubusercontent.com";

// Grants `role` when the ID token's claim `key` (dotted for nested objects) has a value
// that `value_expression`, an RE2 expression, matches in full.
struct M2mMapping {
  std::string key;
  std::string value_expression;
  std::string role;
  bool operator==(const M2mMapping&) const = default;
};

// How Warden trusts one third-party OIDC issuer: which audiences its ID tokens must carry,
// how long the exchanged Warden tokens live, and which claims map to which roles.
struct M2mConfig {
  std::string id;  // UUID, assigned by storage
  // Assigned by storage: 1 when added, raised by every update. Exchanged tokens carry it, so
  // an update (a mapping fixed) reaches tokens exchanged before it.
  int64_t revision = 1;
  M2mType type = M2mType::kGeneric;
  std::string issuer;
  std::vector<std::string> audiences;
  bool allow_any_audience = false;  // must be explicit: no audience is refused otherwise
  absl::Duration token_lifetime = absl::Minutes(5);
  std::vector<M2mMapping> mappings;
};

}  // namespace warden
