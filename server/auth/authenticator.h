#pragma once

#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "domain/identity.h"
#include "server/auth/admin_password.h"
#include "validation/token_validator.h"

namespace warden {

// Turns a request's `authorization` header values into an Identity (SPEC §3):
// `Bearer <Warden token>`, `Bearer <third-party ID token>` when an M2M configuration trusts
// its issuer, or `Basic <admin:password>` for the bootstrap admin. Thread-safe. Everything
// but a third-party ID token is CPU only and answered inline; an ID token's check (which may
// fetch its issuer's keys) is handed to IdTokenAuthenticator, which must not block.
class Authenticator final {
 public:
  using Done = std::function<void(absl::StatusOr<Identity>)>;
  // Authenticates a third-party ID token sent directly as a bearer token (SPEC §4), or
  // answers NOT_FOUND when no M2M configuration trusts its issuer. Must not block: calls
  // `done` exactly once, inline or from another thread.
  using IdTokenAuthenticator = std::function<void(std::string id_token, Done done)>;

  // `admin` unset disables Basic authentication; `id_tokens` unset disables direct use of
  // third-party ID tokens.
  Authenticator(const TokenValidator& tokens, std::optional<AdminPassword> admin,
                IdTokenAuthenticator id_tokens = nullptr);

  // `headers` holds every `authorization` value the request carried. None, more than one,
  // an unknown scheme, or a bad credential: UNAUTHENTICATED with the reason. Calls `done`
  // exactly once: inline, except for a third-party ID token (then from the thread
  // IdTokenAuthenticator answers on).
  void Authenticate(const std::vector<absl::string_view>& headers, Done done) const;

  // What a request's headers amount to before any ID-token check: either the final answer
  // (`identity`), or a bearer credential that is no Warden token (`id_token` set, with the
  // Warden reason in `identity`) for IdTokenAuthenticator. CPU only.
  struct Attempt {
    absl::StatusOr<Identity> identity;
    std::string id_token;
  };
  Attempt Begin(const std::vector<absl::string_view>& headers) const;
  // Like Authenticate for Warden tokens and Basic; a third-party ID token is refused
  // (UNAUTHENTICATED) instead of checked. For callers that need an answer inline.
  absl::StatusOr<Identity> AuthenticateInline(const std::vector<absl::string_view>& headers) const;

  const TokenValidator& tokens() const { return tokens_; }
  // Whether the admin password is accepted now.
  bool admin_enabled() const { return admin_.has_value() && (!admin_allowed_ || admin_allowed_()); }
  // Makes the admin password depend on `allowed` (called on each Basic attempt): a password
  // Warden generated itself stops working once people can sign in through an auth provider.
  // REQUIRES: called before the authenticator is shared between threads.
  void SetAdminAllowed(std::function<bool()> allowed) { admin_allowed_ = std::move(allowed); }

 private:
  absl::StatusOr<Identity> AuthenticateBasic(absl::string_view credentials) const;

  const TokenValidator& tokens_;
  const std::optional<AdminPassword> admin_;
  const IdTokenAuthenticator id_tokens_;
  std::function<bool()> admin_allowed_;
};

// The admin user's name in HTTP Basic credentials.
inline constexpr char kAdminUserName[] = "admin";

}  // namespace warden
