#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace warden {

// What token validation needs to know beyond the token and the keys: a narrow view of
// Warden's state. The server implements it over its in-memory views (server/views), a
// client library over what its watch stream delivers. Implementations are thread-safe and
// answer from memory: validation never waits for I/O.
class ValidationState {
 public:
  virtual ~ValidationState() = default;

  // Whether the token with this id (the JWT's jti) is refused at `now`: revoked, or rotated
  // and past its overlap.
  virtual bool IsRevoked(const std::string& token_id, absl::Time now) const = 0;
  // The first of `roles` that no longer exists; nullopt when all do. (Tokens carry role
  // names; a deleted role invalidates them.)
  virtual std::optional<std::string> MissingRole(const std::vector<std::string>& roles) const = 0;
  // The current revision of the M2M configuration `config_id`; nullopt when there is none.
  // Tokens exchanged through a configuration live only while its revision is unchanged.
  virtual std::optional<int64_t> M2mConfigRevision(const std::string& config_id) const = 0;
  // The current revision of the auth provider `provider_id`; nullopt when there is none. A
  // person's session token lives only while its provider's revision is unchanged.
  virtual std::optional<int64_t> AuthProviderRevision(const std::string& provider_id) const = 0;
};

}  // namespace warden
