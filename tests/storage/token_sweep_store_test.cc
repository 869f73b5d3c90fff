// TokenSweepStore: what the background token jobs do to the tokens table (issue 18) —
// finding and revoking tokens nobody uses, deleting rows past the retention — against a
// real PostgreSQL.

#include "storage/token_sweep_store.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <future>
#include <map>
#include <pqxx/pqxx>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/await.h"
#include "common/clock.h"
#include "storage/revocation_notice.h"
#include "storage/token_store.h"
#include "storage/token_sweep_sql.h"
#include "tests/storage/explain.h"
#include "tests/storage/notice_listener.h"
#include "tests/storage/storage_fixture.h"

namespace warden::storage::testing {
namespace {

const absl::Duration kDay = absl::Hours(24);

absl::StatusOr<IdlePage> ListIdle(TokenSweepStore& sweep, absl::Time now, absl::Time idle_before,
                                  std::optional<TokenCursor> after = std::nullopt, int scan = 100) {
  return Await<absl::StatusOr<IdlePage>>(
      [&](auto done) { sweep.ListIdle(now, idle_before, after, scan, done); });
}

absl::StatusOr<std::vector<IdleToken>> RevokeIdle(TokenSweepStore& sweep,
                                                  std::vector<std::string> ids, absl::Time now,
                                                  absl::Time idle_before) {
  return Await<absl::StatusOr<std::vector<IdleToken>>>(
      [&](auto done) { sweep.RevokeIdle(ids, now, idle_before, done); });
}

absl::StatusOr<PurgeBatch> DeleteExpired(TokenSweepStore& sweep, absl::Time before,
                                         std::optional<PurgeCursor> after, int batch) {
  return Await<absl::StatusOr<PurgeBatch>>(
      [&](auto done) { sweep.DeleteExpired(before, after, batch, done); });
}

// The expiry sweep every replica runs at each reconcile (TokenStore::MarkExpired).
void SweepExpired(StorageFixture& storage, absl::Time now) {
  while (true) {
    absl::StatusOr<int> marked = Await<absl::StatusOr<int>>(
        [&](auto done) { storage.tokens().MarkExpired(now, 1000, done); });
    REQUIRE(marked.ok());
    if (*marked < 1000) return;
  }
}

void RecordUse(StorageFixture& storage, const std::string& id, absl::Time used_at) {
  absl::StatusOr<int> moved = Await<absl::StatusOr<int>>([&](auto done) {
    storage.tokens().RecordUses({TokenUse{id, used_at}}, done);
  });
  REQUIRE(moved.ok());
  REQUIRE(*moved == 1);
}

// Inserts a token issued at `issued_at` and expiring at `expires_at`; REQUIREs success.
TokenMetadata Put(StorageFixture& storage, std::string name, absl::Time issued_at,
                  absl::Time expires_at) {
  TokenMetadata token = NewToken(issued_at, std::move(name));
  token.expires_at = expires_at;
  REQUIRE(storage.Insert(token).ok());
  return token;
}

// What a rotation leaves behind: expires_at cut short, the string's expiry kept.
void CutShort(StorageFixture& storage, const std::string& id, absl::Time expires_at,
              absl::Time signed_expires_at) {
  pqxx::connection conn(storage.url());
  pqxx::work tx(conn);
  tx.exec0(absl::StrCat("UPDATE tokens SET expires_at = 'epoch'::timestamptz + ",
                        absl::ToUnixMicros(expires_at),
                        " * interval '1 microsecond', signed_expires_at = 'epoch'::timestamptz + ",
                        absl::ToUnixMicros(signed_expires_at),
                        " * interval '1 microsecond' WHERE id = ", tx.quote(id)));
  tx.commit();
}

std::set<std::string> Names(const std::vector<IdleToken>& tokens) {
  std::set<std::string> names;
  for (const IdleToken& t : tokens) names.insert(t.name);
  return names;
}

int64_t CountRows(const std::string& url) {
  pqxx::connection conn(url);
  pqxx::nontransaction tx(conn);
  return tx.exec1("SELECT count(*) FROM tokens")[0].as<int64_t>();
}

std::set<std::string> RowNames(const std::string& url) {
  pqxx::connection conn(url);
  pqxx::nontransaction tx(conn);
  std::set<std::string> names;
  for (const pqxx::row& row : tx.exec("SELECT name FROM tokens")) {
    names.insert(row[0].as<std::string>());
  }
  return names;
}

TEST_CASE("ListIdle finds the live tokens neither used nor issued since the cutoff",
          "[token_sweep][inactivity]") {
  StorageFixture storage;
  TokenSweepStore sweep(storage.executor());
  const absl::Time now = TestEpoch();
  const absl::Time cutoff = now - 90 * kDay;
  const absl::Time long_ago = now - 200 * kDay;
  const absl::Time later = now + 365 * kDay;

  Put(storage, "never used", long_ago, later);
  RecordUse(storage, Put(storage, "used just before the cutoff", long_ago, later).id,
            cutoff - absl::Microseconds(1));
  RecordUse(storage, Put(storage, "used at the cutoff", long_ago, later).id, cutoff);
  RecordUse(storage, Put(storage, "used recently", long_ago, later).id, now - absl::Hours(1));
  Put(storage, "issued just before the cutoff", cutoff - absl::Microseconds(1), later);
  Put(storage, "issued at the cutoff", cutoff, later);
  Put(storage, "issued recently", now - absl::Hours(1), later);
  TokenMetadata revoked = Put(storage, "revoked", long_ago, later);
  REQUIRE(storage.Revoke(revoked.id, now - 10 * kDay).ok());
  Put(storage, "expired, not yet swept", long_ago, now);
  Put(storage, "expired and swept", long_ago, now - kDay);
  SweepExpired(storage, now - absl::Hours(1));

  absl::StatusOr<IdlePage> page = ListIdle(sweep, now, cutoff);
  REQUIRE(page.ok());
  CHECK(Names(page->tokens) == std::set<std::string>{"never used", "used just before the cutoff",
                                                     "issued just before the cutoff"});
  CHECK_FALSE(page->next.has_value());
  for (const IdleToken& token : page->tokens) {
    INFO(token.name);
    CHECK(token.last_active() < cutoff);
    CHECK(token.expires_at == later);
    CHECK(token.signed_expires_at == later);
  }
}

TEST_CASE("ListIdle pages examine a bounded number of tokens and cover each idle one once",
          "[token_sweep][inactivity]") {
  StorageFixture storage;
  TokenSweepStore sweep(storage.executor());
  const absl::Time now = TestEpoch();
  const absl::Time cutoff = now - 30 * kDay;
  std::set<std::string> idle;
  for (int i = 0; i < 20; ++i) {
    // Issued a second apart; every third one was used last week.
    TokenMetadata token = Put(storage, absl::StrCat("token ", i),
                              now - 60 * kDay + absl::Seconds(i), now + 300 * kDay);
    if (i % 3 == 0) {
      RecordUse(storage, token.id, now - 7 * kDay);
    } else {
      idle.insert(token.name);
    }
  }
  std::multiset<std::string> seen;
  std::optional<TokenCursor> cursor;
  int pages = 0;
  do {
    absl::StatusOr<IdlePage> page = ListIdle(sweep, now, cutoff, cursor, /*scan=*/4);
    REQUIRE(page.ok());
    CHECK(page->tokens.size() <= 4);
    for (const IdleToken& token : page->tokens) seen.insert(token.name);
    cursor = page->next;
  } while (cursor.has_value() && ++pages < 100);
  CHECK(pages == 5);  // 20 tokens, 4 examined per page
  CHECK(std::set<std::string>(seen.begin(), seen.end()) == idle);
  CHECK(seen.size() == idle.size());
}

TEST_CASE("RevokeIdle revokes what is still idle and tells every replica",
          "[token_sweep][inactivity]") {
  StorageFixture storage;
  TokenSweepStore sweep(storage.executor());
  const absl::Time now = TestEpoch();
  const absl::Time cutoff = now - 90 * kDay;
  const absl::Time long_ago = now - 200 * kDay;
  TokenMetadata idle = Put(storage, "idle", long_ago, now + 100 * kDay);
  TokenMetadata rotated = Put(storage, "rotated", long_ago, now + 100 * kDay);
  CutShort(storage, rotated.id, now + kDay, now + 100 * kDay);
  TokenMetadata used_since = Put(storage, "used since the listing", long_ago, now + 100 * kDay);
  TokenMetadata revoked_before = Put(storage, "revoked before", long_ago, now + 100 * kDay);
  REQUIRE(storage.Revoke(revoked_before.id, now - 5 * kDay).ok());

  absl::StatusOr<IdlePage> page = ListIdle(sweep, now, cutoff);
  REQUIRE(page.ok());
  REQUIRE(Names(page->tokens) ==
          std::set<std::string>{"idle", "rotated", "used since the listing"});
  // A replica writes a use after the job listed the token: the revocation checks again.
  RecordUse(storage, used_since.id, now - absl::Minutes(1));

  pqxx::connection conn(storage.url());
  NoticeListener listener(conn, TokenStore::kRevocationChannel);
  conn.get_notifs();  // makes sure LISTEN has been sent
  absl::StatusOr<std::vector<IdleToken>> revoked =
      RevokeIdle(sweep, {idle.id, rotated.id, used_since.id, revoked_before.id}, now, cutoff);
  REQUIRE(revoked.ok());
  CHECK(Names(*revoked) == std::set<std::string>{"idle", "rotated"});

  absl::StatusOr<TokenMetadata> row = storage.Get(idle.id);
  REQUIRE(row.ok());
  CHECK(row->revoked);
  CHECK(row->revoked_at == now);
  row = storage.Get(used_since.id);
  REQUIRE(row.ok());
  CHECK_FALSE(row->revoked);
  row = storage.Get(revoked_before.id);
  REQUIRE(row.ok());
  CHECK(row->revoked_at == now - 5 * kDay);  // the first revocation's time is kept

  for (int i = 0; i < 50 && listener.payloads.size() < 2; ++i) conn.await_notification(0, 100'000);
  REQUIRE(listener.payloads.size() == 2);
  std::map<std::string, RevocationNotice> notices;
  for (const std::string& payload : listener.payloads) {
    std::optional<RevocationNotice> notice = ParseRevocationNotice(payload);
    REQUIRE(notice.has_value());
    notices[notice->id] = *notice;
  }
  REQUIRE(notices.count(idle.id) == 1);
  CHECK(notices[idle.id].expires_at == now + 100 * kDay);
  CHECK(notices[idle.id].sent_at == now);
  CHECK_FALSE(notices[idle.id].effective_from.has_value());  // refused at once
  // The rotated token's string stays valid until its signed expiry: so does the refusal.
  REQUIRE(notices.count(rotated.id) == 1);
  CHECK(notices[rotated.id].expires_at == now + 100 * kDay);

  // Revoked tokens are no longer idle candidates; a second pass revokes nothing.
  page = ListIdle(sweep, now, cutoff);
  REQUIRE(page.ok());
  CHECK(page->tokens.empty());
  revoked = RevokeIdle(sweep, {idle.id}, now, cutoff);
  REQUIRE(revoked.ok());
  CHECK(revoked->empty());
}

TEST_CASE("RevokeIdle refuses malformed and oversized batches", "[token_sweep][inactivity]") {
  StorageFixture storage;
  TokenSweepStore sweep(storage.executor());
  absl::StatusOr<std::vector<IdleToken>> revoked =
      RevokeIdle(sweep, {"not a uuid"}, TestEpoch(), TestEpoch());
  CHECK(revoked.status().code() == absl::StatusCode::kInvalidArgument);
  std::vector<std::string> many(TokenSweepStore::kMaxRevokeBatch + 1,
                                "5f0c6a52-3bb1-4f5e-9a4e-2a8f0f0e8d11");
  revoked = RevokeIdle(sweep, many, TestEpoch(), TestEpoch());
  CHECK(revoked.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(RevokeIdle(sweep, {}, TestEpoch(), TestEpoch())->empty());
}

TEST_CASE("DeleteExpired deletes only rows whose signed expiry is past the retention",
          "[token_sweep][retention]") {
  StorageFixture storage;
  const absl::Time now = TestEpoch();
  const absl::Time cutoff = now - 30 * kDay;  // a 720h retention
  const absl::Time issued = now - 400 * kDay;
  Put(storage, "expired long ago", issued, cutoff - kDay);
  Put(storage, "expired just before the cutoff", issued, cutoff - absl::Microseconds(1));
  Put(storage, "expired at the cutoff", issued, cutoff);
  Put(storage, "expired recently", issued, now - kDay);
  Put(storage, "live", issued, now + kDay);
  TokenMetadata revoked = Put(storage, "revoked, expired long ago", issued, cutoff - kDay);
  REQUIRE(storage.Revoke(revoked.id, cutoff - 2 * kDay).ok());
  // Rotated: expires_at cut short long ago, but the string is valid until its signed expiry.
  TokenMetadata rotated = Put(storage, "rotated, string still valid", issued, now + kDay);
  CutShort(storage, rotated.id, cutoff - 5 * kDay, now + kDay);
  TokenMetadata rotated_done = Put(storage, "rotated, string expired long ago", issued, now);
  CutShort(storage, rotated_done.id, cutoff - 5 * kDay, cutoff - 2 * kDay);
  SweepExpired(storage, now);

  TokenSweepStore sweep(storage.executor());
  absl::StatusOr<PurgeBatch> batch = DeleteExpired(sweep, cutoff, std::nullopt, 100);
  REQUIRE(batch.ok());
  CHECK(batch->deleted == 4);
  REQUIRE(batch->last.has_value());
  CHECK(batch->last->expiry == cutoff - absl::Microseconds(1));
  CHECK(RowNames(storage.url()) == std::set<std::string>{"expired at the cutoff",
                                                         "expired recently", "live",
                                                         "rotated, string still valid"});
  batch = DeleteExpired(sweep, cutoff, std::nullopt, 100);
  REQUIRE(batch.ok());
  CHECK(batch->deleted == 0);
  CHECK_FALSE(batch->last.has_value());
}

TEST_CASE("DeleteExpired leaves rows the expiry sweep has not flagged yet",
          "[token_sweep][retention]") {
  StorageFixture storage;
  const absl::Time now = TestEpoch();
  Put(storage, "expired long ago, not swept", now - 400 * kDay, now - 100 * kDay);
  TokenSweepStore sweep(storage.executor());
  CHECK(DeleteExpired(sweep, now - 30 * kDay, std::nullopt, 100)->deleted == 0);
  SweepExpired(storage, now);
  CHECK(DeleteExpired(sweep, now - 30 * kDay, std::nullopt, 100)->deleted == 1);
  CHECK(CountRows(storage.url()) == 0);
}

// `count` tokens expired `days_ago` days before now (a second apart), flagged expired.
void BulkExpired(const std::string& url, int count, absl::Time now, int days_ago) {
  pqxx::connection conn(url);
  pqxx::work tx(conn);
  tx.exec0(
      absl::StrCat(R"sql(
INSERT INTO tokens (id, name, roles, issued_at, expires_at, created_by, expired)
SELECT gen_random_uuid(), 'bulk ' || i, ARRAY['Analyst'], t0 - interval '400 days',
       t0 - )sql",
                   days_ago, R"sql( * interval '1 day' - i * interval '1 second', 'user:admin', true
FROM generate_series(1, )sql",
                   count, R"sql() AS i,
     (SELECT 'epoch'::timestamptz + )sql",
                   absl::ToUnixMicros(now), R"sql( * interval '1 microsecond' AS t0) AS c)sql"));
  tx.commit();
}

TEST_CASE("DeleteExpired works in batches, each starting where the last one ended",
          "[token_sweep][retention]") {
  StorageFixture storage;
  const absl::Time now = TestEpoch();
  BulkExpired(storage.url(), 25, now, 40);
  Put(storage, "live", now - kDay, now + kDay);
  TokenSweepStore sweep(storage.executor());
  std::vector<int> sizes;
  std::optional<PurgeCursor> after;
  absl::Time previous = absl::InfinitePast();
  for (int i = 0; i < 10; ++i) {
    absl::StatusOr<PurgeBatch> batch = DeleteExpired(sweep, now - 30 * kDay, after, 10);
    REQUIRE(batch.ok());
    sizes.push_back(batch->deleted);
    if (batch->deleted < 10) break;
    REQUIRE(batch->last.has_value());
    CHECK(batch->last->expiry > previous);  // earliest first
    previous = batch->last->expiry;
    after = batch->last;
  }
  CHECK(sizes == std::vector<int>{10, 10, 5});
  CHECK(RowNames(storage.url()) == std::set<std::string>{"live"});
}

TEST_CASE("two deleters at once never delete or count a row twice", "[token_sweep][retention]") {
  StorageFixture storage;
  const absl::Time now = TestEpoch();
  BulkExpired(storage.url(), 3000, now, 40);
  // Two replicas: an executor and a store each, on one database.
  DatabaseOptions options;
  options.url = storage.url();
  options.pool_size = 1;
  StorageExecutor other_executor(options, RealClock::Get());
  TokenSweepStore mine(storage.executor());
  TokenSweepStore theirs(other_executor);
  const auto drain = [&](TokenSweepStore& sweep) {
    int total = 0;
    while (true) {
      absl::StatusOr<PurgeBatch> batch = DeleteExpired(sweep, now - 30 * kDay, std::nullopt, 50);
      if (!batch.ok() || batch->deleted == 0) return total;
      total += batch->deleted;
    }
  };
  std::future<int> a = std::async(std::launch::async, [&] { return drain(mine); });
  std::future<int> b = std::async(std::launch::async, [&] { return drain(theirs); });
  const int deleted_a = a.get();
  const int deleted_b = b.get();
  INFO("a deleted " << deleted_a << ", b deleted " << deleted_b);
  CHECK(deleted_a + deleted_b == 3000);
  CHECK(CountRows(storage.url()) == 0);
}

TEST_CASE("the jobs' statements are served by indexes, not by scanning the table",
          "[token_sweep][explain]") {
  StorageFixture storage;
  const int64_t now = absl::ToUnixMicros(TestEpoch());
  const int64_t day = int64_t{86400} * 1000000;
  pqxx::connection conn(storage.url());
  {
    // 40,000 tokens: half expired (flagged), over the last 90 days, so that two thirds of
    // those are past a 30-day retention, a backlog many batches long; the rest live, issued
    // over the last year, a third of them used last week.
    pqxx::work tx(conn);
    tx.exec0(absl::StrCat(R"sql(
INSERT INTO tokens (id, name, roles, issued_at, expires_at, created_by, expired, last_used_at)
SELECT gen_random_uuid(), 'bulk ' || i, ARRAY['Analyst'], t0 - (i % 365) * interval '1 day',
       CASE WHEN i % 2 = 0 THEN t0 - (i % 90) * interval '1 day' - interval '1 hour'
            ELSE t0 + (i % 300) * interval '1 day' + interval '1 hour' END,
       'user:admin', i % 2 = 0,
       CASE WHEN i % 3 = 0 THEN t0 - interval '7 days' END
FROM generate_series(1, 40000) AS i,
     (SELECT 'epoch'::timestamptz + )sql",
                          now, R"sql( * interval '1 microsecond' AS t0) AS c)sql"));
    tx.exec0("ANALYZE tokens");
    tx.commit();
  }
  {
    pqxx::nontransaction tx(conn);
    tx.exec0(std::string("PREPARE list_idle AS ") + kListIdleSql);
    tx.exec0(std::string("PREPARE delete_expired AS ") + kDeleteExpiredSql);
  }
  const std::string idle_first = absl::StrCat(now, ", ", now - 90 * day, ", NULL, NULL, 500");
  const std::string idle_later = absl::StrCat(now, ", ", now - 90 * day, ", ", now - 200 * day,
                                              ", '80000000-0000-4000-8000-000000000000', 500");
  const std::string purge_first = absl::StrCat(now - 30 * day, ", NULL, NULL, 1000");
  const std::string purge_later = absl::StrCat(now - 30 * day, ", ", now - 80 * day,
                                               ", '80000000-0000-4000-8000-000000000000', 1000");
  for (const char* mode : {"force_custom_plan", "force_generic_plan"}) {
    for (const std::string& args : {idle_first, idle_later}) {
      const std::string plan = ExplainExecute(conn, mode, "list_idle", args);
      INFO(mode << "\n" << plan);
      CHECK(absl::StrContains(plan, "Index Scan using tokens_unexpired_issued_at_id_idx"));
      CHECK_FALSE(absl::StrContains(plan, "Seq Scan"));
      CHECK_FALSE(absl::StrContains(plan, "Sort"));
    }
    for (const std::string& args : {purge_first, purge_later}) {
      // The rows come from migration 0015's index: as an ordered Index Scan that stops after
      // the batch, or, where the planner expects few more rows than the batch (as in a table
      // this small), as a Bitmap Index Scan of those few plus a sort. The deletes go by
      // primary key. The churn benchmark shows the plan on a large table.
      const std::string plan = ExplainExecute(conn, mode, "delete_expired", args);
      INFO(mode << "\n" << plan);
      CHECK((absl::StrContains(plan, "Index Scan using tokens_expired_purge_idx") ||
             absl::StrContains(plan, "Bitmap Index Scan on tokens_expired_purge_idx")));
      CHECK(absl::StrContains(plan, "tokens_pkey"));
      CHECK_FALSE(absl::StrContains(plan, "Seq Scan"));
    }
  }
}

}  // namespace
}  // namespace warden::storage::testing
