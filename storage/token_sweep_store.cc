#include "storage/token_sweep_store.h"

#include <algorithm>
#include <cstdint>
#include <pqxx/pqxx>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/random.h"
#include "storage/pg/sql_values.h"
#include "storage/revocation_notice.h"
#include "storage/token_store.h"
#include "storage/token_sweep_sql.h"

namespace warden::storage {

#define WARDEN_MICROS(T) "'epoch'::timestamptz + " T "::bigint * interval '1 microsecond'"
#define WARDEN_AS_MICROS(COLUMN) "(extract(epoch FROM " COLUMN ") * 1000000)::bigint"
// The columns ReadIdle expects, in order.
#define WARDEN_IDLE_COLUMNS \
  "id::text, name, " WARDEN_AS_MICROS("issued_at") ", " WARDEN_AS_MICROS("last_used_at") \
  ", " WARDEN_AS_MICROS("expires_at") ", "                                        \
  WARDEN_AS_MICROS("coalesce(signed_expires_at, expires_at)")

// The inner query walks tokens_unexpired_issued_at_id_idx (issued_at, id) WHERE NOT expired
// from the cursor up to idle_before (a token issued since is not idle), through at most $5
// rows, numbering them; the outer keeps the idle live ones, plus the $5th row examined,
// where the next page starts. The WHERE of `wanted` is the inactivity rule itself.
const char kListIdleSql[] = "SELECT " WARDEN_IDLE_COLUMNS R"sql(, wanted, n
FROM (SELECT tokens.*,
             (NOT revoked AND expires_at > )sql" WARDEN_MICROS("$1") R"sql(
              AND (last_used_at IS NULL OR last_used_at < )sql" WARDEN_MICROS(
    "$2") R"sql()) AS wanted,
             row_number() OVER (ORDER BY issued_at, id) AS n
      FROM tokens
      WHERE NOT expired
        AND issued_at < )sql" WARDEN_MICROS("$2") R"sql(
        AND (issued_at, id) > (COALESCE()sql" WARDEN_MICROS("$3") R"sql(, '-infinity'),
                               COALESCE($4::uuid, '00000000-0000-0000-0000-000000000000'))
      ORDER BY issued_at, id
      LIMIT $5) AS scanned
WHERE wanted OR n = $5
ORDER BY scanned.issued_at, scanned.id)sql";

// One statement: the rows are found by the partial index of migration 0015 on
// (coalesce(signed_expires_at, expires_at), id) WHERE expired, in order from the cursor, and
// the scan stops after $4 of them; they are locked (SKIP LOCKED: another deleter's rows are
// left to it) and deleted by primary key: `= ANY(ARRAY(…))` makes the ids one array that the
// primary key index is probed with, where `IN (subquery)` may be planned as a hash join over
// the whole table. The cursor is a row comparison, as in ListExpiring:
// the planner then keeps the ordered index scan, where two plain bounds on one column would
// be estimated as a narrow range and read as a bitmap, every matching entry at each batch.
const char kDeleteExpiredSql[] = R"sql(
DELETE FROM tokens
WHERE id = ANY(ARRAY(
  SELECT id FROM tokens
  WHERE expired
    AND (coalesce(signed_expires_at, expires_at), id) >
        (COALESCE()sql" WARDEN_MICROS("$2") R"sql(, '-infinity'),
         COALESCE($3::uuid, '00000000-0000-0000-0000-000000000000'))
    AND coalesce(signed_expires_at, expires_at) < )sql" WARDEN_MICROS("$1") R"sql(
  ORDER BY coalesce(signed_expires_at, expires_at), id
  LIMIT $4
  FOR UPDATE SKIP LOCKED))
RETURNING )sql" WARDEN_AS_MICROS("coalesce(signed_expires_at, expires_at)") ", id::text";

namespace {

constexpr char kListIdle[] = "warden_sweep_list_idle";
constexpr char kDeleteExpired[] = "warden_sweep_delete_expired";

// $1 ids (uuid[]), $2 now, $3 idle_before (microseconds). The rule of kListIdleSql again,
// checked on each row's latest version as FOR UPDATE locks it (in id order, so that two
// revokers lock in the same order); both levels go by primary key.
constexpr char kRevokeIdle[] = "warden_sweep_revoke_idle";
constexpr char kRevokeIdleSql[] = R"sql(
UPDATE tokens
SET revoked = true,
    revoked_at = COALESCE(revoked_at, )sql" WARDEN_MICROS("$2") R"sql()
WHERE id = ANY(ARRAY(
  SELECT id FROM tokens
  WHERE id = ANY($1::uuid[])
    AND NOT revoked
    AND expires_at > )sql" WARDEN_MICROS("$2") R"sql(
    AND issued_at < )sql" WARDEN_MICROS("$3") R"sql(
    AND (last_used_at IS NULL OR last_used_at < )sql" WARDEN_MICROS("$3") R"sql()
  ORDER BY id
  FOR UPDATE SKIP LOCKED))
RETURNING )sql" WARDEN_IDLE_COLUMNS;

// $1 channel, $2 payloads (text[]): one notification each, delivered at commit.
constexpr char kNotifyEach[] = "warden_sweep_notify_revoked";
constexpr char kNotifyEachSql[] =
    "SELECT count(pg_notify($1, payload)) FROM unnest($2::text[]) AS payload";

#undef WARDEN_IDLE_COLUMNS
#undef WARDEN_AS_MICROS
#undef WARDEN_MICROS

