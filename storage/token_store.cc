#include "storage/token_store.h"

#include <algorithm>
#include <cstdint>
#include <pqxx/pqxx>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/random.h"
#include "common/status_macros.h"
#include "storage/pg/sql_values.h"
#include "storage/token_mint.h"
#include "storage/token_sql.h"

namespace warden::storage {
namespace {

// The columns ReadToken expects, in order.
#define WARDEN_TOKEN_COLUMNS                                                             \
  "id::text, name, array_to_json(roles)::text, (extract(epoch FROM issued_at) * "        \
  "1000000)::bigint, "                                                                   \
  "(extract(epoch FROM expires_at) * 1000000)::bigint, revoked, "                        \
  "(extract(epoch FROM revoked_at) * 1000000)::bigint, created_by, "                     \
  "(extract(epoch FROM last_used_at) * 1000000)::bigint, created_by_name, description, " \
  "rotated_from::text, rotated_to::text, "                                               \
  "(extract(epoch FROM signed_expires_at) * 1000000)::bigint"

// $1 id.
constexpr char kGet[] = "warden_token_get";
constexpr char kGetSql[] = "SELECT " WARDEN_TOKEN_COLUMNS " FROM tokens WHERE id = $1::uuid";

// The expiry filter of the listings: with expired tokens ($2 true), or live ones only. The
// live form names `NOT expired` literally, so the planner can use the partial indexes on
// it (migration 0009), and still checks expires_at for tokens expired since the last sweep.
#define WARDEN_ANY_EXPIRY \
  "($2::boolean OR expires_at > 'epoch'::timestamptz + $3::bigint * interval '1 microsecond')"
#define WARDEN_LIVE_ONLY                  \
  "(NOT $2::boolean AND NOT expired AND " \
  "expires_at > 'epoch'::timestamptz + $3::bigint * interval '1 microsecond')"

// $1 revoked filter (NULL: any), $2 include_expired, $3 now (micros),
// $4 after.issued_at (micros; NULL on the first page), $5 after.id (NULL on the first page),
// $6 limit. The row comparison lets the (issued_at, id) index start at the cursor.
// WARDEN_LIST_WHERE is the filter both listings share ($1-$5).
// CREATOR is "" or the created_by filter (WARDEN_BY_CREATOR), whose parameter number follows
// the statement's others; with it the planner walks tokens_created_by_idx (created_by,
// issued_at, id) from the cursor.
#define WARDEN_LIST_WHERE(EXPIRY, CREATOR)                                                 \
  " WHERE ($1::boolean IS NULL OR revoked = $1::boolean) AND " EXPIRY CREATOR              \
  " AND (issued_at, id) > "                                                                \
  "(COALESCE('epoch'::timestamptz + $4::bigint * interval '1 microsecond', '-infinity'), " \
  "COALESCE($5::uuid, '00000000-0000-0000-0000-000000000000')) "
#define WARDEN_BY_CREATOR(N) " AND created_by = $" #N "::text"
#define WARDEN_LIST_SQL(EXPIRY, CREATOR)                           \
  "SELECT " WARDEN_TOKEN_COLUMNS " FROM tokens" WARDEN_LIST_WHERE( \
      EXPIRY, CREATOR) "ORDER BY tokens.issued_at, tokens.id LIMIT $6"
constexpr char kList[] = "warden_token_list";
constexpr char kListSql[] = WARDEN_LIST_SQL(WARDEN_ANY_EXPIRY, "");
constexpr char kListLive[] = "warden_token_list_live";
constexpr char kListLiveSql[] = WARDEN_LIST_SQL(WARDEN_LIVE_ONLY, "");
// $7 created_by.
constexpr char kListBy[] = "warden_token_list_by";
constexpr char kListBySql[] = WARDEN_LIST_SQL(WARDEN_ANY_EXPIRY, WARDEN_BY_CREATOR(7));
constexpr char kListLiveBy[] = "warden_token_list_live_by";
constexpr char kListLiveBySql[] = WARDEN_LIST_SQL(WARDEN_LIVE_ONLY, WARDEN_BY_CREATOR(7));

// kList with unused_since: $1-$5 as there, $6 limit (page_size + 1), $7 unused_since
// (micros), $8 how many rows to examine at most (kUnusedScanRows). The inner query walks the
// same (issued_at, id) index from the cursor through at most $8 rows that pass the other
// filters, numbering them; the outer keeps those not used since $7, plus the $8th row
// examined, where the next page must start if the budget ran out. Both levels stream: a
// page whose first page_size + 1 rows match reads no more than that. The outer ORDER BY
// names scanned.issued_at, scanned.id (the uuid, not the selected id::text), which the
// subquery already delivers in order, so no sort is added.
#define WARDEN_LIST_UNUSED_SQL(EXPIRY, CREATOR) \
  "SELECT " WARDEN_TOKEN_COLUMNS ", wanted, n FROM (SELECT tokens.*, "                  \
  "(last_used_at IS NULL OR "                                                           \
  "last_used_at < 'epoch'::timestamptz + $7::bigint * interval '1 microsecond') AS wanted, " \
  "row_number() OVER (ORDER BY issued_at, id) AS n FROM tokens"                         \
  WARDEN_LIST_WHERE(EXPIRY, CREATOR) "ORDER BY issued_at, id LIMIT $8) AS scanned "     \
  "WHERE wanted OR n = $8 ORDER BY scanned.issued_at, scanned.id LIMIT $6"
constexpr char kListUnused[] = "warden_token_list_unused";
constexpr char kListUnusedSql[] = WARDEN_LIST_UNUSED_SQL(WARDEN_ANY_EXPIRY, "");
constexpr char kListUnusedLive[] = "warden_token_list_unused_live";
constexpr char kListUnusedLiveSql[] = WARDEN_LIST_UNUSED_SQL(WARDEN_LIVE_ONLY, "");
// $9 created_by.
constexpr char kListUnusedBy[] = "warden_token_list_unused_by";
constexpr char kListUnusedBySql[] = WARDEN_LIST_UNUSED_SQL(WARDEN_ANY_EXPIRY, WARDEN_BY_CREATOR(9));
constexpr char kListUnusedLiveBy[] = "warden_token_list_unused_live_by";
constexpr char kListUnusedLiveBySql[] =
    WARDEN_LIST_UNUSED_SQL(WARDEN_LIVE_ONLY, WARDEN_BY_CREATOR(9));

// $1 now (micros), $2 batch size: flags up to $2 tokens past their expiry as expired (the
// sweep behind the live listings' partial index). SKIP LOCKED: replicas sweeping at once
// take different rows instead of waiting on each other.
constexpr char kMarkExpired[] = "warden_token_mark_expired";
constexpr char kMarkExpiredSql[] = R"sql(
UPDATE tokens SET expired = true
WHERE id IN (SELECT id FROM tokens
             WHERE NOT expired
               AND expires_at <= 'epoch'::timestamptz + $1::bigint * interval '1 microsecond'
             ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED))sql";

// $1 id, $2 now (micros). Keeps the first revoked_at.
constexpr char kRevoke[] = "warden_token_revoke";
constexpr char kRevokeSql[] = R"sql(
UPDATE tokens
SET revoked = true,
    revoked_at = COALESCE(revoked_at,
                          'epoch'::timestamptz + $2::bigint * interval '1 microsecond')
WHERE id = $1::uuid
RETURNING )sql" WARDEN_TOKEN_COLUMNS;

