#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "notifier/fleet_job.h"
#include "notifier/notice_sinks.h"
#include "notifier/notifier_config.h"
#include "storage/schedule_store.h"
#include "storage/token_sweep_store.h"

namespace warden::notifier {

// What one InactiveTokenRevoker::RunOnce did (JobRun: run_at, claimed, complete).
struct InactivityReport : JobRun {
  int64_t pages = 0;           // ListIdle pages read
  int64_t tokens_revoked = 0;  // revoked by this run
  int64_t tokens_warned = 0;   // warned about by this run
};

// Revokes what nobody uses (WARDEN_TOKEN_INACTIVITY_TIMEOUT, issue 18). Each run, once per
// `backoff` in the fleet (job kJob, claimed as the expiration notifier claims its own), walks
// the live tokens that were neither used (last_used_at) nor issued within the timeout minus
// the warning lead (InactivityBoundsAt), `inactivity_batch` tokens at a time, and:
//   * revokes those idle for longer than the timeout, one transaction per page, which also
//     NOTIFYs every replica (TokenSweepStore::RevokeIdle); calls `on_revoked` for each (the
//     server writes the audit record and updates its own revocation view) and logs it;
//   * warns about those that will be, within the lead, through the sinks
//     (NoticeKind::kInactive, InactivityMessage), in a run of their own.
// Only uses that reached last_used_at count: a token that services validate only locally
// (warden::LocalValidator) is never seen used, and is revoked as unused.
//
// Lifetime and threads as ExpirationNotifier's: the stores, `clock` and `sinks` outlive it;
// Stop() before the storage executor shuts down. Thread-safe.
class InactiveTokenRevoker final {
 public:
  static constexpr char kJob[] = "token_inactivity_revoker";

  // Called on the run's thread once per token revoked, after its transaction committed.
  using OnRevoked = std::function<void(const storage::IdleToken& token, absl::Time revoked_at)>;

  // REQUIRES: config.inactivity_timeout > 0.
  InactiveTokenRevoker(NotifierConfig config, storage::ScheduleStore& schedule,
                       storage::TokenSweepStore& tokens, const Clock& clock,
                       std::shared_ptr<NoticeSinks> sinks, OnRevoked on_revoked);
  ~InactiveTokenRevoker();  // Stop()s

  // Starts the loop thread: RunOnce at once, then every `interval`. REQUIRES: at most once.
  void Start();
  // As ExpirationNotifier::Stop. A revocation batch already sent is waited for, so that
  // every committed revocation gets its `on_revoked`.
  void Stop();
  // One wake: claim; if won, revoke and warn. Blocking. Errors: the storage error that
  // ended the run (its claim was given back).
  absl::StatusOr<InactivityReport> RunOnce();

  // Tokens this replica revoked since it started, for the metric.
  int64_t revoked_total() const { return revoked_total_.load(); }

 private:
  absl::Status Sweep(InactivityReport& report);
  // Revokes `ids`; REQUIRES: not empty.
  absl::Status Revoke(std::vector<std::string> ids, InactivityReport& report, absl::Time now,
                      absl::Time revoke_before);
  void Warn(const std::vector<storage::IdleToken>& tokens, absl::Time now) const;

  const NotifierConfig config_;
  storage::TokenSweepStore& tokens_;
  const std::shared_ptr<NoticeSinks> sinks_;
  const OnRevoked on_revoked_;
  std::atomic<int64_t> revoked_total_{0};
  FleetJob job_;
};

}  // namespace warden::notifier
