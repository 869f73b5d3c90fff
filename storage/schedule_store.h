#pragma once

#include <functional>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/pg/executor.h"

namespace warden::storage {

// When periodic jobs last did their work (table `job_runs`), shared by every replica so that
// a job runs once per period in the whole fleet and a restart does not run it early.
//
// Every method returns at once and calls `done` exactly once: on a storage executor thread,
// or inline on the caller's thread for an invalid argument or a shut-down executor.
// Times are the callers' clocks (replicas' clocks are assumed roughly in sync, as token
// expiry already assumes), stored with microsecond precision.
// Errors: as storage/pg/errors.h maps them (UNAVAILABLE when the database is away).
// Thread-safe.
class ScheduleStore final {
 public:
  // Registers this store's prepared statements with `executor`, which must outlive it.
  explicit ScheduleStore(StorageExecutor& executor);

  // Claims the run of `job` at `now`: true, with last_run set to `now`, if the job never ran
  // or its last run is at or before now - backoff; false, changing nothing, otherwise.
  // One conditional upsert, so of any number of concurrent callers (one database, many
  // replicas) exactly one wins per period. Committed before done(true).
  // Empty `job` or backoff < 0: INVALID_ARGUMENT.
  void TryClaim(std::string job, absl::Time now, absl::Duration backoff,
                std::function<void(absl::StatusOr<bool>)> done);

  // Gives back a claim whose run did not finish (failed or stopped), so that the next wake
  // of any replica may run the job again instead of waiting a whole backoff: sets last_run
  // to claimed_at - backoff, only if last_run is still `claimed_at` (no one claimed since).
  // OK whether or not the claim was still held.
  void ReleaseClaim(std::string job, absl::Time claimed_at, absl::Duration backoff,
                    std::function<void(absl::Status)> done);

  // The last claimed run of `job`; nullopt if it never ran. For tests and operators.
  void LastRun(std::string job,
               std::function<void(absl::StatusOr<std::optional<absl::Time>>)> done);

 private:
  StorageExecutor& executor_;
};

}  // namespace warden::storage