// $1 channel, $2 payload (the token id). Delivered when the revoking transaction commits.
constexpr char kNotifyRevoked[] = "warden_token_notify_revoked";
constexpr char kNotifyRevokedSql[] = "SELECT pg_notify($1, $2)";
// $1 channel, $2 payloads (text[] literal): one notice each.
constexpr char kNotifyAllRevoked[] = "warden_token_notify_all_revoked";
constexpr char kNotifyAllRevokedSql[] =
    "SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload";

// RevokeTree: SEED selects the first tokens; with $2 the tree grows through the tokens each
// one minted (created_by 'token:<id>', tokens_created_by_idx). $3 now (micros). Locks the
// rows to revoke in id order, so two overlapping cascades cannot deadlock. Yields the tokens
// this statement revoked, with the expiry their token strings carry.
#define WARDEN_REVOKE_TREE_SQL(SEED)                                                      \
  "WITH RECURSIVE tree(id) AS (SELECT id FROM tokens WHERE " SEED                         \
  " UNION SELECT t.id FROM tokens t JOIN tree ON $2::boolean AND "                        \
  "t.created_by = 'token:' || tree.id::text) "                                            \
  "UPDATE tokens SET revoked = true, revoked_at = COALESCE(revoked_at, "                  \
  "'epoch'::timestamptz + $3::bigint * interval '1 microsecond') "                        \
  "WHERE id IN (SELECT id FROM tokens WHERE id IN (SELECT id FROM tree) AND NOT revoked " \
  "ORDER BY id FOR UPDATE) "                                                              \
  "RETURNING id::text, (extract(epoch FROM COALESCE(signed_expires_at, expires_at)) * "   \
  "1000000)::bigint"
