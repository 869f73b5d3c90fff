#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/thread_pool.h"
#include "domain/token.h"
#include "notifier/expiration_sink.h"
#include "notifier/fleet_job.h"
#include "notifier/notice_sinks.h"
#include "notifier/notifier_config.h"
#include "storage/schedule_store.h"
#include "storage/token_store.h"

namespace warden::notifier {

// What one RunOnce did (JobRun: run_at, claimed, complete).
struct RunReport : JobRun {
  int64_t pages = 0;  // ListExpiring pages read
  // Tokens found not revoked, not expired and expiring within the window, each notified
  // once. The figure for a "tokens expiring soon" gauge, valid when `complete`.
  int64_t tokens_expiring = 0;
};

// The expiration notifier of SPEC §5. Wakes every `interval`; when the last notifying run of
// the whole fleet (kept in PostgreSQL, job kJob) is at least `backoff` old, it claims the run
// (one atomic conditional update, so exactly one replica wins per period, and a restart does
// not notify early), lists the live tokens expiring within `window` page by page (keyset over
// the partial index, `page_size` tokens at a time, so memory stays bounded) and hands each
// page to its own thread pool (`threads`), which passes it to every sink.
//
// A run that fails or is stopped mid-scan gives its claim back (ScheduleStore::ReleaseClaim),
// so the next wake of any replica runs again rather than a whole backoff later; some tokens
// may then be notified twice, never zero times. The claim, the loop and the stop are
// FleetJob's.
//
// Lifetime: the stores (and their executor) and `clock` must outlive the notifier; Stop()
// (or the destructor) must run before the storage executor shuts down. The notifier needs the
// schema's `job_runs` table: start it after the migrations. Thread-safe.
class ExpirationNotifier final {
 public:
  // The job's row in job_runs.
  static constexpr char kJob[] = "token_expiration_notifier";

  // Starts the pool's threads; does not run anything yet.
  ExpirationNotifier(NotifierConfig config, storage::ScheduleStore& schedule,
                     storage::TokenStore& tokens, const Clock& clock,
                     std::vector<std::unique_ptr<ExpirationSink>> sinks);
  // The same with sinks shared with the inactivity revoker (runs take turns on them).
  ExpirationNotifier(NotifierConfig config, storage::ScheduleStore& schedule,
                     storage::TokenStore& tokens, const Clock& clock,
                     std::shared_ptr<NoticeSinks> sinks);
  // Calls Stop().
  ~ExpirationNotifier();

  ExpirationNotifier(const ExpirationNotifier&) = delete;
  ExpirationNotifier& operator=(const ExpirationNotifier&) = delete;

  // Starts the loop thread: RunOnce at once, then every `interval` of real time. Failures
  // are logged as warnings and retried at the next wake. REQUIRES: called at most once.
  void Start();

  // Stops the loop, even mid-scan, within about a second: wakes its wait, abandons a page
  // query in flight, lets the pool finish the pages already handed to it (at most 2 × threads
  // pages), aborts webhook POSTs; then joins the threads. Idempotent; afterwards RunOnce
  // does nothing.
  void Stop();

  // One wake: claim; if won, list and notify; wait until the sinks are done. Blocking; runs
  // one at a time (concurrent callers wait). Tests call it directly with a fake clock.
  // Errors: the storage error that ended the run (the claim was given back).
  absl::StatusOr<RunReport> RunOnce();

  // The report of the last run that claimed; nullopt before one. For metrics.
  std::optional<RunReport> last_report() const;

 private:
  void LogRun(const absl::StatusOr<RunReport>& report) const;
  // The claimed part of a run: lists, notifies, waits for the sinks.
  absl::Status Notify(RunReport& report);
  // Runs on the pool: turns a page into notices and passes them to every sink.
  void EmitPage(absl::Time run_at, const std::vector<TokenMetadata>& tokens) const;

  const NotifierConfig config_;
  storage::TokenStore& tokens_;
  const Clock& clock_;
  const std::shared_ptr<NoticeSinks> sinks_;
  FleetJob job_;
  ThreadPool pool_;

  mutable absl::Mutex mu_;
  std::optional<RunReport> last_report_ ABSL_GUARDED_BY(mu_);
};

}  // namespace warden::notifier
