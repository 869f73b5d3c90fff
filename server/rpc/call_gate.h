#pragma once

#include <atomic>
#include <string_view>

#include <grpcpp/server_context.h>

#include "absl/strings/string_view.h"
#include "absl/status/statusor.h"
#include "domain/identity.h"
#include "common/clock.h"
#include "server/auth/authenticator.h"
#include "server/auth/rate_limiter.h"
#include "server/views/role_view.h"

namespace warden {

// The abuse limits the gate enforces (docs/security.md); a rate of 0 disables one.
struct AbuseLimits {
  // GenerateToken calls per calling identity.
  RateLimiter::Options generate;
  // Failed authentications per client address (credentials refused, ID tokens not
  // accepted by the exchange). While its budget is spent, an address cannot authenticate
  // at all, so guessing a password or token cannot go faster than this.
  RateLimiter::Options auth_failures;
};

// Every RPC passes through the gate first: is the server ready, may this address still try
// to authenticate, who is calling (Authenticator), may they call this method (the
// permission table), and are they within their rate. CPU only, so a reactor may call it
// inline. Thread-safe.
class CallGate final {
 public:
  CallGate(const Authenticator& authenticator, const RoleView& roles, AbuseLimits limits,
           const Clock& clock);

  // The caller's identity, or UNAVAILABLE (still starting), RESOURCE_EXHAUSTED (too many
  // failed authentications from this address, or too many calls of a rate-limited method
  // by this identity), UNAUTHENTICATED or PERMISSION_DENIED. `method` is "Service.Method"
  // as in the permission table.
  absl::StatusOr<Identity> Admit(const grpc::CallbackServerContext& context,
                                 absl::string_view method) const;

  // For the one method that needs no credentials (the exchange, whose ID token is the
  // credential): OK, or UNAVAILABLE while starting, or RESOURCE_EXHAUSTED while the
  // address's failed-authentication budget is spent.
  absl::Status AdmitAnonymous(const grpc::CallbackServerContext& context) const;
  // Counts a failed authentication against the address `peer` (context.peer()).
  void NoteFailedAuthentication(const std::string& peer) const;

  // Marks the server ready: the database is migrated and the views are loaded. Until then
  // every call answers UNAVAILABLE, because a revocation could not yet be honoured.
  void SetReady() { ready_.store(true, std::memory_order_release); }
  // OK, or UNAVAILABLE while starting; for the one method that needs no credentials.
  absl::Status CheckReady() const;
  bool ready() const { return ready_.load(std::memory_order_acquire); }

  const Authenticator& authenticator() const { return authenticator_; }
  const RoleView& roles() const { return roles_; }

 private:
  absl::Status CheckAuthBudget(const std::string& peer) const;

  const Authenticator& authenticator_;
  const RoleView& roles_;
  mutable RateLimiter generate_;
  mutable RateLimiter auth_failures_;
  std::atomic<bool> ready_{false};
};

}  // namespace warden