// $1 the token id.
constexpr char kRevokeTreeById[] = "warden_token_revoke_tree_by_id";
constexpr char kRevokeTreeByIdSql[] = WARDEN_REVOKE_TREE_SQL("id = $1::uuid");
// $1 created_by.
constexpr char kRevokeTreeByCreator[] = "warden_token_revoke_tree_by_creator";
constexpr char kRevokeTreeByCreatorSql[] = WARDEN_REVOKE_TREE_SQL("created_by = $1::text");

// $1 id: one token, locked until the transaction commits, with its root (the token a
// rotation replaces; the token a cascade starts from).
constexpr char kLockToken[] = "warden_token_lock";
constexpr char kLockTokenSql[] =
    "SELECT " WARDEN_TOKEN_COLUMNS ", root_principal FROM tokens WHERE id = $1::uuid FOR UPDATE";
// $1 id, $2 cut_at (micros), $3 the successor's id. Keeps the signed expiry when it cuts.
constexpr char kRotateCut[] = "warden_token_rotate_cut";
constexpr char kRotateCutSql[] = R"sql(
UPDATE tokens
SET signed_expires_at = CASE
      WHEN 'epoch'::timestamptz + $2::bigint * interval '1 microsecond' < expires_at
      THEN COALESCE(signed_expires_at, expires_at) ELSE signed_expires_at END,
    expires_at = LEAST(expires_at, 'epoch'::timestamptz + $2::bigint * interval '1 microsecond'),
    rotated_to = $3::uuid
WHERE id = $1::uuid
RETURNING )sql" WARDEN_TOKEN_COLUMNS;

constexpr char kHighSIssuedBefore[] = "warden_signature_policy_high_s";
constexpr char kHighSIssuedBeforeSql[] =
    "SELECT (extract(epoch FROM high_s_issued_before) * 1000000)::bigint FROM signature_policy";

// $1 not_expired_before (micros). Revoked tokens, by the partial index on them, and rotated
// ones, by tokens_cut_short_idx: (id, signed expiry, refused from: NULL for at once).
constexpr char kListRevoked[] = "warden_token_list_revoked";
constexpr char kListRevokedSql[] = R"sql(
SELECT id::text, (extract(epoch FROM COALESCE(signed_expires_at, expires_at)) * 1000000)::bigint,
       NULL::bigint
