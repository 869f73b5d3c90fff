// TokenStore::RecordUses: the batched write of the usage recorder, apart from the
// token CRUD in token_store.cc.

#include <cstdint>
#include <pqxx/pqxx>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/random.h"
#include "storage/pg/sql_values.h"
#include "storage/token_store.h"

namespace warden::storage {
namespace {

// $1 ids (uuid[]), $2 used_at (bigint[] of micros), element by element. One statement for
// the whole batch. DISTINCT ON keeps each id's latest use, so that no row is matched twice
// (UPDATE … FROM would then pick either value), and hands the ids over in order, so that
// replicas flushing overlapping batches lock rows in the same order. The WHERE clause both
// keeps last_used_at from moving back and skips writing a row version that changes nothing.
constexpr char kRecordUses[] = "warden_token_record_uses";
constexpr char kRecordUsesSql[] = R"sql(
UPDATE tokens AS t
SET last_used_at = u.used_at
FROM (SELECT DISTINCT ON (id) id, 'epoch'::timestamptz + micros * interval '1 microsecond'
                                  AS used_at
      FROM unnest($1::uuid[], $2::bigint[]) AS used(id, micros)
      ORDER BY id, micros DESC) AS u
WHERE t.id = u.id AND (t.last_used_at IS NULL OR t.last_used_at < u.used_at))sql";

}  // namespace

void TokenStore::PrepareRecordUses() { executor_.Prepare(kRecordUses, kRecordUsesSql); }

void TokenStore::RecordUses(std::vector<TokenUse> uses,
                            std::function<void(absl::StatusOr<int>)> done) {
  if (uses.empty()) return done(0);
  std::vector<std::string> ids;
  std::vector<int64_t> micros;
  ids.reserve(uses.size());
  micros.reserve(uses.size());
  for (TokenUse& use : uses) {
    // Never echo it: it came from a presented token.
    if (!IsUuid(use.id)) return done(absl::InvalidArgumentError("token id is not a valid UUID"));
    ids.push_back(std::move(use.id));
    micros.push_back(ToMicros(use.used_at));
  }
  executor_.Run<int>(
      [ids = TextArrayLiteral(ids), micros = absl::StrCat("{", absl::StrJoin(micros, ","), "}")](
          pqxx::connection_base& conn) -> absl::StatusOr<int> {
        pqxx::work tx(conn, "token_record_uses");
        const pqxx::result updated = tx.exec_prepared(kRecordUses, ids, micros);
        tx.commit();
        return static_cast<int>(updated.affected_rows());
      },
      std::move(done));
}

}  // namespace warden::storage
