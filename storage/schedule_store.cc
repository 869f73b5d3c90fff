#include "storage/schedule_store.h"

#include <cstdint>
#include <pqxx/pqxx>
#include <utility>

#include "storage/pg/sql_values.h"

namespace warden::storage {
namespace {

// $1 job, $2 now (micros), $3 backoff (micros). ON CONFLICT DO UPDATE locks the row and
// evaluates its WHERE on the latest committed version (waiting for a concurrent claimer to
// commit), so two claimers can never both see the old last_run: the loser gets no row.
constexpr char kClaim[] = "warden_schedule_claim";
constexpr char kClaimSql[] = R"sql(
INSERT INTO job_runs AS r (job, last_run)
VALUES ($1, 'epoch'::timestamptz + $2::bigint * interval '1 microsecond')
ON CONFLICT (job) DO UPDATE SET last_run = EXCLUDED.last_run
WHERE r.last_run <= EXCLUDED.last_run - $3::bigint * interval '1 microsecond'
RETURNING true)sql";

// $1 job, $2 claimed_at (micros), $3 backoff (micros).
constexpr char kRelease[] = "warden_schedule_release";
constexpr char kReleaseSql[] = R"sql(
UPDATE job_runs
SET last_run = last_run - $3::bigint * interval '1 microsecond'
WHERE job = $1 AND last_run = 'epoch'::timestamptz + $2::bigint * interval '1 microsecond')sql";

// $1 job.
constexpr char kLastRun[] = "warden_schedule_last_run";
constexpr char kLastRunSql[] = R"sql(
SELECT (extract(epoch FROM last_run) * 1000000)::bigint FROM job_runs WHERE job = $1)sql";

absl::Status CheckArguments(const std::string& job, absl::Duration backoff) {
  if (job.empty()) return absl::InvalidArgumentError("job name must not be empty");
  if (backoff < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("backoff must not be negative");
  }
  return absl::OkStatus();
}

}  // namespace

ScheduleStore::ScheduleStore(StorageExecutor& executor) : executor_(executor) {
  executor_.Prepare(kClaim, kClaimSql);
  executor_.Prepare(kRelease, kReleaseSql);
  executor_.Prepare(kLastRun, kLastRunSql);
}

void ScheduleStore::TryClaim(std::string job, absl::Time now, absl::Duration backoff,
                             std::function<void(absl::StatusOr<bool>)> done) {
  if (absl::Status s = CheckArguments(job, backoff); !s.ok()) return done(s);
  executor_.Run<bool>(
      [job = std::move(job), now, backoff](pqxx::connection_base& conn) -> absl::StatusOr<bool> {
        pqxx::work tx(conn, "schedule_claim");
        const pqxx::result rows =
            tx.exec_prepared(kClaim, job, ToMicros(now), absl::ToInt64Microseconds(backoff));
        tx.commit();
        return !rows.empty();
      },
      std::move(done));
}

void ScheduleStore::ReleaseClaim(std::string job, absl::Time claimed_at, absl::Duration backoff,
                                 std::function<void(absl::Status)> done) {
  if (absl::Status s = CheckArguments(job, backoff); !s.ok()) return done(s);
  executor_.Run(
      [job = std::move(job), claimed_at, backoff](pqxx::connection_base& conn) {
        pqxx::work tx(conn, "schedule_release");
        tx.exec_prepared0(kRelease, job, ToMicros(claimed_at), absl::ToInt64Microseconds(backoff));
        tx.commit();
        return absl::OkStatus();
      },
      std::move(done));
}

void ScheduleStore::LastRun(std::string job,
                            std::function<void(absl::StatusOr<std::optional<absl::Time>>)> done) {
  using Result = std::optional<absl::Time>;
  executor_.Run<Result>(
      [job = std::move(job)](pqxx::connection_base& conn) -> absl::StatusOr<Result> {
        pqxx::nontransaction tx(conn, "schedule_last_run");
        const pqxx::result rows = tx.exec_prepared(kLastRun, job);
        if (rows.empty()) return Result();
        return Result(FromMicros(rows[0][0].as<int64_t>()));
      },
      std::move(done));
}

}  // namespace warden::storage
