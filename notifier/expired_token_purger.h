#pragma once

#include <atomic>
#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "notifier/fleet_job.h"
#include "notifier/notifier_config.h"
#include "storage/schedule_store.h"
#include "storage/token_sweep_store.h"

namespace warden::notifier {

// What one ExpiredTokenPurger::RunOnce did (JobRun: run_at, claimed, complete).
struct PurgeReport : JobRun {
  int64_t batches = 0;         // DELETE statements run
  int64_t tokens_deleted = 0;  // rows deleted by this run
};

// Keeps the table bounded (WARDEN_TOKEN_RETENTION, issue 18): each run, once per `backoff`
// in the fleet (job kJob), deletes the rows of tokens whose expiry — the one the token
// string carries, coalesce(signed_expires_at, expires_at) — is older than the retention,
// `retention_batch` rows per statement (TokenSweepStore::DeleteExpired), until a batch comes
// back short. Revocation semantics do not change: such a token is refused as expired anyway
// (the retention is at least 1h, longer than the validation leeway can be).
//
// Lifetime and threads as ExpirationNotifier's. Thread-safe.
class ExpiredTokenPurger final {
 public:
  static constexpr char kJob[] = "token_retention_purger";

  ExpiredTokenPurger(NotifierConfig config, storage::ScheduleStore& schedule,
                     storage::TokenSweepStore& tokens, const Clock& clock);
  ~ExpiredTokenPurger();  // Stop()s

  // Starts the loop thread: RunOnce at once, then every `interval`. REQUIRES: at most once.
  void Start();
  // Stops between two batches (a statement in flight finishes: it is short).
  void Stop();
  // One wake: claim; if won, delete batch after batch. Blocking. Errors: the storage error
  // that ended the run (its claim was given back).
  absl::StatusOr<PurgeReport> RunOnce();

  // Rows this replica deleted since it started, for the metric.
  int64_t deleted_total() const { return deleted_total_.load(); }

  // Where the batch after `batch` starts, or nullopt if the run is done: a batch that
  // deleted fewer than `batch_size` rows found no more (rows another deleter holds are left
  // to it). The next batch starts after the last row deleted, not at the index's beginning,
  // so a long catch-up does not walk again past the entries it has just deleted.
  static std::optional<storage::PurgeCursor> NextBatchAfter(const storage::PurgeBatch& batch,
                                                            int batch_size);

 private:
  absl::Status Purge(PurgeReport& report);

  const NotifierConfig config_;
  storage::TokenSweepStore& tokens_;
  std::atomic<int64_t> deleted_total_{0};
  FleetJob job_;
};

}  // namespace warden::notifier
