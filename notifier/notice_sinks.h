#pragma once

#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "notifier/expiration_sink.h"

namespace warden::notifier {

// The sinks (log, JSON, webhook) that the notifying jobs share: the expiration notifier and
// the inactivity revoker. A run has them to itself from Begin to End; another job's Begin
// waits until then, so runs never overlap, as ExpirationSink promises its implementations
// (the webhook gathers one run's notices into one POST). Thread-safe.
class NoticeSinks final {
 public:
  explicit NoticeSinks(std::vector<std::unique_ptr<ExpirationSink>> sinks);

  NoticeSinks(const NoticeSinks&) = delete;
  NoticeSinks& operator=(const NoticeSinks&) = delete;

  // Waits until no other run has the sinks (or Shutdown), then BeginRun on each.
  // REQUIRES: every Begin is followed by End, on the same thread.
  void Begin(absl::Time run_at);
  // Emit on each sink. Any thread, between Begin and End.
  void Emit(const ExpiringTokenBatch& batch) const;
  // EndRun on each sink (the webhook POSTs here), then lets the next run Begin.
  void End(const RunSummary& summary);
  // Shutdown on each sink: in-flight work is aborted, later calls return promptly, and
  // Begin no longer waits. Idempotent.
  void Shutdown();

 private:
  const std::vector<std::unique_ptr<ExpirationSink>> sinks_;
  absl::Mutex mu_;
  bool busy_ ABSL_GUARDED_BY(mu_) = false;
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace warden::notifier
