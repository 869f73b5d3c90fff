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
#include "storage/mint_batcher.h"
#include "storage/pg/executor.h"
#include "storage/revocation_notice.h"
#include "storage/token_cursor.h"
#include "storage/token_records.h"

namespace warden::storage {

// A token's use, as the usage recorder hands it over: the id was used at `used_at`.
struct TokenUse {
  std::string id;  // a UUID
  absl::Time used_at;
};

// Token metadata in PostgreSQL (table `tokens`): the TokenRecords the use cases use, and
// what the server's background work needs besides (last uses, expiry, revocations to load).
//
// Every method returns at once and calls `done` exactly once: on a storage executor thread,
// or inline on the caller's thread for an invalid argument or a shut-down executor.
// Times are stored with microsecond precision (absl::Time is truncated).
// Errors as storage/pg/errors.h maps them (UNAVAILABLE when the database cannot be reached).
// Thread-safe.
class TokenStore final : public TokenRecords {
 public:
  // Registers this store's prepared statements with `executor`, which must outlive it.
  explicit TokenStore(StorageExecutor& executor);

  // Insert with no conditions.
  void Insert(TokenMetadata token, std::function<void(absl::Status)> done);
  // As TokenRecords::Insert, through the MintBatcher: concurrent inserts are grouped into one
  // statement and one commit (storage/mint_batcher.h), each with its own answer, given once
  // its group committed. Race-free against RoleStore::DeleteRole: the roles stay locked
  // until the insert commits. Concurrent inserts with one root are serialized on an
  // advisory lock, so the cap holds; the generation is compared under the shared roles lock
  // (migration 0011), held until the insert commits, so no role write slips in between.
  void Insert(TokenMetadata token, MintConditions conditions,
              std::function<void(absl::Status)> done) override;

  void Get(std::string id, std::function<void(absl::StatusOr<TokenMetadata>)> done) override;

  // Keyset pagination: fetches page_size + 1 rows to know whether more follow. With
  // query.unused_since, a page examines at most kUnusedScanRows tokens past the cursor (of
  // those the other filters let through), with `next` set at the last token examined, so a
  // page costs the same bounded work however few tokens match, at the price of short pages.
  void List(TokenListQuery query, std::function<void(absl::StatusOr<TokenPage>)> done) override;

  // Sets last_used_at to each use's used_at in one statement and one transaction, but only
  // where that moves it forward: an older use (another replica's, a retried batch) never
  // moves it back. Unknown ids are skipped; for an id given twice the later use counts.
  // `done` gets how many tokens moved. A malformed id: INVALID_ARGUMENT, nothing written.
  void RecordUses(std::vector<TokenUse> uses, std::function<void(absl::StatusOr<int>)> done);

  // Flags up to `batch_size` tokens whose expiry is at or before `now` as expired, so that
  // live listings skip them by index; returns how many it flagged (fewer than batch_size:
  // none are left). Idempotent; safe on every replica at once.
  void MarkExpired(absl::Time now, int batch_size, std::function<void(absl::StatusOr<int>)> done);

  // As TokenRecords::Revoke; in the same transaction sends NOTIFY warden_revocations with the
  // id.
  void Revoke(std::string id, absl::Time now,
              std::function<void(absl::StatusOr<TokenMetadata>)> done) override;

  void RevokeTree(RevokeScope scope, absl::Time now,
                  std::function<void(absl::StatusOr<RevokedTree>)> done) override;
  void Rotate(Rotation rotation, std::function<void(absl::StatusOr<RotatedTokens>)> done) override;

  // Every revoked token whose token string is valid after `not_expired_before`, and every
  // rotated one (refused from its cut expiry on), ordered by expiry. This is what replicas
  // load at start.
  void ListRevoked(absl::Time not_expired_before,
                   std::function<void(absl::StatusOr<std::vector<RevokedToken>>)> done);

  // As TokenRecords::ListExpiring: keyset pagination over the partial index on live tokens,
  // so each page costs O(limit) however many tokens precede it; fetches limit + 1 rows to
  // know whether more follow. The expiration notifier pages with it, and ListExpiringTokens
  // serves it.
  void ListExpiring(absl::Time now, absl::Time until, std::optional<ExpiringCursor> after,
                    int limit, std::function<void(absl::StatusOr<ExpiringPage>)> done) override;

  // When Warden began signing ES256 tokens only low-S (migration 0012): tokens issued before
  // it may carry either form of signature.
  void HighSIssuedBefore(std::function<void(absl::StatusOr<absl::Time>)> done);

  // Counts of the group commit of Insert, for metrics.
  MintBatcher::Stats mint_stats() const { return mints_.stats(); }

  // The channel Revoke notifies on; the payload is a RevocationNotice, encoded.
  static constexpr char kRevocationChannel[] = "warden_revocations";
  // How many tokens a List page with unused_since examines at most (about 2 ms of work).
  static constexpr int kUnusedScanRows = 5000;

 private:
  void PrepareRecordUses();  // token_store_usage.cc

  StorageExecutor& executor_;
  MintBatcher mints_;
};

}  // namespace warden::storage
