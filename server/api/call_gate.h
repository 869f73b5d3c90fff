#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/clock.h"
#include "domain/identity.h"
#include "server/auth/authenticator.h"
#include "server/auth/method.h"
#include "server/auth/rate_limiter.h"
#include "validation/role_view.h"

namespace warden {

// The abuse limits the gate enforces (docs/security.md); a rate of 0 disables one.
struct AbuseLimits {
  // GenerateToken calls per calling identity.
  RateLimiter::Options generate;
  // Wrong passwords per (client network, user name): ClientNetwork(peer) is an IPv4
  // address or an IPv6 /64. While its budget is spent, that user's password is not even
  // checked from that network, so guessing it cannot go faster than this. Signed
  // credentials (Warden tokens, ID tokens) cannot be guessed and spend no budget, so a
  // good token is never locked out by someone else's failures behind the same address.
  RateLimiter::Options auth_failures;
};

// What a transport knows of a call before the gate admits it.
struct CallCredentials {
  // Every `authorization` header (gRPC metadata or HTTP header) the call sent, as sent.
  std::vector<std::string> authorization;
  // The peer as gRPC names it: "ipv4:10.0.0.1:5000", "ipv6:[::1]:5000" (ClientNetwork).
  std::string peer;
};

// Every call, on any transport, passes through the gate first: is the server ready, may this
// network still try this password, who is calling (Authenticator), may they call this method (the
// permission table), and are they within their rate. Never blocks: everything is CPU only except a
// third-party ID token's check, which the Authenticator hands to a worker pool.
// Thread-safe.
class CallGate final {
 public:
  CallGate(const Authenticator& authenticator, const RoleView& roles, AbuseLimits limits,
           const Clock& clock);

  using Done = std::function<void(absl::StatusOr<Identity>)>;

  // Gives `done` the caller's identity, or UNAVAILABLE (still starting), RESOURCE_EXHAUSTED
  // (too many wrong passwords for this user from this network, too many calls of a
  // rate-limited method by this identity's root, or the ID-token pool is full),
  // UNAUTHENTICATED or PERMISSION_DENIED. `done` runs exactly once: inline, or for a
  // third-party ID token on the pool that checks it.
  // REQUIRES: `method` takes credentials (not MethodInfo::anonymous).
  void Admit(const CallCredentials& call, Method method, Done done) const;
  // The same, answered inline; a third-party ID token is refused (UNAUTHENTICATED: exchange
  // it first). For callers that cannot wait (a stream's set-up).
  absl::StatusOr<Identity> AdmitInline(const CallCredentials& call, Method method) const;

  // Marks the server ready: the database is migrated and the views are loaded. Until then
  // every call answers UNAVAILABLE, because a revocation could not yet be honoured.
  void SetReady() { ready_.store(true, std::memory_order_release); }
  // OK, or UNAVAILABLE while starting; for the methods that need no credentials.
  absl::Status CheckReady() const;
  bool ready() const { return ready_.load(std::memory_order_acquire); }

 private:
  // The caller's `authorization` values, the key its password failures count under (empty
  // unless it sends Basic credentials), and whether that key's budget is spent.
  struct Request;
  absl::StatusOr<Request> Prepare(const CallCredentials& call, Method method) const;
  // Counts a failed password and checks the method's permissions and rate.
  absl::StatusOr<Identity> Conclude(const Request& request, Method method,
                                    absl::StatusOr<Identity> identity) const;

  const Authenticator& authenticator_;
  const RoleView& roles_;
  mutable RateLimiter generate_;
  mutable RateLimiter auth_failures_;
  std::atomic<bool> ready_{false};
};

}  // namespace warden