FROM tokens
WHERE revoked AND expires_at > 'epoch'::timestamptz + $1::bigint * interval '1 microsecond'
UNION
SELECT id::text, (extract(epoch FROM signed_expires_at) * 1000000)::bigint,
       CASE WHEN NOT revoked THEN (extract(epoch FROM expires_at) * 1000000)::bigint END
FROM tokens
WHERE signed_expires_at > 'epoch'::timestamptz + $1::bigint * interval '1 microsecond'
ORDER BY 2, 1)sql";

// $1 start expires_at (micros), $2 start id: exclusive, (now, the largest uuid) for the
// first page; $3 until (micros, inclusive); $4 limit. Both bounds are on the leading column of
// tokens_live_expires_at_idx (expires_at, id) WHERE NOT revoked, so the scan starts at the
// cursor and stops at `until`: neither expired live tokens nor later ones are read.
// ORDER BY names tokens.id: a bare `id` would be the selected id::text, which the index
// cannot deliver in order (an extra sort).
constexpr char kListExpiring[] = "warden_token_list_expiring";

}  // namespace

const char kListExpiringSql[] = "SELECT " WARDEN_TOKEN_COLUMNS R"sql(
FROM tokens
WHERE NOT revoked AND rotated_to IS NULL
  AND (expires_at, id) > ('epoch'::timestamptz + $1::bigint * interval '1 microsecond', $2::uuid)
  AND expires_at <= 'epoch'::timestamptz + $3::bigint * interval '1 microsecond'
ORDER BY tokens.expires_at, tokens.id
LIMIT $4)sql";

namespace {

// Sorts after every uuid (uuids compare bytewise), so (now, kMaxUuid) excludes expires_at = now.
constexpr char kMaxUuid[] = "ffffffff-ffff-ffff-ffff-ffffffffffff";

#undef WARDEN_TOKEN_COLUMNS

// How many columns WARDEN_TOKEN_COLUMNS selects.
constexpr int kColumns = 14;

absl::StatusOr<TokenMetadata> ReadToken(const pqxx::row& row) {
  TokenMetadata token;
  token.id = row[0].as<std::string>();
  token.name = row[1].as<std::string>();
  ASSIGN_OR_RETURN(token.roles, ParseJsonTextArray(row[2].as<std::string>()));
  token.issued_at = FromMicros(row[3].as<int64_t>());
  token.expires_at = FromMicros(row[4].as<int64_t>());
  token.revoked = row[5].as<bool>();
  if (!row[6].is_null()) token.revoked_at = FromMicros(row[6].as<int64_t>());
  token.created_by = row[7].as<std::string>();
  if (!row[8].is_null()) token.last_used_at = FromMicros(row[8].as<int64_t>());
  token.created_by_name = row[9].as<std::string>();
  token.description = row[10].as<std::string>();
  if (!row[11].is_null()) token.rotated_from = row[11].as<std::string>();
  if (!row[12].is_null()) token.rotated_to = row[12].as<std::string>();
  if (!row[13].is_null()) token.signed_expires_at = FromMicros(row[13].as<int64_t>());
  return token;
}

// FAILED_PRECONDITION unless `token` can be rotated at `now`.
absl::Status CheckRotatable(const TokenMetadata& token, absl::Time now) {
  if (token.revoked) {
    return absl::FailedPreconditionError(
        absl::StrCat("token ", token.id, " is revoked; generate a new token instead"));
  }
  if (!token.rotated_to.empty()) {
    return absl::FailedPreconditionError(absl::StrCat("token ", token.id,
                                                      " was already rotated; rotate its successor ",
                                                      token.rotated_to, " instead"));
  }
  if (token.expires_at <= now) {
    return absl::FailedPreconditionError(
        absl::StrCat("token ", token.id, " has expired; generate a new token instead"));
  }
  return absl::OkStatus();
}

absl::Status CheckId(const std::string& id) {
  // Never echo it: a caller may have pasted a token string where the id belongs.
  if (!IsUuid(id)) return absl::InvalidArgumentError("token id is not a valid UUID");
  return absl::OkStatus();
}

absl::Status NotFound(const std::string& id) {
  return absl::NotFoundError(absl::StrCat("token ", id, " not found"));
}

// One notice per revoked token, for the other replicas. `effective_from` as RevocationNotice's.
std::string Notice(const TokenMetadata& token, absl::Time now,
                   std::optional<absl::Time> effective_from = std::nullopt) {
  return EncodeRevocationNotice({token.id, token.SignedExpiry(), now, effective_from});
}

}  // namespace