IdleToken ReadIdle(const pqxx::row& row) {
  IdleToken token;
  token.id = row[0].as<std::string>();
  token.name = row[1].as<std::string>();
  token.issued_at = FromMicros(row[2].as<int64_t>());
  if (!row[3].is_null()) token.last_used_at = FromMicros(row[3].as<int64_t>());
  token.expires_at = FromMicros(row[4].as<int64_t>());
  token.signed_expires_at = FromMicros(row[5].as<int64_t>());
  return token;
}

}  // namespace

TokenSweepStore::TokenSweepStore(StorageExecutor& executor) : executor_(executor) {
  executor_.Prepare(kListIdle, kListIdleSql);
  executor_.Prepare(kRevokeIdle, kRevokeIdleSql);
  executor_.Prepare(kNotifyEach, kNotifyEachSql);
  executor_.Prepare(kDeleteExpired, kDeleteExpiredSql);
}

void TokenSweepStore::ListIdle(absl::Time now, absl::Time idle_before,
                               std::optional<TokenCursor> after, int scan,
                               std::function<void(absl::StatusOr<IdlePage>)> done) {
  if (scan < 1) return done(absl::InvalidArgumentError("scan must be positive"));
  if (after.has_value() && !IsUuid(after->id)) {
    return done(absl::InvalidArgumentError("cursor id is not a valid UUID"));
  }
  executor_.Run<IdlePage>(
      [now, idle_before, after = std::move(after),
       scan](pqxx::connection_base& conn) -> absl::StatusOr<IdlePage> {
        // libpqxx 6.4 passes a null `const char*` as SQL NULL.
        const std::string after_micros = after ? absl::StrCat(ToMicros(after->issued_at)) : "";
        pqxx::nontransaction tx(conn, "sweep_list_idle");
        const pqxx::result rows = tx.exec_prepared(kListIdle, ToMicros(now), ToMicros(idle_before),
                                                   after ? after_micros.c_str() : nullptr,
                                                   after ? after->id.c_str() : nullptr, scan);
        IdlePage page;
        for (const pqxx::row& row : rows) {
          IdleToken token = ReadIdle(row);
          // The scan's last row says where the next page starts, idle or not.
          if (row[7].as<int64_t>() == scan) page.next = TokenCursor{token.issued_at, token.id};
          if (row[6].as<bool>()) page.tokens.push_back(std::move(token));
        }
        return page;
      },
      std::move(done));
}

void TokenSweepStore::RevokeIdle(std::vector<std::string> ids, absl::Time now,
                                 absl::Time idle_before,
                                 std::function<void(absl::StatusOr<std::vector<IdleToken>>)> done) {
  using Revoked = std::vector<IdleToken>;
  if (ids.empty()) return done(Revoked());
  if (ids.size() > kMaxRevokeBatch) {
    return done(absl::InvalidArgumentError(
        absl::StrCat("at most ", kMaxRevokeBatch, " tokens may be revoked in one batch")));
  }
  for (const std::string& id : ids) {
    if (!IsUuid(id)) return done(absl::InvalidArgumentError("token id is not a valid UUID"));
  }
  executor_.Run<Revoked>(
      [ids = TextArrayLiteral(ids), now,
       idle_before](pqxx::connection_base& conn) -> absl::StatusOr<Revoked> {
        pqxx::work tx(conn, "sweep_revoke_idle");
        const pqxx::result rows =
            tx.exec_prepared(kRevokeIdle, ids, ToMicros(now), ToMicros(idle_before));
        Revoked revoked;
        std::vector<std::string> notices;
        revoked.reserve(rows.size());
        notices.reserve(rows.size());
        for (const pqxx::row& row : rows) {
          revoked.push_back(ReadIdle(row));
          // As TokenStore::Revoke words it; the expiry is the one the token string carries,
          // so that replicas keep refusing a rotated token until the string itself expires.
          notices.push_back(EncodeRevocationNotice(
              RevocationNotice{revoked.back().id, revoked.back().signed_expires_at, now, {}}));
        }
        if (!notices.empty()) {
          tx.exec_prepared(kNotifyEach, TokenStore::kRevocationChannel, TextArrayLiteral(notices));
        }
        tx.commit();
        std::sort(revoked.begin(), revoked.end(),
                  [](const IdleToken& a, const IdleToken& b) { return a.id < b.id; });
        return revoked;
      },
      std::move(done));
}

void TokenSweepStore::DeleteExpired(absl::Time expired_before, std::optional<PurgeCursor> after,
                                    int batch,
                                    std::function<void(absl::StatusOr<PurgeBatch>)> done) {
  if (batch < 1) return done(absl::InvalidArgumentError("batch must be positive"));
  if (after.has_value() && !IsUuid(after->id)) {
    return done(absl::InvalidArgumentError("cursor id is not a valid UUID"));
  }
  executor_.Run<PurgeBatch>(
      [expired_before, after = std::move(after),
       batch](pqxx::connection_base& conn) -> absl::StatusOr<PurgeBatch> {
        const std::string after_micros = after ? absl::StrCat(ToMicros(after->expiry)) : "";
        pqxx::work tx(conn, "sweep_delete_expired");
        const pqxx::result rows = tx.exec_prepared(kDeleteExpired, ToMicros(expired_before),
                                                   after ? after_micros.c_str() : nullptr,
                                                   after ? after->id.c_str() : nullptr, batch);
        tx.commit();
        PurgeBatch result;
        result.deleted = static_cast<int>(rows.affected_rows());
        for (const pqxx::row& row : rows) {
          PurgeCursor deleted{FromMicros(row[0].as<int64_t>()), row[1].as<std::string>()};
          if (!result.last.has_value() || std::tie(result.last->expiry, result.last->id) <
                                              std::tie(deleted.expiry, deleted.id)) {
            result.last = std::move(deleted);
          }
        }
        return result;
      },
      std::move(done));
}

}  // namespace warden::storage
