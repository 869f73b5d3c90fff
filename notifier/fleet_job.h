#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "notifier/stop_signal.h"
#include "storage/schedule_store.h"

namespace warden::notifier {

// What every fleet job's run reports at least; a job's own report adds its figures.
struct JobRun {
  absl::Time run_at;      // the clock's time when the run began
  bool claimed = false;   // this replica won the period's run (false: one ran within backoff)
  bool complete = false;  // claimed, and the work was done to the end
};

// The part the periodic background jobs share (the expiration notifier, the inactivity
// revoker, the retention purger): a loop thread that wakes every `interval`, a claim of the
// run in `job_runs` (ScheduleStore::TryClaim under the job's own name), so that each run
// happens once per `backoff` in the whole fleet and a restart does not run early, the claim
// given back when a run ends unfinished (failed or stopped: the next wake of any replica
// runs again), and a stop signal that wakes waits and abandons storage calls in flight.
//
// Lifetime: `schedule` (and its executor) and `clock` outlive the job; Stop() (or the
// destructor) must run before the storage executor shuts down. Thread-safe.
class FleetJob final {
 public:
  struct Options {
    std::string name;   // the row in job_runs: 1 to 64 characters
    std::string title;  // what the log calls it: "Token expiration notifier"
    absl::Duration interval = absl::Hours(1);
    absl::Duration backoff = absl::Hours(24);
  };

  FleetJob(Options options, storage::ScheduleStore& schedule, const Clock& clock);
  ~FleetJob();  // Stop()s

  FleetJob(const FleetJob&) = delete;
  FleetJob& operator=(const FleetJob&) = delete;

  // Starts the loop thread: `wake` at once, then every `interval` of real time, until
  // Stop(). REQUIRES: called at most once.
  void Start(std::function<void()> wake);

  // Sets the stop signal, calls `abort` (to cut a job's own outside I/O short, e.g. a
  // webhook POST), then joins the loop. Idempotent; afterwards RunOnce claims nothing.
  void Stop(const std::function<void()>& abort = {});

  // One wake: claims the run at the clock's now; if won, `body` does the work and sets
  // report.complete when it got to the end; an unfinished run gives the claim back.
  // Blocking; runs one at a time (concurrent callers wait). Returns `report` (claimed false
  // when another replica ran within the backoff, or the job was stopped), or the error of
  // the claim or of `body` (the claim is then given back).
  template <typename Report>
  absl::StatusOr<Report> RunOnce(const std::function<absl::Status(Report&)>& body);

  // Waits for `start(done)` to call done, unless the job is stopped first. Returns done's
  // value; nullopt when the job stopped, or when done got an error, which is then put in
  // `*error`. (A late `done` after a stop is dropped safely.)
  template <typename T>
  std::optional<T> AwaitValue(
      const std::function<void(std::function<void(absl::StatusOr<T>)>)>& start,
      absl::Status* error) const {
    std::optional<absl::StatusOr<T>> result =
        StopSignal::AwaitUnlessStopped<absl::StatusOr<T>>(stop_, start);
    if (!result.has_value()) return std::nullopt;
    if (!result->ok()) {
      *error = result->status();
      return std::nullopt;
    }
    return std::move(**result);
  }

  bool stopped() const { return stop_->stopped(); }
  const Options& options() const { return options_; }

 private:
  // Claims the run at `run_at`: true if won, false if not (or stopped while claiming).
  absl::StatusOr<bool> Claim(absl::Time run_at);
  void ReleaseClaim(absl::Time claimed_at);

  const Options options_;
  storage::ScheduleStore& schedule_;
  const Clock& clock_;
  const std::shared_ptr<StopSignal> stop_ = std::make_shared<StopSignal>();
  absl::Mutex run_mu_;   // held for a whole RunOnce
  absl::Mutex stop_mu_;  // serializes Start() and Stop()
  std::thread loop_ ABSL_GUARDED_BY(stop_mu_);
};

template <typename Report>
absl::StatusOr<Report> FleetJob::RunOnce(const std::function<absl::Status(Report&)>& body) {
  absl::MutexLock run_lock(&run_mu_);
  Report report;
  report.run_at = clock_.Now();
  const absl::StatusOr<bool> claimed = Claim(report.run_at);
  if (!claimed.ok()) return claimed.status();
  if (!*claimed) return report;
  report.claimed = true;
  absl::Status status = stopped() ? absl::OkStatus() : body(report);
  if (!status.ok()) report.complete = false;
  if (!report.complete) ReleaseClaim(report.run_at);
  if (!status.ok()) return status;
  return report;
}

}  // namespace warden::notifier