TokenStore::TokenStore(StorageExecutor& executor) : executor_(executor), mints_(executor) {
  executor_.Prepare(kGet, kGetSql);
  executor_.Prepare(kList, kListSql);
  executor_.Prepare(kListLive, kListLiveSql);
  executor_.Prepare(kListUnusedLive, kListUnusedLiveSql);
  executor_.Prepare(kMarkExpired, kMarkExpiredSql);
  executor_.Prepare(kListUnused, kListUnusedSql);
  executor_.Prepare(kListBy, kListBySql);
  executor_.Prepare(kListLiveBy, kListLiveBySql);
  executor_.Prepare(kListUnusedBy, kListUnusedBySql);
  executor_.Prepare(kListUnusedLiveBy, kListUnusedLiveBySql);
  executor_.Prepare(kNotifyAllRevoked, kNotifyAllRevokedSql);
  executor_.Prepare(kRevokeTreeById, kRevokeTreeByIdSql);
  executor_.Prepare(kRevokeTreeByCreator, kRevokeTreeByCreatorSql);
  executor_.Prepare(kLockToken, kLockTokenSql);
  executor_.Prepare(kRotateCut, kRotateCutSql);
  PrepareRecordUses();
  executor_.Prepare(kRevoke, kRevokeSql);
  executor_.Prepare(kNotifyRevoked, kNotifyRevokedSql);
  executor_.Prepare(kListRevoked, kListRevokedSql);
  executor_.Prepare(kHighSIssuedBefore, kHighSIssuedBeforeSql);
  executor_.Prepare(kListExpiring, kListExpiringSql);
}

void TokenStore::Insert(TokenMetadata token, std::function<void(absl::Status)> done) {
  Insert(std::move(token), MintConditions{}, std::move(done));
}

void TokenStore::Insert(TokenMetadata token, MintConditions conditions,
                        std::function<void(absl::Status)> done) {
  if (absl::Status s = CheckId(token.id); !s.ok()) return done(s);
  if (token.revoked != token.revoked_at.has_value()) {
    return done(absl::InvalidArgumentError("token revoked and revoked_at disagree"));
  }
  mints_.Mint(std::move(token), conditions, std::move(done));
}

void TokenStore::HighSIssuedBefore(std::function<void(absl::StatusOr<absl::Time>)> done) {
  executor_.Run<absl::Time>(
      [](pqxx::connection_base& conn) -> absl::StatusOr<absl::Time> {
        pqxx::nontransaction tx(conn, "signature_policy");
        return FromMicros(tx.exec_prepared1(kHighSIssuedBefore)[0].as<int64_t>());
      },
      std::move(done));
}

void TokenStore::Get(std::string id, std::function<void(absl::StatusOr<TokenMetadata>)> done) {
  if (absl::Status s = CheckId(id); !s.ok()) return done(s);
  executor_.Run<TokenMetadata>(
      [id = std::move(id)](pqxx::connection_base& conn) -> absl::StatusOr<TokenMetadata> {
        pqxx::nontransaction tx(conn, "token_get");
        const pqxx::result rows = tx.exec_prepared(kGet, id);
        if (rows.empty()) return NotFound(id);
        return ReadToken(rows[0]);
      },
      std::move(done));
}

