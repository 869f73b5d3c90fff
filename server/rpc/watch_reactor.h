#pragma once

#include <cstdint>
#include <deque>
#include <string>

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "server/auth/token_validator.h"
#include "server/views/m2m_view.h"
#include "server/views/revocation_view.h"
#include "server/views/role_view.h"
#include "server/watch/watch_hub.h"
#include "warden/v1/auth.pb.h"

namespace warden {

// What a watch stream reads: the change log and the views it describes, and the validator
// whose public keys every full state carries.
struct WatchSources {
  WatchHub& hub;
  const RevocationView& revocations;
  const RoleView& roles;
  const M2mView& m2m;
  const TokenValidator& tokens;
};

// One AuthService.WatchRevocations stream. It first sends the full state (or resumes after
// the request's cursor), then one message per batch of changes from the hub, with at most
// one write in flight: a slow watcher gets larger batches, and one that falls behind the
// retained log gets the full state again. Ends with UNAVAILABLE when the hub closes (server
// shutdown). Deletes itself when gRPC is done with it.
class WatchReactor final : public grpc::ServerWriteReactor<v1::WatchRevocationsResponse> {
 public:
  // Revocations per message, which keeps a full state of 100,000 revocations (about
  // 6 MB) within gRPC's default 4 MB message limit per message.
  static constexpr size_t kRevocationsPerMessage = 5000;

  WatchReactor(WatchSources sources, const std::string& cursor);

  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  // Starts the next write if none is in flight and there is something to send.
  void Pump();
  // Queues the full state as of now; the watcher resumes from the hub's current head.
  void QueueFullState() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void FillRoles(v1::WatchRevocationsResponse& message) const;
  void FillM2m(v1::WatchRevocationsResponse& message) const;
  // Finishes the stream once.
  void End(const grpc::Status& status);

  const WatchSources sources_;
  uint64_t subscription_ = 0;

  absl::Mutex mu_;
  uint64_t position_ ABSL_GUARDED_BY(mu_) = 0;
  std::deque<v1::WatchRevocationsResponse> queued_ ABSL_GUARDED_BY(mu_);
  v1::WatchRevocationsResponse in_flight_;  // the write in flight's; set while !writing_

  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace warden
