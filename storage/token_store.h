#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "domain/token.h"
#include "storage/expiring_page.h"
#include "storage/revocation_notice.h"
#include "storage/pg/executor.h"
#include "storage/token_cursor.h"

namespace warden::storage {

// What ListTokens asks for. Tokens come ordered by (issued_at, id) ascending.
struct TokenListQuery {
  std::optional<bool> revoked;   // unset: both revoked and live tokens
  bool include_expired = false;  // false hides tokens with expires_at <= now
  // Set: only tokens never used or last used before it (last_used_at < unused_since).
  std::optional<absl::Time> unused_since;
  absl::Time now;
  int page_size = 100;               // REQUIRES: >= 1 (else INVALID_ARGUMENT)
  std::optional<TokenCursor> after;  // the previous page's `next`
};

struct TokenPage {
  std::vector<TokenMetadata> tokens;
  std::optional<TokenCursor> next;  // set if more tokens follow
};

// A token's use, as the usage recorder hands it over: the id was used at `used_at`.
struct TokenUse {
  std::string id;  // a UUID
  absl::Time used_at;
};

// A revoked token that has not expired yet: what every replica must keep rejecting.
struct RevokedToken {
  std::string id;
  absl::Time expires_at;
};

// What a mint must satisfy besides its own row (SPEC §2, docs/security.md).
struct MintConditions {
  // RESOURCE_EXHAUSTED when the token's root (TokenMetadata::root) already has this many
  // tokens unrevoked and unexpired at issued_at. 0: no cap.
  int max_live_per_root = 0;
  // The role generation the no-escalation check ran against. ABORTED with
  // kStaleRolesMessage when it is no longer the current one (a role write committed since):
  // the check must run again on fresh roles. Unset: not compared.
  std::optional<int64_t> role_generation;
};

// Token metadata in PostgreSQL (table `tokens`). Never the token string.
//
// Every method returns at once and calls `done` exactly once: on a storage executor thread,
// or inline on the caller's thread for an invalid argument or a shut-down executor.
// Times are stored with microsecond precision (absl::Time is truncated).
// Ids must be UUIDs; any other id is INVALID_ARGUMENT without echoing it.
// Errors: UNAVAILABLE when the database cannot be reached, as storage/pg/errors.h maps them.
// Thread-safe.
class TokenStore final {
 public:
  // Registers this store's prepared statements with `executor`, which must outlive it.
  explicit TokenStore(StorageExecutor& executor);

  // Stores `token`; committed before done(OK). Duplicate id: ALREADY_EXISTS. A role of the
  // token that does not exist (any more): FAILED_PRECONDITION "role X no longer exists" /
  // "roles X, Y no longer exist". Race-free against RoleStore::DeleteRole: the roles stay
  // locked until the insert commits.
  // REQUIRES: token.revoked == token.revoked_at.has_value().
  void Insert(TokenMetadata token, std::function<void(absl::Status)> done);
  // The same, under `conditions`. Concurrent inserts with one root are serialized on an
  // advisory lock, so the cap holds; the generation is compared under the shared roles lock
  // (migration 0011), held until the insert commits, so no role write slips in between.
  // An empty token.root is token.created_by.
  void Insert(TokenMetadata token, MintConditions conditions,
              std::function<void(absl::Status)> done);

  // The message of the ABORTED status a stale role generation gets.
  static constexpr char kStaleRolesMessage[] =
      "the roles changed while the token was being minted; retry";

  // NOT_FOUND "token <id> not found" if absent.
  void Get(std::string id, std::function<void(absl::StatusOr<TokenMetadata>)> done);

  // One page of tokens (keyset pagination: fetches page_size + 1 rows to know whether more
  // follow). Tokens inserted while a client pages through appear in a later page or not at
  // all, but never shift, repeat or hide the tokens that existed when it started.
  // With query.unused_since, a page examines at most kUnusedScanRows tokens past the cursor
  // (of those the other filters let through): it may then hold fewer than page_size
  // tokens, even none, with `next` set at the last token examined. So a page costs the
  // same bounded work however few tokens match, at the price of short pages.
  void List(TokenListQuery query, std::function<void(absl::StatusOr<TokenPage>)> done);

  // Sets last_used_at to each use's used_at in one statement and one transaction, but only
  // where that moves it forward: an older use (another replica's, a retried batch) never
  // moves it back. Unknown ids are skipped; for an id given twice the later use counts.
  // `done` gets how many tokens moved. A malformed id: INVALID_ARGUMENT, nothing written.
  void RecordUses(std::vector<TokenUse> uses, std::function<void(absl::StatusOr<int>)> done);

  // Flags up to `batch_size` tokens whose expiry is at or before `now` as expired, so that
  // live listings skip them by index; returns how many it flagged (fewer than batch_size:
  // none are left). Idempotent; safe on every replica at once.
  void MarkExpired(absl::Time now, int batch_size, std::function<void(absl::StatusOr<int>)> done);

  // Marks the token revoked at `now`, unless it already is (then the first revoked_at stays;
  // still OK), and in the same transaction sends NOTIFY warden_revocations with the id.
  // Returns the token as stored. Unknown id: NOT_FOUND.
  void Revoke(std::string id, absl::Time now,
              std::function<void(absl::StatusOr<TokenMetadata>)> done);

  // Every revoked token with expires_at > `not_expired_before`, ordered by expires_at.
  // Revocations are never deleted from the database; this is what replicas load at start.
  void ListRevoked(absl::Time not_expired_before,
                   std::function<void(absl::StatusOr<std::vector<RevokedToken>>)> done);

  // One page of live tokens (not revoked) with now < expires_at <= until, ordered by
  // (expires_at, id), starting strictly after `after` (from the start of the window when
  // unset, or when `after` lies at or before `now`). Keyset pagination over the partial index
  // on live tokens: each page costs O(limit) however many tokens precede it; fetches
  // limit + 1 rows to know whether more follow. The expiration notifier pages with it, and
  // ListExpiringTokens serves it. limit < 1 or a malformed after.id: INVALID_ARGUMENT.
  void ListExpiring(absl::Time now, absl::Time until, std::optional<ExpiringCursor> after,
                    int limit, std::function<void(absl::StatusOr<ExpiringPage>)> done);

  // When Warden began signing ES256 tokens only low-S (migration 0012): tokens issued before
  // it may carry either form of signature.
  void HighSIssuedBefore(std::function<void(absl::StatusOr<absl::Time>)> done);

  // The channel Revoke notifies on; the payload is a RevocationNotice, encoded.
  static constexpr char kRevocationChannel[] = "warden_revocations";
  // How many tokens a List page with unused_since examines at most (about 2 ms of work).
  static constexpr int kUnusedScanRows = 5000;

 private:
  void PrepareRecordUses();  // token_store_usage.cc

  StorageExecutor& executor_;
};

}  // namespace warden::storage
