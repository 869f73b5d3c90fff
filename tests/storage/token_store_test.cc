#include "storage/token_store.h"

#include <catch2/catch.hpp>
#include <pqxx/pqxx>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "common/await.h"
#include "common/random.h"
#include "tests/storage/blocking_role_stores.h"
#include "tests/storage/notice_listener.h"
#include "tests/storage/storage_fixture.h"

namespace warden::storage::testing {
namespace {

using absl::StatusCode;

TokenListQuery Query(absl::Time now, int page_size, std::optional<bool> revoked = std::nullopt,
                     bool include_expired = false) {
  TokenListQuery query;
  query.revoked = revoked;
  query.include_expired = include_expired;
  query.now = now;
  query.page_size = page_size;
  return query;
}

void RequireSameToken(const TokenMetadata& got, const TokenMetadata& want) {
  CHECK(got.id == want.id);
  CHECK(got.name == want.name);
  CHECK(got.roles == want.roles);
  CHECK(got.issued_at == want.issued_at);
  CHECK(got.expires_at == want.expires_at);
  CHECK(got.revoked == want.revoked);
  CHECK(got.revoked_at == want.revoked_at);
  CHECK(got.created_by == want.created_by);
  CHECK(got.created_by_name == want.created_by_name);
}

std::vector<std::string> Ids(const std::vector<TokenMetadata>& tokens) {
  std::vector<std::string> ids;
  for (const TokenMetadata& t : tokens) ids.push_back(t.id);
  return ids;
}

TEST_CASE("a token round-trips through insert and get", "[token_store]") {
  StorageFixture storage;
  TokenMetadata token = NewToken(TestEpoch());
  token.roles = {"Admin", "Continuous Integration"};
  REQUIRE(storage.Insert(token).ok());

  absl::StatusOr<TokenMetadata> got = storage.Get(token.id);
  REQUIRE(got.ok());
  RequireSameToken(*got, token);
}

TEST_CASE("the creator's name round-trips through every read", "[token_store]") {
  StorageFixture storage;
  TokenMetadata token = NewToken(TestEpoch());
  token.created_by = "user:corp:248289761001";
  token.created_by_name = "Jane Doe <jane@corp.example.com>";
  REQUIRE(storage.Insert(token).ok());
  TokenMetadata unnamed = NewToken(TestEpoch() + absl::Seconds(1));  // as before migration 13
  REQUIRE(storage.Insert(unnamed).ok());

  CHECK(storage.Get(token.id)->created_by_name == token.created_by_name);
  TokenListQuery query;
  query.now = TestEpoch();
  query.page_size = 10;
  absl::StatusOr<TokenPage> page = storage.List(query);
  REQUIRE(page.ok());
  REQUIRE(page->tokens.size() == 2);
  CHECK(page->tokens[0].created_by_name == token.created_by_name);
  CHECK(page->tokens[1].created_by_name.empty());
  query.unused_since = TestEpoch();
  page = storage.List(query);
  REQUIRE(page.ok());
  REQUIRE(page->tokens.size() == 2);
  CHECK(page->tokens[0].created_by_name == token.created_by_name);
  CHECK(storage.Revoke(token.id, TestEpoch())->created_by_name == token.created_by_name);
}

TEST_CASE("inserting an existing id is ALREADY_EXISTS", "[token_store]") {
  StorageFixture storage;
  TokenMetadata token = NewToken(TestEpoch());
  REQUIRE(storage.Insert(token).ok());
  token.name = "other";
  const absl::Status again = storage.Insert(token);
  CHECK(again.code() == StatusCode::kAlreadyExists);
  CHECK(again.message() == "token " + token.id + " already exists");
}

TEST_CASE("a token without roles is refused by the schema", "[token_store]") {
  StorageFixture storage;
  TokenMetadata token = NewToken(TestEpoch());
  token.roles.clear();
  CHECK(storage.Insert(token).code() == StatusCode::kFailedPrecondition);
}

TEST_CASE("getting an unknown token is NOT_FOUND", "[token_store]") {
  StorageFixture storage;
  const std::string id = NewUuidV4();
  absl::StatusOr<TokenMetadata> got = storage.Get(id);
  CHECK(got.status().code() == StatusCode::kNotFound);
  CHECK(got.status().message() == "token " + id + " not found");
}

TEST_CASE("an id that is not a UUID is INVALID_ARGUMENT and not echoed", "[token_store]") {
  StorageFixture storage;
  const std::string not_an_id = "eyJhbGciOiJFUzI1NiJ9.secret.signature";
  for (const absl::Status& status :
       {storage.Get(not_an_id).status(), storage.Revoke(not_an_id, TestEpoch()).status()}) {
    CHECK(status.code() == StatusCode::kInvalidArgument);
    CHECK_FALSE(absl::StrContains(status.message(), "secret"));
  }
}

TEST_CASE("names and roles with SQL metacharacters round-trip exactly", "[token_store]") {
  StorageFixture storage;
  TokenMetadata token = NewToken(TestEpoch());
  token.name = "Robert'); DROP TABLE tokens;-- \"quoted\" \\back\\slash\\ $1 ünïcødé 🔑";
  token.roles = {"a,b",      "q\"uote",  "{braces}", "back\\slash", "NULL",
                 " spaced ", "'single'", "ünï 🔑",    "$$dollar$$"};
  token.created_by = "user:o'brien\\";
  // A token's roles must exist (an empty name cannot be a role).
  BlockingRoleStore roles(storage.roles());
  for (const std::string& role : token.roles) {
    INFO(role);
    REQUIRE(roles.CreateRole({role, "", kAdminPermissionSetId, kUnrestrictedScopeId}).ok());
  }
  REQUIRE(storage.Insert(token).ok());

  absl::StatusOr<TokenMetadata> got = storage.Get(token.id);
  REQUIRE(got.ok());
  RequireSameToken(*got, token);

  absl::StatusOr<TokenPage> page = storage.List(Query(TestEpoch(), 10));
  REQUIRE(page.ok());
  REQUIRE(page->tokens.size() == 1);
  RequireSameToken(page->tokens[0], token);
}

TEST_CASE("revoking sets revoked_at once and is OK twice", "[token_store]") {
  StorageFixture storage;
  TokenMetadata token = NewToken(TestEpoch());
  REQUIRE(storage.Insert(token).ok());

  const absl::Time first = TestEpoch() + absl::Minutes(5);
  absl::StatusOr<TokenMetadata> revoked = storage.Revoke(token.id, first);
  REQUIRE(revoked.ok());
  CHECK(revoked->revoked);
  CHECK(revoked->revoked_at == first);

  absl::StatusOr<TokenMetadata> again = storage.Revoke(token.id, first + absl::Hours(1));
  REQUIRE(again.ok());
  CHECK(again->revoked);
  CHECK(again->revoked_at == first);

  absl::StatusOr<TokenMetadata> got = storage.Get(token.id);
  REQUIRE(got.ok());
  CHECK(got->revoked);
  CHECK(got->revoked_at == first);
}

TEST_CASE("revoking an unknown token is NOT_FOUND", "[token_store]") {
  StorageFixture storage;
  const std::string id = NewUuidV4();
  absl::StatusOr<TokenMetadata> revoked = storage.Revoke(id, TestEpoch());
  CHECK(revoked.status().code() == StatusCode::kNotFound);
  CHECK(revoked.status().message() == "token " + id + " not found");
}

TEST_CASE("revoking notifies warden_revocations with the id", "[token_store]") {
  StorageFixture storage;
  TokenMetadata token = NewToken(TestEpoch());
  REQUIRE(storage.Insert(token).ok());

  pqxx::connection conn(storage.url());
  NoticeListener listener(conn, TokenStore::kRevocationChannel);
  conn.get_notifs();  // makes sure LISTEN has been sent
  REQUIRE(storage.Revoke(token.id, TestEpoch()).ok());
  for (int i = 0; i < 50 && listener.payloads.empty(); ++i) conn.await_notification(0, 100'000);
  REQUIRE(listener.payloads.size() == 1);
  std::optional<RevocationNotice> notice = ParseRevocationNotice(listener.payloads[0]);
  REQUIRE(notice.has_value());
  CHECK(notice->id == token.id);
  CHECK(notice->expires_at == token.expires_at);
  CHECK(notice->sent_at == TestEpoch());
}

TEST_CASE("a revocation notice of an older replica, without sent_at, still parses",
          "[token_store]") {
  const std::string id = "5f0c6a52-3bb1-4f5e-9a4e-2a8f0f0e8d11";
  std::optional<RevocationNotice> notice = ParseRevocationNotice(id + " 1700000000000000");
  REQUIRE(notice.has_value());
  CHECK(notice->id == id);
  CHECK_FALSE(notice->sent_at.has_value());
  CHECK_FALSE(ParseRevocationNotice(id).has_value());
  CHECK_FALSE(ParseRevocationNotice(id + " 1 2 3 4").has_value());
  CHECK_FALSE(ParseRevocationNotice(id + " 1 2 x").has_value());
  // A rotation's: refused from its fourth field on.
  std::optional<RevocationNotice> rotation = ParseRevocationNotice(
      EncodeRevocationNotice({id, TestEpoch(), TestEpoch(), TestEpoch() + absl::Hours(1)}));
  REQUIRE(rotation.has_value());
  CHECK(rotation->effective_from == TestEpoch() + absl::Hours(1));
  CHECK_FALSE(ParseRevocationNotice(id + " 1 x").has_value());
  CHECK_FALSE(ParseRevocationNotice("not-a-uuid 1 2").has_value());
}

TEST_CASE("listing filters on revoked", "[token_store]") {
  StorageFixture storage;
  const absl::Time now = TestEpoch() + absl::Hours(1);
  TokenMetadata live = NewToken(TestEpoch());
  TokenMetadata revoked = NewToken(TestEpoch() + absl::Seconds(1));
  REQUIRE(storage.Insert(live).ok());
  REQUIRE(storage.Insert(revoked).ok());
  REQUIRE(storage.Revoke(revoked.id, now).ok());

  auto list = [&](std::optional<bool> filter) {
    absl::StatusOr<TokenPage> page = storage.List(Query(now, 10, filter));
    REQUIRE(page.ok());
    CHECK_FALSE(page->next.has_value());
    return Ids(page->tokens);
  };
  CHECK(list(std::nullopt) == std::vector<std::string>{live.id, revoked.id});
  CHECK(list(true) == std::vector<std::string>{revoked.id});
  CHECK(list(false) == std::vector<std::string>{live.id});
}

TEST_CASE("expired tokens are hidden unless asked for", "[token_store]") {
  StorageFixture storage;
  const absl::Time now = TestEpoch() + absl::Hours(2);
  TokenMetadata expired = NewToken(TestEpoch());
  expired.expires_at = TestEpoch() + absl::Hours(1);
  TokenMetadata expires_now = NewToken(TestEpoch() + absl::Seconds(1));
  expires_now.expires_at = now;  // expires_at <= now counts as expired
  TokenMetadata live = NewToken(TestEpoch() + absl::Seconds(2));
  for (const TokenMetadata& t : {expired, expires_now, live}) REQUIRE(storage.Insert(t).ok());

  absl::StatusOr<TokenPage> page = storage.List(Query(now, 10));
  REQUIRE(page.ok());
  CHECK(Ids(page->tokens) == std::vector<std::string>{live.id});

  page = storage.List(Query(now, 10, std::nullopt, true));
  REQUIRE(page.ok());
  CHECK(Ids(page->tokens) == std::vector<std::string>{expired.id, expires_now.id, live.id});
}

TEST_CASE("the expiry sweep flags expired tokens in batches, and listings agree before and after",
          "[token_store]") {
  StorageFixture storage;
  const absl::Time now = TestEpoch() + absl::Hours(2);
  std::vector<std::string> expired_ids;
  for (int i = 0; i < 3; ++i) {
    TokenMetadata expired = NewToken(TestEpoch() + absl::Seconds(i));
    expired.expires_at = TestEpoch() + absl::Hours(1);
    REQUIRE(storage.Insert(expired).ok());
    expired_ids.push_back(expired.id);
  }
  TokenMetadata live = NewToken(TestEpoch() + absl::Seconds(10));
  REQUIRE(storage.Insert(live).ok());
  auto live_page = [&] {
    absl::StatusOr<TokenPage> page = storage.List(Query(now, 10));
    REQUIRE(page.ok());
    return Ids(page->tokens);
  };
  CHECK(live_page() == std::vector<std::string>{live.id});  // unflagged: by expires_at

  auto sweep = [&](int batch) {
    return Await<absl::StatusOr<int>>(
        [&](auto done) { storage.tokens().MarkExpired(now, batch, std::move(done)); });
  };
  CHECK(*sweep(2) == 2);
  CHECK(*sweep(2) == 1);
  CHECK(*sweep(2) == 0);  // nothing left; the live token is untouched
  CHECK(live_page() == std::vector<std::string>{live.id});
  absl::StatusOr<TokenPage> all = storage.List(Query(now, 10, std::nullopt, true));
  REQUIRE(all.ok());
  CHECK(all->tokens.size() == 4);

  // The live listing reads a partial index on NOT expired (which one depends on the
  // table's statistics), so it never walks the expired tokens (the 1,000,000-token
  // ListTokens target, docs/performance.md).
  pqxx::connection conn(storage.url());
  pqxx::nontransaction tx(conn);
  tx.exec("SET enable_seqscan = off");
  std::string plan;
  for (const pqxx::row& row :
       tx.exec("EXPLAIN SELECT id FROM tokens WHERE NOT expired AND expires_at > now() "
               "ORDER BY issued_at, id LIMIT 101")) {
    plan += row[0].as<std::string>() + "\n";
  }
  CHECK_THAT(plan, Catch::Contains("tokens_unexpired_"));
}

TEST_CASE("ListRevoked returns revoked tokens that have not expired", "[token_store]") {
  StorageFixture storage;
  const absl::Time now = TestEpoch() + absl::Hours(2);
  TokenMetadata live = NewToken(TestEpoch());
  TokenMetadata revoked = NewToken(TestEpoch());
  TokenMetadata revoked_expired = NewToken(TestEpoch());
  revoked_expired.expires_at = TestEpoch() + absl::Hours(1);
  for (const TokenMetadata& t : {live, revoked, revoked_expired}) REQUIRE(storage.Insert(t).ok());
  REQUIRE(storage.Revoke(revoked.id, TestEpoch()).ok());
  REQUIRE(storage.Revoke(revoked_expired.id, TestEpoch()).ok());

  absl::StatusOr<std::vector<RevokedToken>> list = storage.ListRevoked(now);
  REQUIRE(list.ok());
  REQUIRE(list->size() == 1);
  CHECK((*list)[0].id == revoked.id);
  CHECK((*list)[0].expires_at == revoked.expires_at);

  // Revocations are never deleted: asked about an earlier time, the expired one is there.
  list = storage.ListRevoked(TestEpoch());
  REQUIRE(list.ok());
  CHECK(list->size() == 2);
}

TEST_CASE("paging sees every token once while tokens are added", "[token_store]") {
  StorageFixture storage;
  std::set<std::string> initial;
  for (int i = 0; i < 250; ++i) {
    // Three tokens share each issued_at, so the id breaks ties.
    TokenMetadata token = NewToken(TestEpoch() + absl::Seconds(i / 3));
    REQUIRE(storage.Insert(token).ok());
    initial.insert(token.id);
  }

  TokenListQuery query = Query(TestEpoch(), 7);
  std::vector<TokenMetadata> seen;
  int pages = 0;
  int added = 0;
  while (true) {
    absl::StatusOr<TokenPage> page = storage.List(query);
    REQUIRE(page.ok());
    REQUIRE(page->tokens.size() <= 7);
    ++pages;
    seen.insert(seen.end(), page->tokens.begin(), page->tokens.end());
    if (!page->next) break;
    CHECK(page->tokens.size() == 7);
    query.after = page->next;
    // New tokens between pages: one issued later than all, one at the start of time.
    REQUIRE(storage.Insert(NewToken(TestEpoch() + absl::Hours(1) + absl::Seconds(added++))).ok());
    REQUIRE(storage.Insert(NewToken(TestEpoch() - absl::Hours(1))).ok());
    REQUIRE(pages < 200);
  }

  std::set<std::string> unique;
  for (size_t i = 0; i < seen.size(); ++i) {
    CHECK(unique.insert(seen[i].id).second);
    if (i > 0) {
      const bool ordered =
          seen[i - 1].issued_at < seen[i].issued_at ||
          (seen[i - 1].issued_at == seen[i].issued_at && seen[i - 1].id < seen[i].id);
      CHECK(ordered);
    }
  }
  for (const std::string& id : initial) CHECK(unique.count(id) == 1);
  CHECK(pages >= 250 / 7);
}

TEST_CASE("a page size below one is INVALID_ARGUMENT", "[token_store]") {
  StorageFixture storage;
  CHECK(storage.List(Query(TestEpoch(), 0)).status().code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace warden::storage::testing
