#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "absl/status/status.h"
#include "domain/token.h"
#include "storage/pg/executor.h"
#include "storage/token_records.h"

namespace warden::storage {

// Group commit for token mints (issue 19): concurrent mints share one statement and one
// commit, so that many mints cost one WAL flush instead of one each.
//
// At most kLanes batches run at a time (each a "mint lane" on the executor's pool): while they
// run, new mints queue; when one ends, the next batch takes everything queued, up to
// kMaxBatch. A mint that finds a lane idle starts a batch of its own at once: nothing waits
// for company. A batch
// is one statement calling warden_mint_token once per mint (MintMany, storage/token_mint.h),
// each with its own answer; a batch of one is the single mint of today (MintOne). Mints are
// taken in arrival order and run sorted by root (stable), so that batches of several
// replicas take the roots' advisory locks in one order.
//
// If the statement fails as a whole (a duplicate id, a deadlock after the executor's
// retries, a bad value), each of its mints is run again alone as its own executor task, so
// one bad mint never fails the others. A lost connection (UNAVAILABLE, the outcome may be
// unknown) answers every mint of the batch UNAVAILABLE, as a lone mint would be answered.
//
// A mint whose call's deadline passed, or that was cancelled, while it queued is answered so
// (StorageExecutor::CheckAwaited) and not run.
//
// Thread-safe. The batcher may be destroyed with batches still queued or running: they keep
// what they need and finish on the executor, which must outlive them.
class MintBatcher final {
 public:
  // The most mints one statement carries.
  static constexpr int kMaxBatch = 512;
  // The most batches with the executor at once, by default.
  static constexpr int kLanes = 1;
  // Mints that may wait for the lane; more are refused (RESOURCE_EXHAUSTED), like tasks past
  // the executor's max_queued: at a few milliseconds per batch, well under a second of work.
  static constexpr int kMaxQueued = 4096;

  // Registers the mint statements with `executor`, which must outlive every mint.
  // REQUIRES: lanes >= 1.
  explicit MintBatcher(StorageExecutor& executor, int lanes = kLanes);
  ~MintBatcher();

  MintBatcher(const MintBatcher&) = delete;
  MintBatcher& operator=(const MintBatcher&) = delete;

  // Stores `token` under `conditions`, with TokenRecords::Insert's answers; `done` is called
  // exactly once: on a storage executor thread after the mint's transaction committed (or
  // failed), or inline with RESOURCE_EXHAUSTED while kMaxQueued mints wait, or with the
  // executor's refusal (UNAVAILABLE once it shuts down). The caller must not hold a lock
  // that `done` takes. REQUIRES: token.id is a UUID, token.revoked == revoked_at.has_value().
  void Mint(TokenMetadata token, MintConditions conditions, std::function<void(absl::Status)> done);

  // Counts since start, for metrics and tests.
  struct Stats {
    int64_t batches = 0;    // statements run by the lane (a lone mint's too)
    int64_t mints = 0;      // mints those statements carried
    int64_t largest = 0;    // the most mints one statement carried
    int64_t fallbacks = 0;  // batches that failed as a whole, their mints then run alone
    int64_t refused = 0;    // mints refused because kMaxQueued were waiting
    int queued = 0;         // mints waiting for the lane now
  };
  Stats stats() const;

 private:
  class Lane;  // mint_batcher.cc; shared with the batches in flight
  std::shared_ptr<Lane> lane_;
};

}  // namespace warden::storage
