// TokenStore::ListExpiring: the live tokens expiring within a window, keyset-paginated over
// the partial index on (expires_at, id) WHERE NOT revoked.

#include <algorithm>
#include <catch2/catch.hpp>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/await.h"
#include "storage/expiring_page.h"
#include "storage/token_sql.h"
#include "storage/token_store.h"
#include "tests/storage/explain.h"
#include "tests/storage/storage_fixture.h"

namespace warden::storage::testing {
namespace {

absl::StatusOr<ExpiringPage> ListExpiring(StorageFixture& storage, absl::Time now, absl::Time until,
                                          std::optional<ExpiringCursor> after, int limit) {
  return Await<absl::StatusOr<ExpiringPage>>(
      [&](auto done) { storage.tokens().ListExpiring(now, until, after, limit, done); });
}

TokenMetadata Expiring(absl::Time now, absl::Duration in, std::string name) {
  TokenMetadata token = NewToken(now - absl::Hours(24), std::move(name));
  token.expires_at = now + in;
  return token;
}

std::vector<std::string> Names(const std::vector<TokenMetadata>& tokens) {
  std::vector<std::string> names;
  for (const TokenMetadata& t : tokens) names.push_back(t.name);
  return names;
}

TEST_CASE("ListExpiring returns live tokens with now < expires_at <= until, soonest first",
          "[token_store][expiring]") {
  StorageFixture storage;
  const absl::Time now = TestEpoch();
  REQUIRE(storage.Insert(Expiring(now, absl::Hours(5), "at the window's end")).ok());
  REQUIRE(storage.Insert(Expiring(now, absl::Hours(1), "in 1h")).ok());
  REQUIRE(storage.Insert(Expiring(now, absl::Hours(5) + absl::Microseconds(1), "past")).ok());
  REQUIRE(storage.Insert(Expiring(now, absl::ZeroDuration(), "expires now")).ok());
  REQUIRE(storage.Insert(Expiring(now, -absl::Hours(1), "expired")).ok());
  TokenMetadata revoked = Expiring(now, absl::Hours(2), "revoked");
  REQUIRE(storage.Insert(revoked).ok());
  REQUIRE(storage.Revoke(revoked.id, now).ok());

  absl::StatusOr<ExpiringPage> page =
      ListExpiring(storage, now, now + absl::Hours(5), std::nullopt, 10);
  REQUIRE(page.ok());
  CHECK(Names(page->tokens) == std::vector<std::string>{"in 1h", "at the window's end"});
  CHECK_FALSE(page->next.has_value());
  CHECK(page->tokens[0].roles == std::vector<std::string>{"Analyst"});
  CHECK(page->tokens[0].expires_at == now + absl::Hours(1));
}

TEST_CASE("ListExpiring pages by (expires_at, id) without gaps or repeats",
          "[token_store][expiring]") {
  StorageFixture storage;
  const absl::Time now = TestEpoch();
  std::vector<TokenMetadata> all;
  for (int i = 0; i < 23; ++i) {
    // Groups of three share an expiry, so pages must break ties by id.
    all.push_back(Expiring(now, absl::Minutes(10 * (1 + i / 3)), absl::StrCat("t", i)));
    REQUIRE(storage.Insert(all.back()).ok());
  }
  std::sort(all.begin(), all.end(), [](const TokenMetadata& a, const TokenMetadata& b) {
    return std::tie(a.expires_at, a.id) < std::tie(b.expires_at, b.id);
  });

  std::vector<TokenMetadata> listed;
  std::optional<ExpiringCursor> cursor;
  int pages = 0;
  do {
    absl::StatusOr<ExpiringPage> page =
        ListExpiring(storage, now, now + absl::Hours(24), cursor, 4);
    REQUIRE(page.ok());
    REQUIRE(page->tokens.size() <= 4);
    listed.insert(listed.end(), page->tokens.begin(), page->tokens.end());
    cursor = page->next;
    ++pages;
  } while (cursor.has_value());
  CHECK(pages == 6);
  REQUIRE(listed.size() == all.size());
  for (size_t i = 0; i < all.size(); ++i) CHECK(listed[i].id == all[i].id);
}

TEST_CASE("a ListExpiring cursor at or before now starts at the window",
          "[token_store][expiring]") {
  StorageFixture storage;
  const absl::Time now = TestEpoch();
  REQUIRE(storage.Insert(Expiring(now, absl::Hours(1), "later")).ok());
  REQUIRE(storage.Insert(Expiring(now, -absl::Minutes(1), "just expired")).ok());
  const ExpiringCursor stale{now - absl::Hours(1), "00000000-0000-4000-8000-000000000000"};
  absl::StatusOr<ExpiringPage> page = ListExpiring(storage, now, now + absl::Hours(2), stale, 10);
  REQUIRE(page.ok());
  CHECK(Names(page->tokens) == std::vector<std::string>{"later"});
}

TEST_CASE("ListExpiring refuses a bad limit or cursor", "[token_store][expiring]") {
  StorageFixture storage;
  const absl::Time now = TestEpoch();
  CHECK(ListExpiring(storage, now, now, std::nullopt, 0).status().code() ==
        absl::StatusCode::kInvalidArgument);
  const ExpiringCursor bad{now + absl::Hours(1), "not-a-uuid"};
  CHECK(ListExpiring(storage, now, now + absl::Hours(2), bad, 10).status().code() ==
        absl::StatusCode::kInvalidArgument);
}

TEST_CASE("ListExpiring's statement is an index scan on the live-token expiry index",
          "[token_store][expiring]") {
  StorageFixture storage;
  const int64_t now = absl::ToUnixMicros(TestEpoch());
  const int64_t hour = int64_t{3600} * 1000000;
  pqxx::connection conn(storage.url());
  {
    // 40,000 tokens: half expired long ago (never deleted), a tenth revoked, 1% in the window,
    // the rest expiring in months.
    pqxx::work tx(conn);
    tx.exec0(absl::StrCat(R"sql(
INSERT INTO tokens (id, name, roles, issued_at, expires_at, revoked, revoked_at, created_by)
SELECT gen_random_uuid(), 'bulk ' || i, ARRAY['Analyst'], t0 - interval '400 days',
       CASE WHEN i % 2 = 0 THEN t0 - (i % 300) * interval '1 hour'
            WHEN i % 100 = 1 THEN t0 + (i % 168) * interval '1 hour' + interval '1 second'
            ELSE t0 + interval '90 days' + (i % 1000) * interval '1 hour' END,
       i % 10 = 3, CASE WHEN i % 10 = 3 THEN t0 END, 'user:admin'
FROM generate_series(1, 40000) AS i,
     (SELECT 'epoch'::timestamptz + )sql",
                          now, R"sql( * interval '1 microsecond' AS t0) AS c)sql"));
    tx.exec0("ANALYZE tokens");
    tx.commit();
  }
  {
    // A server-side PREPARE (libpqxx prepares lazily, on first execution).
    pqxx::nontransaction tx(conn);
    tx.exec0(std::string("PREPARE list_expiring AS ") + kListExpiringSql);
  }
  const std::string first_page =
      absl::StrCat(now, ", 'ffffffff-ffff-ffff-ffff-ffffffffffff', ", now + 168 * hour, ", 1001");
  const std::string later_page = absl::StrCat(
      now + 24 * hour, ", '80000000-0000-4000-8000-000000000000', ", now + 168 * hour, ", 1001");
  for (const char* mode : {"force_custom_plan", "force_generic_plan"}) {
    for (const std::string& args : {first_page, later_page}) {
      const std::string plan = ExplainExecute(conn, mode, "list_expiring", args);
      INFO(mode << "\n" << plan);
      CHECK(absl::StrContains(plan, "Index Scan using tokens_live_expires_at_idx"));
      CHECK_FALSE(absl::StrContains(plan, "Seq Scan"));
      CHECK_FALSE(absl::StrContains(plan, "Sort"));
    }
  }
}

}  // namespace
}  // namespace warden::storage::testing
