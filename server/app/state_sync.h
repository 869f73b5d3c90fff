#pragma once

#include <functional>
#include <string>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "storage/role_store.h"
#include "storage/token_store.h"
#include "validation/revocation_view.h"
#include "validation/role_view.h"

namespace warden {

// Brings the in-memory views in step with PostgreSQL, on its own thread:
// at start-up it retries with backoff until the database is reachable, applies the
// migrations, calls `after_migrations`, loads roles and revocations, then calls `on_ready`;
// afterwards it reloads both every `interval` (the bound within which another replica's revocation
// or role change is seen here). A failed reload keeps the views as they are: validation stays up on
// what is known.
class StateSync final {
 public:
  struct Options {
    std::string database_url;
    absl::Duration interval = absl::Seconds(5);
    absl::Duration leeway = absl::Seconds(60);  // revocations are kept this long past expiry
  };
  StateSync(Options options, storage::TokenStore& tokens, storage::RoleStore& roles,
            RevocationView& revocations, RoleView& role_view, const Clock& clock,
            std::function<void()> after_migrations, std::function<absl::Status()> reload_more,
            std::function<void()> on_ready);
  ~StateSync();  // Stop()s

  void Start();
  // Returns once the thread has ended; safe to call more than once.
  void Stop();

  // Reloads roles, revocations and the other views now, on the caller's thread (blocking).
  // The change feed calls it after (re)connecting, to catch up on missed notifications.
  absl::Status Reload();

 private:
  // Flags tokens past their expiry (TokenStore::MarkExpired) until none are left.
  absl::Status SweepExpired();
  void Run();
  absl::Status Bootstrap();

  const Options options_;
  storage::TokenStore& tokens_;
  storage::RoleStore& roles_;
  RevocationView& revocations_;
  RoleView& role_view_;
  const Clock& clock_;
  std::function<void()> after_migrations_;     // e.g. apply the declarative configuration
  std::function<absl::Status()> reload_more_;  // other views (M2M configurations)
  std::function<void()> on_ready_;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace warden