void TokenStore::List(TokenListQuery query, std::function<void(absl::StatusOr<TokenPage>)> done) {
  if (query.page_size < 1) return done(absl::InvalidArgumentError("page_size must be positive"));
  if (query.after) {
    if (absl::Status s = CheckId(query.after->id); !s.ok()) return done(s);
  }
  executor_.Run<TokenPage>(
      [q = std::move(query)](pqxx::connection_base& conn) -> absl::StatusOr<TokenPage> {
        // libpqxx 6.4 passes a null `const char*` as SQL NULL.
        const std::string after_micros = q.after ? absl::StrCat(ToMicros(q.after->issued_at)) : "";
        const char* revoked = !q.revoked ? nullptr : (*q.revoked ? "true" : "false");
        const char* after_issued = q.after ? after_micros.c_str() : nullptr;
        const char* after_id = q.after ? q.after->id.c_str() : nullptr;
        const int64_t limit = static_cast<int64_t>(q.page_size) + 1;
        pqxx::nontransaction tx(conn, "token_list");
        const bool by = !q.created_by.empty();
        pqxx::result rows;
        if (q.unused_since) {
          const char* statement = q.include_expired ? (by ? kListUnusedBy : kListUnused)
                                                    : (by ? kListUnusedLiveBy : kListUnusedLive);
          rows = by ? tx.exec_prepared(statement, revoked, q.include_expired, ToMicros(q.now),
                                       after_issued, after_id, limit, ToMicros(*q.unused_since),
                                       static_cast<int64_t>(kUnusedScanRows), q.created_by)
                    : tx.exec_prepared(statement, revoked, q.include_expired, ToMicros(q.now),
                                       after_issued, after_id, limit, ToMicros(*q.unused_since),
                                       static_cast<int64_t>(kUnusedScanRows));
        } else {
          const char* statement =
              q.include_expired ? (by ? kListBy : kList) : (by ? kListLiveBy : kListLive);
          rows = by ? tx.exec_prepared(statement, revoked, q.include_expired, ToMicros(q.now),
                                       after_issued, after_id, limit, q.created_by)
                    : tx.exec_prepared(statement, revoked, q.include_expired, ToMicros(q.now),
                                       after_issued, after_id, limit);
        }
        TokenPage page;
        for (const pqxx::row& row : rows) {
          // kListUnused's last row may be where its budget ended rather than a match.
          const bool wanted = !q.unused_since || row[kColumns].as<bool>();
          if (wanted && page.tokens.size() == static_cast<size_t>(q.page_size)) {
            const TokenMetadata& last = page.tokens.back();
            page.next = TokenCursor{last.issued_at, last.id};
            break;
          }
          ASSIGN_OR_RETURN(TokenMetadata token, ReadToken(row));
          if (q.unused_since && row[kColumns + 1].as<int64_t>() == kUnusedScanRows) {
            page.next = TokenCursor{token.issued_at, token.id};  // more may follow
          }
          if (wanted) page.tokens.push_back(std::move(token));
        }
        return page;
      },
      std::move(done));
}

void TokenStore::MarkExpired(absl::Time now, int batch_size,
                             std::function<void(absl::StatusOr<int>)> done) {
  executor_.Run<int>(
      [now, batch_size](pqxx::connection_base& conn) -> absl::StatusOr<int> {
        pqxx::work tx(conn, "token_mark_expired");
        const pqxx::result marked = tx.exec_prepared(kMarkExpired, ToMicros(now), batch_size);
        tx.commit();
        return static_cast<int>(marked.affected_rows());
      },
      std::move(done));
}

