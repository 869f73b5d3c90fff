#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/status/statusor.h"
#include "domain/identity.h"
#include "server/auth/admin_password.h"
#include "server/auth/token_validator.h"

namespace warden {

// Turns a request's `authorization` header values into an Identity (SPEC §3):
// `Bearer <Warden token>`, or `Basic <admin:password>` for the bootstrap admin.
// Thread-safe; CPU only.
class Authenticator final {
 public:
  // `admin` unset disables Basic authentication.
  Authenticator(const TokenValidator& tokens, std::optional<AdminPassword> admin);

  // `headers` holds every `authorization` value the request carried. None, more than one,
  // an unknown scheme, or a bad credential: UNAUTHENTICATED with the reason.
  absl::StatusOr<Identity> Authenticate(const std::vector<absl::string_view>& headers) const;

  const TokenValidator& tokens() const { return tokens_; }

 private:
  absl::StatusOr<Identity> AuthenticateBasic(absl::string_view credentials) const;

  const TokenValidator& tokens_;
  const std::optional<AdminPassword> admin_;
};

// The admin user's name in HTTP Basic credentials.
inline constexpr char kAdminUserName[] = "admin";

}  // namespace warden
