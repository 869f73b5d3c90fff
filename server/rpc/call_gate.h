#pragma once

#include <atomic>
#include <string_view>

#include <grpcpp/server_context.h>

#include "absl/strings/string_view.h"
#include "absl/status/statusor.h"
#include "domain/identity.h"
#include "server/auth/authenticator.h"
#include "server/views/role_view.h"

namespace warden {

// Every RPC passes through the gate first: is the server ready, who is calling
// (Authenticator), and may they call this method (the permission table). CPU only, so a
// reactor may call it inline. Thread-safe.
class CallGate final {
 public:
  CallGate(const Authenticator& authenticator, const RoleView& roles);

  // The caller's identity, or UNAVAILABLE (still starting), UNAUTHENTICATED or
  // PERMISSION_DENIED. `method` is "Service.Method" as in the permission table.
  absl::StatusOr<Identity> Admit(const grpc::CallbackServerContext& context,
                                 absl::string_view method) const;

  // Marks the server ready: the database is migrated and the views are loaded. Until then
  // every call answers UNAVAILABLE, because a revocation could not yet be honoured.
  void SetReady() { ready_.store(true, std::memory_order_release); }
  // OK, or UNAVAILABLE while starting; for the one method that needs no credentials.
  absl::Status CheckReady() const;
  bool ready() const { return ready_.load(std::memory_order_acquire); }

  const Authenticator& authenticator() const { return authenticator_; }
  const RoleView& roles() const { return roles_; }

 private:
  const Authenticator& authenticator_;
  const RoleView& roles_;
  std::atomic<bool> ready_{false};
};

}  // namespace warden