void TokenStore::Revoke(std::string id, absl::Time now,
                        std::function<void(absl::StatusOr<TokenMetadata>)> done) {
  if (absl::Status s = CheckId(id); !s.ok()) return done(s);
  executor_.Run<TokenMetadata>(
      [id = std::move(id), now](pqxx::connection_base& conn) -> absl::StatusOr<TokenMetadata> {
        pqxx::work tx(conn, "token_revoke");
        const pqxx::result rows = tx.exec_prepared(kRevoke, id, ToMicros(now));
        if (rows.empty()) return NotFound(id);
        ASSIGN_OR_RETURN(TokenMetadata token, ReadToken(rows[0]));
        tx.exec_prepared(kNotifyRevoked, kRevocationChannel, Notice(token, now));
        tx.commit();
        return token;
      },
      std::move(done));
}

void TokenStore::RevokeTree(RevokeScope scope, absl::Time now,
                            std::function<void(absl::StatusOr<RevokedTree>)> done) {
  if (scope.id.empty() == scope.created_by.empty()) {
    return done(absl::InvalidArgumentError("name either a token id or a creator, not both"));
  }
  if (!scope.id.empty()) {
    if (absl::Status s = CheckId(scope.id); !s.ok()) return done(s);
  }
  executor_.Run<RevokedTree>(
      [scope = std::move(scope), now](pqxx::connection_base& conn) -> absl::StatusOr<RevokedTree> {
        pqxx::work tx(conn, "token_revoke_tree");
        RevokedTree tree;
        if (!scope.id.empty()) {
          const pqxx::result named = tx.exec_prepared(kLockToken, scope.id);
          if (named.empty()) return NotFound(scope.id);
        }
        const char* statement = scope.id.empty() ? kRevokeTreeByCreator : kRevokeTreeById;
        const std::string& seed = scope.id.empty() ? scope.created_by : scope.id;
        // Each pass reads a fresh snapshot (READ COMMITTED): a token minted by one in the tree
        // that committed while the previous pass ran is found by the next. Once a pass
        // revokes nothing, every token of the tree is revoked and locked, and a mint by any of
        // them waits for this commit and then fails (warden_mint_token's creator check).
        std::vector<std::string> notices;
        for (;;) {
          const pqxx::result rows = tx.exec_prepared(statement, seed, scope.cascade, ToMicros(now));
          for (const pqxx::row& row : rows) {
            RevokedToken revoked{row[0].as<std::string>(), FromMicros(row[1].as<int64_t>()),
                                 std::nullopt};
            notices.push_back(
                EncodeRevocationNotice({revoked.id, revoked.expires_at, now, std::nullopt}));
            tree.newly_revoked.push_back(std::move(revoked));
          }
          if (rows.empty() || !scope.cascade) break;
        }
        if (!notices.empty()) {
          tx.exec_prepared(kNotifyAllRevoked, kRevocationChannel, TextArrayLiteral(notices));
        }
        if (!scope.id.empty()) {
          const pqxx::result named = tx.exec_prepared(kGet, scope.id);
          if (named.empty()) return NotFound(scope.id);
          ASSIGN_OR_RETURN(tree.token, ReadToken(named[0]));
        }
        tx.commit();
        return tree;
      },
      std::move(done));
}

