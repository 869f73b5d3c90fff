#pragma once

#include <grpcpp/alarm.h>
#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "domain/identity.h"
#include "server/auth/method.h"
#include "server/m2m/m2m_view.h"
#include "server/signin/auth_provider_view.h"
#include "server/watch/watch_hub.h"
#include "validation/revocation_view.h"
#include "validation/role_view.h"
#include "validation/token_validator.h"
#include "warden/v1/auth.pb.h"

namespace warden {

// What a watch stream reads: the change log and the views it describes, the validator whose
// public keys every full state carries, and the clock the caller's expiry is measured by.
struct WatchSources {
  WatchHub& hub;
  const RevocationView& revocations;
  const RoleView& roles;
  const M2mView& m2m;
  const AuthProviderView& providers;  // announced by the hub as M2M changes are
  const TokenValidator& tokens;
  const Clock& clock;
};

// One AuthService.WatchRevocations stream. It first sends the full state (or resumes after
// the request's cursor), then one message per batch of changes from the hub, with at most
// one write in flight: a slow watcher gets larger batches, and one that falls behind the
// retained log gets the full state again. Ends with UNAVAILABLE when the hub closes (server
// shutdown).
//
// The stream lives no longer than its caller's right to it (CallGate admitted the caller
// once): it ends with UNAUTHENTICATED when the caller's own token is revoked or its
// credential expires (a gRPC alarm, so no thread waits), and with PERMISSION_DENIED when a
// role change leaves the caller's roles without kMethod's permissions. Deletes itself when
// gRPC is done with it and the alarm has run.
class WatchReactor final : public grpc::ServerWriteReactor<v1::WatchRevocationsResponse> {
 public:
  // Revocations per message, which keeps a full state of 100,000 revocations (about
  // 6 MB) within gRPC's default 4 MB message limit per message.
  static constexpr size_t kRevocationsPerMessage = 5000;
  // The method in the method table (server/auth/method.h).
  static constexpr Method kMethod = Method::kWatchRevocations;

  // `caller` is the identity CallGate admitted for kMethod.
  WatchReactor(WatchSources sources, const std::string& cursor, Identity caller);

  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  // Starts the next write if none is in flight and there is something to send, or finishes
  // the stream once it must end.
  void Pump();
  // Queues what the watcher has not seen yet (nothing if there is nothing new); not OK, and
  // nothing queued, when the caller may no longer watch.
  absl::Status QueueNext() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Queues the full state as of now; the watcher resumes from the hub's current head.
  absl::Status QueueFullState() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void FillRoles(v1::WatchRevocationsResponse& message) const;
  void FillM2m(v1::WatchRevocationsResponse& message) const;
  // UNAUTHENTICATED if `token_id` is the caller's own credential, refused from
  // `effective_from` on, and that time has come.
  absl::Status CheckNotOwn(const std::string& token_id, absl::Time effective_from) const;
  // PERMISSION_DENIED unless the caller's roles, as they are now, grant kMethod.
  absl::Status CheckStillAllowed() const;
  // Ends the stream (once no write is in flight) when the caller's credential expires.
  void ArmExpiry();
  // Finishes the stream at once, unless it is already finished (cancelled, or broken).
  void End(const grpc::Status& status);
  // Drops one of holds_; the last deletes the reactor.
  void Release();

  const WatchSources sources_;
  const Identity caller_;
  uint64_t subscription_ = 0;
  grpc::Alarm expiry_;
  bool expiry_armed_ = false;  // set in the constructor only
  // gRPC's hold (until OnDone) and, while it is set, the expiry alarm's (until its callback
  // has run, which it does even when cancelled).
  std::atomic<int> holds_{1};

  absl::Mutex mu_;
  uint64_t position_ ABSL_GUARDED_BY(mu_) = 0;
  std::deque<v1::WatchRevocationsResponse> queued_ ABSL_GUARDED_BY(mu_);
  v1::WatchRevocationsResponse in_flight_;  // the write in flight's; set while !writing_
  // Why the stream must end (OK: it goes on); sent once no write is in flight.
  absl::Status ending_ ABSL_GUARDED_BY(mu_);

  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace warden
