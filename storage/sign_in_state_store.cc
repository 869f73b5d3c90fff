#include "storage/sign_in_state_store.h"

#include <pqxx/pqxx>
#include <utility>

#include "storage/pg/sql_values.h"

namespace warden::storage {
namespace {

// $1 state id, $2 expires_at (micros), $3 prune rows expiring before this (micros), $4 at
// most this many. The data-modifying CTE runs whether or not it is referenced. SKIP LOCKED:
// replicas pruning at once take different rows instead of waiting on each other. The state
// being inserted is never pruned here, so a replay within one statement cannot slip through.
constexpr char kMarkUsed[] = "warden_sign_in_state_mark_used";
constexpr char kMarkUsedSql[] = R"sql(
WITH pruned AS (
  DELETE FROM sign_in_states WHERE state_id IN (
    SELECT state_id FROM sign_in_states
    WHERE expires_at < 'epoch'::timestamptz + $3::bigint * interval '1 microsecond'
      AND state_id <> $1
    ORDER BY expires_at LIMIT $4 FOR UPDATE SKIP LOCKED))
INSERT INTO sign_in_states (state_id, expires_at)
VALUES ($1, 'epoch'::timestamptz + $2::bigint * interval '1 microsecond'))sql";

}  // namespace

SignInStateStore::SignInStateStore(StorageExecutor& executor, const Clock& clock)
    : executor_(executor), clock_(clock) {
  executor_.Prepare(kMarkUsed, kMarkUsedSql);
}

void SignInStateStore::MarkUsed(std::string state_id, absl::Time expires_at, StatusDone done) {
  const absl::Time prune_before = clock_.Now() - kPruneGrace;
  executor_.Run(
      [state_id = std::move(state_id), expires_at,
       prune_before](pqxx::connection_base& conn) -> absl::Status {
        pqxx::nontransaction tx(conn, "sign_in_state_mark_used");  // commits itself
        tx.exec_prepared0(kMarkUsed, state_id, ToMicros(expires_at), ToMicros(prune_before),
                          static_cast<int64_t>(kPruneBatch));
        return absl::OkStatus();
      },
      [done = std::move(done)](absl::Status status) {
        // The primary key is the only unique constraint on sign_in_states.
        if (absl::IsAlreadyExists(status)) {
          status =
              absl::AlreadyExistsError("this sign-in was already completed or tried: start again");
        }
        done(std::move(status));
      });
}

}  // namespace warden::storage
