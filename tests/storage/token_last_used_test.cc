// TokenStore::RecordUses and ListTokens' unused_since filter, on a real
// PostgreSQL.

#include <catch2/catch.hpp>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/await.h"
#include "common/random.h"
#include "tests/storage/storage_fixture.h"

namespace warden::storage::testing {
namespace {

absl::StatusOr<int> RecordUses(StorageFixture& storage, std::vector<TokenUse> uses) {
  return Await<absl::StatusOr<int>>(
      [&](auto done) { storage.tokens().RecordUses(std::move(uses), done); });
}

std::optional<absl::Time> LastUsed(StorageFixture& storage, const std::string& id) {
  absl::StatusOr<TokenMetadata> token = storage.Get(id);
  REQUIRE(token.ok());
  return token->last_used_at;
}

TokenListQuery UnusedSince(absl::Time since, absl::Time now, int page_size) {
  TokenListQuery query;
  query.unused_since = since;
  query.now = now;
  query.page_size = page_size;
  return query;
}

// Every page of `query`, checking that each is at most page_size long.
std::vector<std::string> AllPages(StorageFixture& storage, TokenListQuery query,
                                  int* pages = nullptr) {
  std::vector<std::string> ids;
  int count = 0;
  while (true) {
    absl::StatusOr<TokenPage> page = storage.List(query);
    REQUIRE(page.ok());
    ++count;
    CHECK(page->tokens.size() <= static_cast<size_t>(query.page_size));
    for (const TokenMetadata& token : page->tokens) ids.push_back(token.id);
    if (!page->next.has_value()) break;
    query.after = page->next;
    REQUIRE(count < 1000);
  }
  if (pages != nullptr) *pages = count;
  return ids;
}

TEST_CASE("recording uses sets last_used_at in one batch, and unknown ids are skipped",
          "[token_store][last_used]") {
  StorageFixture storage;
  const absl::Time t = TestEpoch();
  TokenMetadata a = NewToken(t, "a"), b = NewToken(t, "b"), never = NewToken(t, "never");
  for (const TokenMetadata& token : {a, b, never}) REQUIRE(storage.Insert(token).ok());
  CHECK_FALSE(LastUsed(storage, a.id).has_value());  // a new token was never used

  absl::StatusOr<int> moved = RecordUses(
      storage, {{a.id, t + absl::Minutes(1)}, {b.id, t + absl::Minutes(2)}, {NewUuidV4(), t}});
  REQUIRE(moved.ok());
  CHECK(*moved == 2);
  CHECK(LastUsed(storage, a.id) == t + absl::Minutes(1));
  CHECK(LastUsed(storage, b.id) == t + absl::Minutes(2));
  CHECK_FALSE(LastUsed(storage, never.id).has_value());

  // Listing carries it too.
  TokenListQuery query;
  query.now = t;
  query.page_size = 10;
  absl::StatusOr<TokenPage> page = storage.List(query);
  REQUIRE(page.ok());
  REQUIRE(page->tokens.size() == 3);
  for (const TokenMetadata& listed : page->tokens) {
    if (listed.id == a.id) CHECK(listed.last_used_at == t + absl::Minutes(1));
    if (listed.id == never.id) CHECK_FALSE(listed.last_used_at.has_value());
  }

  CHECK(*RecordUses(storage, {}) == 0);  // nothing to do
}

TEST_CASE("last_used_at never moves backwards, and for an id given twice the later use counts",
          "[token_store][last_used]") {
  StorageFixture storage;
  const absl::Time t = TestEpoch();
  TokenMetadata token = NewToken(t);
  REQUIRE(storage.Insert(token).ok());

  REQUIRE(*RecordUses(storage, {{token.id, t + absl::Minutes(10)}}) == 1);
  // An older use (another replica's, or a retried batch) changes nothing.
  CHECK(*RecordUses(storage, {{token.id, t + absl::Minutes(5)}}) == 0);
  CHECK(LastUsed(storage, token.id) == t + absl::Minutes(10));
  CHECK(*RecordUses(storage, {{token.id, t + absl::Minutes(10)}}) == 0);  // nor the same one

  CHECK(*RecordUses(storage,
                    {{token.id, t + absl::Minutes(30)}, {token.id, t + absl::Minutes(20)}}) == 1);
  CHECK(LastUsed(storage, token.id) == t + absl::Minutes(30));
  CHECK(*RecordUses(storage, {{token.id, t + absl::Minutes(40)}}) == 1);
  CHECK(LastUsed(storage, token.id) == t + absl::Minutes(40));
}

TEST_CASE("a batch with a malformed id is INVALID_ARGUMENT and writes nothing",
          "[token_store][last_used]") {
  StorageFixture storage;
  TokenMetadata token = NewToken(TestEpoch());
  REQUIRE(storage.Insert(token).ok());
  absl::StatusOr<int> moved =
      RecordUses(storage, {{token.id, TestEpoch()}, {"eyJhbGciOi.not-an-id", TestEpoch()}});
  CHECK(moved.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(moved.status().message() == "token id is not a valid UUID");  // never echoed
  CHECK_FALSE(LastUsed(storage, token.id).has_value());
}

TEST_CASE("a batch of a thousand uses is one statement that sets every row",
          "[token_store][last_used]") {
  StorageFixture storage;
  const absl::Time t = TestEpoch();
  {
    pqxx::connection conn(storage.url());
    pqxx::work tx(conn);
    tx.exec0(absl::StrCat(
        "INSERT INTO tokens (id, name, roles, issued_at, expires_at, created_by) "
        "SELECT gen_random_uuid(), 'bulk ' || i, ARRAY['Analyst'], "
        "'epoch'::timestamptz + ",
        absl::ToUnixMicros(t),
        " * interval '1 microsecond', "
        "'epoch'::timestamptz + ",
        absl::ToUnixMicros(t + absl::Hours(24)),
        " * interval '1 microsecond', 'user:admin' FROM generate_series(1, 1000) AS i"));
    tx.commit();
  }
  std::vector<TokenUse> uses;
  {
    pqxx::connection conn(storage.url());
    pqxx::nontransaction tx(conn);
    for (const pqxx::row& row : tx.exec("SELECT id::text FROM tokens")) {
      uses.push_back({row[0].as<std::string>(), t + absl::Seconds(uses.size())});
    }
  }
  REQUIRE(uses.size() == 1000);
  CHECK(*RecordUses(storage, uses) == 1000);
  pqxx::connection conn(storage.url());
  pqxx::nontransaction tx(conn);
  CHECK(tx.exec1("SELECT count(*) FROM tokens WHERE last_used_at IS NOT NULL")[0].as<int>() ==
        1000);
  CHECK(LastUsed(storage, uses[999].id) == t + absl::Seconds(999));
}

TEST_CASE("unused_since lists tokens never used or last used before it",
          "[token_store][last_used]") {
  StorageFixture storage;
  const absl::Time t = TestEpoch();
  TokenMetadata never = NewToken(t, "never");
  TokenMetadata stale = NewToken(t + absl::Seconds(1), "stale");
  TokenMetadata recent = NewToken(t + absl::Seconds(2), "recent");
  TokenMetadata revoked = NewToken(t + absl::Seconds(3), "revoked, never used");
  for (const TokenMetadata& token : {never, stale, recent, revoked}) {
    REQUIRE(storage.Insert(token).ok());
  }
  REQUIRE(storage.Revoke(revoked.id, t + absl::Minutes(1)).ok());
  const absl::Time now = t + absl::Hours(48);
  REQUIRE(*RecordUses(storage, {{stale.id, now - absl::Hours(2)},
                                {recent.id, now - absl::Minutes(10)}}) == 2);

  CHECK(AllPages(storage, UnusedSince(now - absl::Hours(1), now, 10)) ==
        std::vector<std::string>{never.id, stale.id, revoked.id});
  // Exactly at the last use counts as used since then.
  CHECK(AllPages(storage, UnusedSince(now - absl::Hours(2), now, 10)) ==
        std::vector<std::string>{never.id, revoked.id});
  CHECK(AllPages(storage, UnusedSince(now + absl::Hours(1), now, 10)).size() == 4);
  // With the other filters.
  TokenListQuery live = UnusedSince(now - absl::Hours(1), now, 10);
  live.revoked = false;
  CHECK(AllPages(storage, live) == std::vector<std::string>{never.id, stale.id});
  CHECK(
      AllPages(storage, UnusedSince(now - absl::Hours(1), t + absl::Hours(24 * 400), 10)).empty());
}

TEST_CASE("unused_since pages: every match once, in order, through the keyset cursor",
          "[token_store][last_used]") {
  StorageFixture storage;
  const absl::Time t = TestEpoch();
  std::vector<TokenUse> uses;
  std::vector<std::string> unused;
  for (int i = 0; i < 9; ++i) {
    TokenMetadata token = NewToken(t + absl::Seconds(i), absl::StrCat("token ", i));
    REQUIRE(storage.Insert(token).ok());
    if (i % 3 == 1) {
      uses.push_back({token.id, t + absl::Hours(1)});
    } else {
      unused.push_back(token.id);
    }
  }
  REQUIRE(*RecordUses(storage, uses) == 3);
  int pages = 0;
  CHECK(AllPages(storage, UnusedSince(t + absl::Minutes(30), t, 2), &pages) == unused);
  CHECK(pages == 3);
  // A used token inserted meanwhile (or an unused one behind the cursor) moves nothing.
  TokenListQuery query = UnusedSince(t + absl::Minutes(30), t, 4);
  absl::StatusOr<TokenPage> first = storage.List(query);
  REQUIRE(first.ok());
  REQUIRE(first->tokens.size() == 4);
  REQUIRE(*RecordUses(storage, {{unused[1], t + absl::Hours(2)}}) == 1);
  query.after = first->next;
  absl::StatusOr<TokenPage> second = storage.List(query);
  REQUIRE(second.ok());
  REQUIRE(second->tokens.size() == 2);
  CHECK(second->tokens[0].id == unused[4]);
  CHECK(second->tokens[1].id == unused[5]);
  CHECK_FALSE(second->next.has_value());
}

TEST_CASE("an unused_since page examines a bounded number of tokens, then hands on a cursor",
          "[token_store][last_used]") {
  StorageFixture storage;
  const absl::Time t = TestEpoch();
  const int busy = TokenStore::kUnusedScanRows + 500;
  {
    // Used tokens first, then one never used: a page must not scan them all to find it.
    pqxx::connection conn(storage.url());
    pqxx::work tx(conn);
    tx.exec0(absl::StrCat(
        "INSERT INTO tokens (id, name, roles, issued_at, expires_at, created_by, last_used_at) "
        "SELECT gen_random_uuid(), 'busy ' || i, ARRAY['Analyst'], "
        "'epoch'::timestamptz + (",
        absl::ToUnixMicros(t),
        " + i) * interval '1 microsecond', "
        "'epoch'::timestamptz + ",
        absl::ToUnixMicros(t + absl::Hours(24)),
        " * interval '1 microsecond', 'user:admin', "
        "'epoch'::timestamptz + ",
        absl::ToUnixMicros(t + absl::Hours(1)),
        " * interval '1 microsecond' FROM generate_series(1, ", busy, ") AS i"));
    tx.commit();
  }
  TokenMetadata idle = NewToken(t + absl::Minutes(1), "idle");
  REQUIRE(storage.Insert(idle).ok());

  TokenListQuery query = UnusedSince(t + absl::Minutes(30), t, 100);
  absl::StatusOr<TokenPage> first = storage.List(query);
  REQUIRE(first.ok());
  CHECK(first->tokens.empty());  // the budget ran out among used tokens
  REQUIRE(first->next.has_value());
  query.after = first->next;
  absl::StatusOr<TokenPage> second = storage.List(query);
  REQUIRE(second.ok());
  REQUIRE(second->tokens.size() == 1);
  CHECK(second->tokens[0].id == idle.id);
  CHECK_FALSE(second->next.has_value());

  // Without the filter, nothing changes: full pages.
  TokenListQuery plain;
  plain.now = t;
  plain.page_size = 100;
  absl::StatusOr<TokenPage> page = storage.List(plain);
  REQUIRE(page.ok());
  CHECK(page->tokens.size() == 100);
}

}  // namespace
}  // namespace warden::storage::testing
