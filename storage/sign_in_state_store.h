#pragma once

#include <string>

#include "absl/time/time.h"
#include "common/clock.h"
#include "storage/auth_provider_records.h"
#include "storage/pg/executor.h"

namespace warden::storage {

// SignInStateRecords in PostgreSQL (table sign_in_states; migration 0013). Each MarkUsed is
// one statement that also prunes up to kPruneBatch rows that expired more than kPruneGrace
// before `clock`'s now, so the table holds about the states of the last few minutes whatever
// the rate of sign-ins. The grace keeps a row a replica whose clock is behind may still need
// to refuse a replay. `done` runs on a storage thread, or inline for a shut-down executor.
// Thread-safe.
class SignInStateStore final : public SignInStateRecords {
 public:
  // Registers its prepared statement with `executor`; both must outlive it.
  SignInStateStore(StorageExecutor& executor, const Clock& clock);

  // ALREADY_EXISTS "this sign-in was already completed or tried: start again" when
  // `state_id` was used before. REQUIRES: the caller has checked that the state has not
  // expired (a pruned state's id would be taken again).
  void MarkUsed(std::string state_id, absl::Time expires_at, StatusDone done) override;

  static constexpr int kPruneBatch = 100;
  static constexpr absl::Duration kPruneGrace = absl::Minutes(5);

 private:
  StorageExecutor& executor_;
  const Clock& clock_;
};

}  // namespace warden::storage