void TokenStore::Rotate(Rotation rotation,
                        std::function<void(absl::StatusOr<RotatedTokens>)> done) {
  if (absl::Status s = CheckId(rotation.replaced_id); !s.ok()) return done(s);
  if (absl::Status s = CheckId(rotation.successor.id); !s.ok()) return done(s);
  std::string id = rotation.successor.id;
  executor_.Run<RotatedTokens>(
      [rotation =
           std::move(rotation)](pqxx::connection_base& conn) -> absl::StatusOr<RotatedTokens> {
        pqxx::work tx(conn, "token_rotate");
        const pqxx::result locked = tx.exec_prepared(kLockToken, rotation.replaced_id);
        if (locked.empty()) return NotFound(rotation.replaced_id);
        ASSIGN_OR_RETURN(TokenMetadata replaced, ReadToken(locked[0]));
        RETURN_IF_ERROR(CheckRotatable(replaced, rotation.successor.issued_at));
        MintConditions conditions = rotation.conditions;
        const std::string& root = rotation.successor.root.empty() ? rotation.successor.created_by
                                                                  : rotation.successor.root;
        // The replaced token is live and about to end: it does not count against the cap.
        if (conditions.max_live_per_root > 0 && locked[0][kColumns].as<std::string>() == root) {
          ++conditions.max_live_per_root;
        }
        RETURN_IF_ERROR(MintOne(tx, rotation.successor, conditions));
        const pqxx::result cut = tx.exec_prepared(kRotateCut, rotation.replaced_id,
                                                  ToMicros(rotation.cut_at), rotation.successor.id);
        RotatedTokens rotated{rotation.successor, {}};
        ASSIGN_OR_RETURN(rotated.replaced, ReadToken(cut.at(0)));
        if (rotated.replaced.signed_expires_at.has_value()) {
          tx.exec_prepared(
              kNotifyRevoked, kRevocationChannel,
              Notice(rotated.replaced, rotation.successor.issued_at, rotated.replaced.expires_at));
        }
        tx.commit();
        return rotated;
      },
      [id = std::move(id), done = std::move(done)](absl::StatusOr<RotatedTokens> rotated) {
        if (!rotated.ok()) return done(NameDuplicate(rotated.status(), id));
        done(std::move(rotated));
      });
}

void TokenStore::ListRevoked(absl::Time not_expired_before,
                             std::function<void(absl::StatusOr<std::vector<RevokedToken>>)> done) {
  executor_.Run<std::vector<RevokedToken>>(
      [not_expired_before](
          pqxx::connection_base& conn) -> absl::StatusOr<std::vector<RevokedToken>> {
        pqxx::nontransaction tx(conn, "token_list_revoked");
        const pqxx::result rows = tx.exec_prepared(kListRevoked, ToMicros(not_expired_before));
        std::vector<RevokedToken> revoked;
        revoked.reserve(rows.size());
        for (const pqxx::row& row : rows) {
          RevokedToken token{row[0].as<std::string>(), FromMicros(row[1].as<int64_t>()),
                             std::nullopt};
          if (!row[2].is_null()) token.effective_from = FromMicros(row[2].as<int64_t>());
          revoked.push_back(std::move(token));
        }
        return revoked;
      },
      std::move(done));
}

void TokenStore::ListExpiring(absl::Time now, absl::Time until, std::optional<ExpiringCursor> after,
                              int limit, std::function<void(absl::StatusOr<ExpiringPage>)> done) {
  if (limit < 1) return done(absl::InvalidArgumentError("limit must be positive"));
  if (after) {
    if (absl::Status s = CheckId(after->id); !s.ok()) return done(s);
  }
  // A cursor at or before `now` (a page token from a while ago) would list tokens that have
  // expired since: start at the window instead.
  ExpiringCursor start = after && after->expires_at > now ? *after : ExpiringCursor{now, kMaxUuid};
  executor_.Run<ExpiringPage>(
      [start = std::move(start), until,
       limit](pqxx::connection_base& conn) -> absl::StatusOr<ExpiringPage> {
        pqxx::nontransaction tx(conn, "token_list_expiring");
        const pqxx::result rows =
            tx.exec_prepared(kListExpiring, ToMicros(start.expires_at), start.id, ToMicros(until),
                             static_cast<int64_t>(limit) + 1);
        ExpiringPage page;
        page.tokens.reserve(std::min<size_t>(rows.size(), static_cast<size_t>(limit)));
        for (const pqxx::row& row : rows) {
          if (page.tokens.size() == static_cast<size_t>(limit)) {
            const TokenMetadata& last = page.tokens.back();
            page.next = ExpiringCursor{last.expires_at, last.id};
            break;
          }
          ASSIGN_OR_RETURN(TokenMetadata token, ReadToken(row));
          page.tokens.push_back(std::move(token));
        }
        return page;
      },
      std::move(done));
}

}  // namespace warden::storage
