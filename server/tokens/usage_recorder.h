#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/numeric/int128.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "domain/identity.h"
#include "storage/token_store.h"

namespace warden {

// Remembers when stored Warden tokens are used and writes it to their last_used_at in
// batches (SPEC §1), so that validation never waits for the database.
//
// RecordUse runs on every successful validation, on gRPC threads, so it is O(1) and nearly
// free of contention: tokens are spread over kShards shards, each a hash map under its own
// mutex, and a token whose use was recorded less than `granularity` ago costs one shared
// (reader) lock and one lookup — or nothing shared at all once the validating thread has
// seen that recent use (each thread remembers it for a few hundred tokens). The steady
// state of a busy token is a read, never a write;
// a token's use is recorded at most once per granularity, so it is written at most that
// often, and last_used_at may lag the true last use by up to the granularity.
//
// Flush hands what is pending to `write` in batches of `batch_size` (one statement each).
// A batch that fails stays pending for the next flush. Memory is bounded: at most
// `max_tokens` tokens are remembered (pending, or recorded within the granularity);
// beyond that the oldest are forgotten, and forgotten pending uses are counted (`dropped`)
// and logged.
//
// Start() runs Flush every `flush_interval` on a thread of its own; Stop() ends it and
// flushes what is still pending (graceful shutdown). Thread-safe; `clock` and whatever
// `write` refers to must outlive it.
class UsageRecorder final {
 public:
  struct Options {
    absl::Duration granularity = absl::Minutes(1);  // SPEC §1: at most once a minute
    absl::Duration flush_interval = absl::Minutes(1);
    size_t batch_size = 1000;    // uses per statement; REQUIRES: >= 1
    size_t max_tokens = 100000;  // REQUIRES: >= kShards
  };

  // Writes one batch (distinct ids) and calls `done` exactly once, on any thread. It must
  // never move a token's last_used_at backwards (TokenStore::RecordUses does not).
  using WriteBatch =
      std::function<void(std::vector<storage::TokenUse>, std::function<void(absl::Status)>)>;
  // The production WriteBatch: TokenStore::RecordUses, which must outlive the recorder.
  static WriteBatch WriteTo(storage::TokenStore& store);

  UsageRecorder(const Clock& clock, Options options, WriteBatch write);
  ~UsageRecorder();  // Stop()s

  UsageRecorder(const UsageRecorder&) = delete;
  UsageRecorder& operator=(const UsageRecorder&) = delete;

  // Records that `who` has just been authenticated by a Warden token. Only kApiToken
  // identities are recorded: the admin has no token, and a token exchanged for a
  // third-party ID token (kM2m) is never stored, so there is no row to update. An id that
  // is not a UUID is ignored (it came from a verified token, but is not trusted).
  void RecordUse(const Identity& who);

  // Writes every pending use, batch after batch, blocking until each is written. OK, or the
  // first failure: that batch and any not yet tried stay pending. Also forgets tokens
  // recorded longer than the granularity ago. REQUIRES: not on a thread `write` needs
  // (e.g. not a storage executor thread).
  absl::Status Flush();

  // Starts the flushing thread. REQUIRES: called at most once.
  void Start();
  // Stops the flushing thread and, if it was started, flushes once more. Idempotent.
  void Stop();

  struct Stats {
    size_t pending = 0;    // uses recorded and not yet written
    size_t tokens = 0;     // tokens remembered (pending or within the granularity)
    uint64_t dropped = 0;  // pending uses forgotten to stay within max_tokens, ever
  };
  Stats stats() const;

  static constexpr size_t kShards = 16;

 private:
  struct Entry {
    absl::Time used_at;  // the last recorded use
    bool pending;        // not written yet
  };
  struct Shard {
    mutable absl::Mutex mu;
    absl::flat_hash_map<absl::uint128, Entry> entries ABSL_GUARDED_BY(mu);
    size_t pending ABSL_GUARDED_BY(mu) = 0;
  };

  Shard& ShardFor(absl::uint128 key);
  // Marks `key` used at `used_at` (pending) unless it already holds a later use.
  void MarkPending(Shard& shard, absl::uint128 key, absl::Time used_at)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(shard.mu);
  // Forgets the oldest eighth of the shard, written entries first.
  void EvictOldest(Shard& shard) ABSL_EXCLUSIVE_LOCKS_REQUIRED(shard.mu);
  // Takes every pending use (now written-in-flight) and forgets stale written entries.
  std::vector<storage::TokenUse> TakePending(absl::Time now);
  // Makes uses whose write failed pending again.
  void Restore(const std::vector<storage::TokenUse>& uses, size_t from);
  void Run();

  const uint64_t id_;  // unique per recorder: keys the validating threads' recent uses
  const Clock& clock_;
  const Options options_;
  const size_t max_per_shard_;
  const WriteBatch write_;
  std::array<Shard, kShards> shards_;
  std::atomic<uint64_t> dropped_{0};
  uint64_t dropped_logged_ ABSL_GUARDED_BY(flush_mu_) = 0;
  bool failing_ ABSL_GUARDED_BY(flush_mu_) = false;

  absl::Mutex flush_mu_;  // one Flush at a time
  absl::Mutex thread_mu_;
  absl::Notification stop_;
  std::thread thread_ ABSL_GUARDED_BY(thread_mu_);
  bool started_ ABSL_GUARDED_BY(thread_mu_) = false;
};

}  // namespace warden
