#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/pg/executor.h"
#include "storage/token_cursor.h"

namespace warden::storage {

// A live token nobody has used for a while, as the inactivity job sees it.
struct IdleToken {
  std::string id;
  std::string name;  // as stored: untrusted user input
  absl::Time issued_at;
  std::optional<absl::Time> last_used_at;  // unset: never used as far as Warden knows
  absl::Time expires_at;                   // when Warden stops accepting it
  // The expiry the token string carries: signed_expires_at when a rotation cut expires_at
  // short, expires_at otherwise. What a revocation notice names.
  absl::Time signed_expires_at;

  // When the token was last issued or used: the later of issued_at and last_used_at.
  absl::Time last_active() const {
    return last_used_at.has_value() && *last_used_at > issued_at ? *last_used_at : issued_at;
  }
};

// One page of ListIdle, in (issued_at, id) order.
struct IdlePage {
  std::vector<IdleToken> tokens;
  std::optional<TokenCursor> next;  // set if more tokens may follow: the last one examined
};

// Where a batch of DeleteExpired ended: the (expiry, id) of the last row it deleted, expiry
// being coalesce(signed_expires_at, expires_at). The next batch starts strictly after it.
struct PurgeCursor {
  absl::Time expiry;
  std::string id;  // a UUID

  friend bool operator==(const PurgeCursor& a, const PurgeCursor& b) {
    return a.expiry == b.expiry && a.id == b.id;
  }
};

// One batch of DeleteExpired.
struct PurgeBatch {
  int deleted = 0;
  std::optional<PurgeCursor> last;  // unset when nothing was deleted
};

// The background jobs' work on table `tokens` (issue 18), apart from TokenStore's CRUD:
// finding and revoking tokens nobody uses, and deleting rows long past their expiry. Each
// call is one short statement or transaction over a bounded number of rows, so a huge table
// never holds long locks; the jobs in notifier/ loop over the batches.
//
// Every method returns at once and calls `done` exactly once: on a storage executor thread,
// or inline on the caller's thread for an invalid argument or a shut-down executor.
// Times have microsecond precision. Errors as storage/pg/errors.h maps them.
// Thread-safe.
class TokenSweepStore final {
 public:
  // Registers this store's prepared statements with `executor`, which must outlive it.
  explicit TokenSweepStore(StorageExecutor& executor);

  // Pages through the live tokens (not revoked, expires_at > now) last active
  // (IdleToken::last_active) before `idle_before`, in (issued_at, id) order after `after`.
  // A page examines at most `scan` tokens of the partial index on unexpired tokens
  // (issued_at, id), so each costs the same bounded work however few match; `next` is the
  // last token examined. There is deliberately no index on last_used_at (migration 0007).
  // REQUIRES: scan >= 1 (else INVALID_ARGUMENT).
  void ListIdle(absl::Time now, absl::Time idle_before, std::optional<TokenCursor> after, int scan,
                std::function<void(absl::StatusOr<IdlePage>)> done);

  // Revokes, in one transaction, those of `ids` that are still live (not revoked,
  // expires_at > now) and last active before `idle_before`, checked again on each row as it
  // is locked (a use written since ListIdle saves the token); rows another transaction holds
  // are skipped (SKIP LOCKED), for a later run. Sets revoked and revoked_at = now (an
  // existing revoked_at is kept) and sends, in the same transaction, the NOTIFY on
  // TokenStore::kRevocationChannel that TokenStore::Revoke sends, so that every replica
  // refuses the tokens at once. `done` gets the tokens revoked, in id order.
  // REQUIRES: at most kMaxRevokeBatch ids, each a UUID (else INVALID_ARGUMENT).
  void RevokeIdle(std::vector<std::string> ids, absl::Time now, absl::Time idle_before,
                  std::function<void(absl::StatusOr<std::vector<IdleToken>>)> done);

  // Deletes up to `batch` rows whose token expired (coalesce(signed_expires_at, expires_at))
  // before `expired_before`, in (expiry, id) order after `after` (from the start when
  // unset), in one statement. Only rows the expiry sweep has flagged `expired` are considered (all
  // of them are, within a reconcile interval of their expiry), which is what lets the partial index
  // of migration 0015 serve it. Rows locked by another deleter are skipped, so concurrent
  // deleters never delete (or count) a row twice.
  // REQUIRES: batch >= 1 (else INVALID_ARGUMENT).
  void DeleteExpired(absl::Time expired_before, std::optional<PurgeCursor> after, int batch,
                     std::function<void(absl::StatusOr<PurgeBatch>)> done);

  static constexpr size_t kMaxRevokeBatch = 1000;

 private:
  StorageExecutor& executor_;
};

}  // namespace warden::storage
