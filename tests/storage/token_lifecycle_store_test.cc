// TokenStore's token lifecycle against a real PostgreSQL: rotation (links, the cut expiry,
// the signed expiry kept for the revocation view, the notice other replicas get), cascade
// revocation through created_by (and a mint by a token revoked meanwhile), the created_by
// filter, and descriptions.

#include <catch2/catch.hpp>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "common/await.h"
#include "common/random.h"
#include "storage/token_store.h"
#include "tests/storage/notice_listener.h"
#include "tests/storage/storage_fixture.h"

namespace warden::storage::testing {
namespace {

using absl::StatusCode;

absl::StatusOr<RotatedTokens> Rotate(StorageFixture& storage, Rotation rotation) {
  return Await<absl::StatusOr<RotatedTokens>>(
      [&](auto done) { storage.tokens().Rotate(std::move(rotation), std::move(done)); });
}

absl::StatusOr<RevokedTree> RevokeTree(StorageFixture& storage, RevokeScope scope, absl::Time now) {
  return Await<absl::StatusOr<RevokedTree>>(
      [&](auto done) { storage.tokens().RevokeTree(std::move(scope), now, std::move(done)); });
}

// A successor of `replaced` issued at `now`.
Rotation RotationOf(const TokenMetadata& replaced, absl::Time now, absl::Duration overlap) {
  TokenMetadata successor = NewToken(now, replaced.name);
  successor.rotated_from = replaced.id;
  successor.description = replaced.description;
  return Rotation{replaced.id, successor, MintConditions{}, now + overlap};
}

// A token minted with `parent` as the credential.
TokenMetadata MintedBy(const TokenMetadata& parent, absl::Time issued_at) {
  TokenMetadata child = NewToken(issued_at);
  child.created_by = "token:" + parent.id;
  child.root = parent.root.empty() ? parent.created_by : parent.root;
  return child;
}

TEST_CASE("a rotation links the tokens, cuts the old expiry and keeps the signed one",
          "[token_lifecycle]") {
  StorageFixture storage;
  TokenMetadata old = NewToken(TestEpoch());
  old.description = "deploys production";
  REQUIRE(storage.Insert(old).ok());
  const absl::Time now = TestEpoch() + absl::Hours(1);

  absl::StatusOr<RotatedTokens> rotated = Rotate(storage, RotationOf(old, now, absl::Hours(24)));
  REQUIRE(rotated.ok());
  CHECK(rotated->replaced.rotated_to == rotated->successor.id);
  CHECK(rotated->replaced.expires_at == now + absl::Hours(24));
  CHECK(rotated->replaced.signed_expires_at == old.expires_at);

  absl::StatusOr<TokenMetadata> successor = storage.Get(rotated->successor.id);
  REQUIRE(successor.ok());
  CHECK(successor->rotated_from == old.id);
  CHECK(successor->description == "deploys production");
  CHECK(successor->rotated_to.empty());

  // Replicas load it: refused from the end of the overlap, kept until the signed expiry.
  absl::StatusOr<std::vector<RevokedToken>> revoked = storage.ListRevoked(now + absl::Hours(48));
  REQUIRE(revoked.ok());
  REQUIRE(revoked->size() == 1);
  CHECK((*revoked)[0].id == old.id);
  CHECK((*revoked)[0].expires_at == old.expires_at);
  CHECK((*revoked)[0].effective_from == now + absl::Hours(24));

  // Revoked later, it is refused at once; listed once.
  REQUIRE(storage.Revoke(old.id, now + absl::Hours(2)).ok());
  revoked = storage.ListRevoked(now);
  REQUIRE(revoked.ok());
  REQUIRE(revoked->size() == 1);
  CHECK((*revoked)[0].expires_at == old.expires_at);
  CHECK_FALSE((*revoked)[0].effective_from.has_value());
}

TEST_CASE("a rotated token is not listed as expiring soon", "[token_lifecycle]") {
  StorageFixture storage;
  TokenMetadata old = NewToken(TestEpoch());
  REQUIRE(storage.Insert(old).ok());
  const absl::Time now = TestEpoch() + absl::Hours(1);
  REQUIRE(Rotate(storage, RotationOf(old, now, absl::Hours(1))).ok());
  absl::StatusOr<ExpiringPage> page = Await<absl::StatusOr<ExpiringPage>>([&](auto done) {
    storage.tokens().ListExpiring(now, now + absl::Hours(24), std::nullopt, 10, std::move(done));
  });
  REQUIRE(page.ok());
  CHECK(page->tokens.empty());
}

TEST_CASE("a rotation tells the other replicas when to refuse the old token", "[token_lifecycle]") {
  StorageFixture storage;
  TokenMetadata old = NewToken(TestEpoch());
  REQUIRE(storage.Insert(old).ok());
  pqxx::connection conn(storage.url());
  NoticeListener listener(conn, TokenStore::kRevocationChannel);
  conn.get_notifs();
  const absl::Time now = TestEpoch() + absl::Hours(1);
  REQUIRE(Rotate(storage, RotationOf(old, now, absl::Hours(3))).ok());
  for (int i = 0; i < 50 && listener.payloads.empty(); ++i) conn.await_notification(0, 100'000);
  REQUIRE(listener.payloads.size() == 1);
  std::optional<RevocationNotice> notice = ParseRevocationNotice(listener.payloads[0]);
  REQUIRE(notice.has_value());
  CHECK(notice->id == old.id);
  CHECK(notice->expires_at == old.expires_at);
  CHECK(notice->effective_from == now + absl::Hours(3));
}

TEST_CASE("revoked, expired and rotated tokens are not rotated, and nothing is minted",
          "[token_lifecycle]") {
  StorageFixture storage;
  const absl::Time now = TestEpoch() + absl::Hours(2);
  TokenMetadata revoked = NewToken(TestEpoch());
  TokenMetadata expired = NewToken(TestEpoch());
  expired.expires_at = TestEpoch() + absl::Hours(1);
  TokenMetadata rotated = NewToken(TestEpoch());
  for (const TokenMetadata& t : {revoked, expired, rotated}) REQUIRE(storage.Insert(t).ok());
  REQUIRE(storage.Revoke(revoked.id, now).ok());
  REQUIRE(Rotate(storage, RotationOf(rotated, now, absl::Hours(1))).ok());

  for (const TokenMetadata* token : {&revoked, &expired, &rotated}) {
    Rotation again = RotationOf(*token, now, absl::Hours(1));
    absl::StatusOr<RotatedTokens> refused = Rotate(storage, again);
    CHECK(refused.status().code() == StatusCode::kFailedPrecondition);
    CHECK(storage.Get(again.successor.id).status().code() == StatusCode::kNotFound);
  }
  absl::StatusOr<RotatedTokens> unknown = Rotate(storage, RotationOf(NewToken(now), now, {}));
  CHECK(unknown.status().code() == StatusCode::kNotFound);
}

TEST_CASE("a rotation at the cap does not count the replaced token", "[token_lifecycle]") {
  StorageFixture storage;
  TokenMetadata old = NewToken(TestEpoch());
  REQUIRE(storage.Insert(old).ok());
  Rotation rotation = RotationOf(old, TestEpoch() + absl::Hours(1), absl::Hours(1));
  rotation.conditions.max_live_per_root = 1;
  CHECK(Rotate(storage, rotation).ok());
  // The successor now holds the root's only slot; a plain mint is refused.
  TokenMetadata another = NewToken(TestEpoch() + absl::Hours(1));
  absl::Status refused = Await<absl::Status>([&](auto done) {
    storage.tokens().Insert(another, MintConditions{1, std::nullopt}, std::move(done));
  });
  CHECK(refused.code() == StatusCode::kResourceExhausted);
}

TEST_CASE("a cascade revokes a tree of tokens in one transaction and counts what it revoked",
          "[token_lifecycle]") {
  StorageFixture storage;
  const absl::Time t0 = TestEpoch();
  TokenMetadata root = NewToken(t0);
  TokenMetadata child = MintedBy(root, t0 + absl::Seconds(1));
  TokenMetadata other_child = MintedBy(root, t0 + absl::Seconds(2));
  TokenMetadata grandchild = MintedBy(child, t0 + absl::Seconds(3));
  TokenMetadata bystander = NewToken(t0 + absl::Seconds(4));
  for (const TokenMetadata& t : {root, child, other_child, grandchild, bystander}) {
    REQUIRE(storage.Insert(t).ok());
  }
  REQUIRE(storage.Revoke(other_child.id, t0).ok());
  const absl::Time now = t0 + absl::Hours(1);

  absl::StatusOr<RevokedTree> tree = RevokeTree(storage, RevokeScope{root.id, "", true}, now);
  REQUIRE(tree.ok());
  REQUIRE(tree->token.has_value());
  CHECK(tree->token->revoked);
  CHECK(tree->newly_revoked.size() == 3);  // root, child, grandchild
  for (const TokenMetadata* t : {&root, &child, &grandchild}) {
    CHECK(storage.Get(t->id)->revoked_at == now);
  }
  CHECK(storage.Get(other_child.id)->revoked_at == t0);  // the first revocation stays
  CHECK_FALSE(storage.Get(bystander.id)->revoked);

  // Again: nothing new.
  tree = RevokeTree(storage, RevokeScope{root.id, "", true}, now);
  REQUIRE(tree.ok());
  CHECK(tree->newly_revoked.empty());
  CHECK(RevokeTree(storage, RevokeScope{NewUuidV4(), "", true}, now).status().code() ==
        StatusCode::kNotFound);
}

TEST_CASE("everything one identity created is revoked by created_by", "[token_lifecycle]") {
  StorageFixture storage;
  const absl::Time t0 = TestEpoch();
  TokenMetadata mine = NewToken(t0);
  mine.created_by = "user:corp:alice";
  TokenMetadata also_mine = NewToken(t0 + absl::Seconds(1));
  also_mine.created_by = "user:corp:alice";
  TokenMetadata minted_by_mine = MintedBy(mine, t0 + absl::Seconds(2));
  TokenMetadata theirs = NewToken(t0 + absl::Seconds(3));
  for (const TokenMetadata& t : {mine, also_mine, minted_by_mine, theirs}) {
    REQUIRE(storage.Insert(t).ok());
  }
  absl::StatusOr<RevokedTree> plain =
      RevokeTree(storage, RevokeScope{"", "user:corp:alice", false}, t0 + absl::Hours(1));
  REQUIRE(plain.ok());
  CHECK(plain->newly_revoked.size() == 2);
  CHECK_FALSE(plain->token.has_value());
  CHECK_FALSE(storage.Get(minted_by_mine.id)->revoked);
  absl::StatusOr<RevokedTree> cascade =
      RevokeTree(storage, RevokeScope{"", "user:corp:alice", true}, t0 + absl::Hours(1));
  REQUIRE(cascade.ok());
  CHECK(cascade->newly_revoked.size() == 1);
  CHECK(storage.Get(minted_by_mine.id)->revoked);
  CHECK_FALSE(storage.Get(theirs.id)->revoked);
}

TEST_CASE("a token revoked by a cascade cannot mint afterwards", "[token_lifecycle]") {
  StorageFixture storage;
  TokenMetadata parent = NewToken(TestEpoch());
  REQUIRE(storage.Insert(parent).ok());
  REQUIRE(RevokeTree(storage, RevokeScope{parent.id, "", true}, TestEpoch()).ok());
  // A mint with it as the credential, admitted before the revocation reached the replica.
  absl::Status late = storage.Insert(MintedBy(parent, TestEpoch() + absl::Seconds(1)));
  CHECK(late.code() == StatusCode::kUnauthenticated);
  CHECK(late.message() == "the token this request was made with has been revoked");
}

TEST_CASE("ListTokens' created_by filter walks the creator's index", "[token_lifecycle]") {
  StorageFixture storage;
  const absl::Time t0 = TestEpoch();
  TokenMetadata parent = NewToken(t0);
  REQUIRE(storage.Insert(parent).ok());
  std::vector<std::string> children;
  for (int i = 1; i <= 3; ++i) {
    TokenMetadata child = MintedBy(parent, t0 + absl::Seconds(i));
    REQUIRE(storage.Insert(child).ok());
    children.push_back(child.id);
  }
  TokenListQuery query;
  query.now = t0;
  query.page_size = 2;
  query.created_by = "token:" + parent.id;
  absl::StatusOr<TokenPage> first = storage.List(query);
  REQUIRE(first.ok());
  REQUIRE(first->tokens.size() == 2);
  REQUIRE(first->next.has_value());
  query.after = first->next;
  absl::StatusOr<TokenPage> second = storage.List(query);
  REQUIRE(second.ok());
  REQUIRE(second->tokens.size() == 1);
  CHECK(std::vector<std::string>{first->tokens[0].id, first->tokens[1].id, second->tokens[0].id} ==
        children);
  query.unused_since = t0 + absl::Hours(1);
  query.after.reset();
  query.page_size = 10;
  absl::StatusOr<TokenPage> unused = storage.List(query);
  REQUIRE(unused.ok());
  CHECK(unused->tokens.size() == 3);

  pqxx::connection conn(storage.url());
  pqxx::nontransaction tx(conn);
  tx.exec("SET enable_seqscan = off");
  std::string plan;
  for (const pqxx::row& row : tx.exec("EXPLAIN SELECT id FROM tokens WHERE created_by = 'x' "
                                      "ORDER BY issued_at, id LIMIT 101")) {
    plan += row[0].as<std::string>() + "\n";
  }
  CHECK_THAT(plan, Catch::Contains("tokens_created_by_idx"));
}

}  // namespace
}  // namespace warden::storage::testing
