#pragma once

#include <functional>
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
  // Authenticates a third-party ID token sent directly as a bearer token (SPEC §4), or
  // answers NOT_FOUND when no M2M configuration trusts its issuer. May block for one key
  // fetch per issuer per cooldown.
  using IdTokenAuthenticator = std::function<absl::StatusOr<Identity>(absl::string_view)>;

  // `admin` unset disables Basic authentication; `id_tokens` unset disables direct use of
  // third-party ID tokens.
  Authenticator(const TokenValidator& tokens, std::optional<AdminPassword> admin,
                IdTokenAuthenticator id_tokens = nullptr);

  // `headers` holds every `authorization` value the request carried. None, more than one,
  // an unknown scheme, or a bad credential: UNAUTHENTICATED with the reason.
  absl::StatusOr<Identity> Authenticate(const std::vector<absl::string_view>& headers) const;

  const TokenValidator& tokens() const { return tokens_; }

 private:
  absl::StatusOr<Identity> AuthenticateBasic(absl::string_view credentials) const;

  const TokenValidator& tokens_;
  const std::optional<AdminPassword> admin_;
  const IdTokenAuthenticator id_tokens_;
};

// The admin user's name in HTTP Basic credentials.
inline constexpr char kAdminUserName[] = "admin";

}  // namespace warden
