#pragma once

// Internal to storage/: TokenSweepStore's statements that tests and the churn benchmark run
// themselves, so that they EXPLAIN the very SQL the store prepares. Only storage/ and tests/
// include it.

namespace warden::storage {

// TokenSweepStore::ListIdle. $1 now, $2 idle_before (microseconds), $3 after.issued_at
// (microseconds) and $4 after.id (both NULL on the first page), $5 how many tokens to
// examine. Defined in token_sweep_store.cc.
extern const char kListIdleSql[];

// TokenSweepStore::DeleteExpired. $1 expired_before (microseconds), $2 after.expiry
// (microseconds) and $3 after.id (both NULL: from the start), $4 batch. Defined in
// token_sweep_store.cc.
extern const char kDeleteExpiredSql[];

}  // namespace warden::storage
