// TokenAuthority's token lifecycle without PostgreSQL: rotation with an overlap window (the
// replaced token keeps working until the overlap ends, measured with the fake clock), cascade
// revocation through created_by, revoking everything one identity created, and descriptions.

#include <catch2/catch.hpp>
#include <string>

#include "tests/unit/tokens/token_authority_fixture.h"

namespace warden {
namespace {

using testing::Captured;
using testing::TokenAuthorityFixture;

class LifecycleFixture : public TokenAuthorityFixture {
 public:
  absl::StatusOr<RotatedToken> Rotate(const Identity& caller, RotateRequest request) {
    Captured<absl::StatusOr<RotatedToken>> rotated;
    authority_.Rotate(caller, std::move(request), rotated.Callback());
    REQUIRE(rotated.calls() == 1);
    return rotated.value();
  }

  absl::StatusOr<RevokeOutcome> RevokeTree(RevokeRequest request) {
    Captured<absl::StatusOr<RevokeOutcome>> revoked;
    authority_.RevokeTree(Admin(), std::move(request), revoked.Callback());
    REQUIRE(revoked.calls() == 1);
    return revoked.value();
  }

  bool Works(const std::string& token) const { return validator_.Validate(token).ok(); }
};

TEST_CASE_METHOD(LifecycleFixture,
                 "a rotated token keeps working until its overlap ends, and its successor at "
                 "once") {
  MintRequest request = Request("deploy", {"Analyst"}, clock_.Now() + absl::Hours(240));
  request.description = "the nightly deploy job";
  absl::StatusOr<MintedToken> old = Mint(Admin(), request);
  REQUIRE(old.ok());
  clock_.Advance(absl::Hours(48));

  absl::StatusOr<RotatedToken> rotated =
      Rotate(Admin(), RotateRequest{old->metadata.id, absl::Hours(2), std::nullopt});
  REQUIRE(rotated.ok());
  const TokenMetadata& successor = rotated->successor;
  CHECK(successor.name == "deploy");
  CHECK(successor.description == "the nightly deploy job");
  CHECK(successor.roles == std::vector<std::string>{"Analyst"});
  CHECK(successor.rotated_from == old->metadata.id);
  // The same lifetime (240h) from now.
  CHECK(successor.expires_at == clock_.Now() + absl::Hours(240));
  CHECK(rotated->replaced.rotated_to == successor.id);
  CHECK(rotated->replaced.expires_at == clock_.Now() + absl::Hours(2));
  CHECK(records_.Find(old->metadata.id)->rotated_to == successor.id);

  CHECK(Works(rotated->token));
  CHECK(Works(old->token));
  clock_.Advance(absl::Hours(2) - absl::Seconds(1));
  CHECK(Works(old->token));
  clock_.Advance(absl::Seconds(1));
  CHECK(validator_.Validate(old->token).status().message() == "token has been revoked");
  CHECK(Works(rotated->token));

  std::vector<testing::AuditEntry> audit = audit_.entries();
  REQUIRE(audit.size() == 3);
  CHECK(audit[1].action == "token.create");
  CHECK(audit[1].details["rotated_from"] == old->metadata.id);
  CHECK(audit[2].action == "token.rotate");
  CHECK(audit[2].target == old->metadata.id);
  CHECK(audit[2].details["rotated_to"] == successor.id);
}

TEST_CASE_METHOD(LifecycleFixture,
                 "a rotation overlap defaults to 24 hours and is at most 7 days") {
  absl::StatusOr<MintedToken> old = Mint(Admin(), Request("ci", {"Analyst"}));
  REQUIRE(old.ok());
  absl::StatusOr<RotatedToken> too_long =
      Rotate(Admin(), RotateRequest{old->metadata.id, absl::Hours(169), std::nullopt});
  CHECK(too_long.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(too_long.status().message() == "overlap must be between 0s and 168h");
  CHECK(Rotate(Admin(), RotateRequest{old->metadata.id, -absl::Seconds(1), std::nullopt})
            .status()
            .code() == absl::StatusCode::kInvalidArgument);
  CHECK(records_.tokens().size() == 1);

  // The default lifetime is 24h, so the cut is no earlier than the token's own expiry.
  absl::StatusOr<MintedToken> longer =
      Mint(Admin(), Request("long", {"Analyst"}, clock_.Now() + absl::Hours(100)));
  REQUIRE(longer.ok());
  absl::StatusOr<RotatedToken> rotated = Rotate(Admin(), RotateRequest{longer->metadata.id});
  REQUIRE(rotated.ok());
  CHECK(rotated->replaced.expires_at == clock_.Now() + absl::Hours(24));
}

TEST_CASE_METHOD(LifecycleFixture,
                 "an overlap longer than the token has left leaves its expiry alone") {
  absl::StatusOr<MintedToken> old =
      Mint(Admin(), Request("ci", {"Analyst"}, clock_.Now() + absl::Hours(3)));
  REQUIRE(old.ok());
  absl::StatusOr<RotatedToken> rotated =
      Rotate(Admin(), RotateRequest{old->metadata.id, absl::Hours(24), std::nullopt});
  REQUIRE(rotated.ok());
  CHECK(rotated->replaced.expires_at == old->metadata.expires_at);
  CHECK(!rotated->replaced.signed_expires_at.has_value());
  clock_.Advance(absl::Hours(3) - absl::Seconds(1));
  CHECK(Works(old->token));
}

TEST_CASE_METHOD(LifecycleFixture, "an overlap of zero refuses the rotated token at once") {
  absl::StatusOr<MintedToken> old = Mint(Admin(), Request("leaked", {"Analyst"}));
  REQUIRE(old.ok());
  absl::StatusOr<RotatedToken> rotated =
      Rotate(Admin(), RotateRequest{old->metadata.id, absl::ZeroDuration(), std::nullopt});
  REQUIRE(rotated.ok());
  CHECK(validator_.Validate(old->token).status().message() == "token has been revoked");
  CHECK(Works(rotated->token));
}

TEST_CASE_METHOD(LifecycleFixture, "a requested successor expiration is checked as a mint's") {
  absl::StatusOr<MintedToken> old = Mint(Admin(), Request("ci", {"Analyst"}));
  REQUIRE(old.ok());
  absl::StatusOr<RotatedToken> beyond = Rotate(
      Admin(), RotateRequest{old->metadata.id, std::nullopt, clock_.Now() + absl::Hours(721)});
  CHECK(beyond.status().code() == absl::StatusCode::kInvalidArgument);
  absl::StatusOr<RotatedToken> chosen = Rotate(
      Admin(), RotateRequest{old->metadata.id, std::nullopt, clock_.Now() + absl::Hours(500)});
  REQUIRE(chosen.ok());
  CHECK(chosen->successor.expires_at == clock_.Now() + absl::Hours(500));
}

TEST_CASE_METHOD(LifecycleFixture,
                 "revoked, expired and already rotated tokens cannot be rotated") {
  absl::StatusOr<MintedToken> revoked = Mint(Admin(), Request("revoked", {"Analyst"}));
  absl::StatusOr<MintedToken> rotated = Mint(Admin(), Request("rotated", {"Analyst"}));
  absl::StatusOr<MintedToken> expiring =
      Mint(Admin(), Request("expiring", {"Analyst"}, clock_.Now() + absl::Hours(1)));
  REQUIRE((revoked.ok() && rotated.ok() && expiring.ok()));
  REQUIRE(RevokeTree(RevokeRequest{revoked->metadata.id, "", false}).ok());
  REQUIRE(Rotate(Admin(), RotateRequest{rotated->metadata.id}).ok());
  clock_.Advance(absl::Hours(1));
  for (const std::string& id :
       {revoked->metadata.id, rotated->metadata.id, expiring->metadata.id}) {
    CAPTURE(id);
    CHECK(Rotate(Admin(), RotateRequest{id}).status().code() ==
          absl::StatusCode::kFailedPrecondition);
  }
  CHECK(Rotate(Admin(), RotateRequest{"5f0c3f5e-8d2a-4b5e-9a51-0c1d2e3f4a5b"}).status().code() ==
        absl::StatusCode::kNotFound);
  CHECK(Rotate(Admin(), RotateRequest{"not-a-uuid"}).status().code() ==
        absl::StatusCode::kInvalidArgument);
}

TEST_CASE_METHOD(LifecycleFixture,
                 "rotating needs every permission the token's roles grant, as minting does") {
  absl::StatusOr<MintedToken> admin_token = Mint(Admin(), Request("admin", {kAdminRoleName}));
  absl::StatusOr<MintedToken> lead = Mint(Admin(), Request("lead", {"Lead"}));
  REQUIRE((admin_token.ok() && lead.ok()));
  absl::StatusOr<RotatedToken> escalation =
      Rotate(IdentityOf(lead), RotateRequest{admin_token->metadata.id});
  CHECK(escalation.status().code() == absl::StatusCode::kPermissionDenied);
  CHECK(records_.Find(admin_token->metadata.id)->rotated_to.empty());
  CHECK(Works(admin_token->token));
}

TEST_CASE_METHOD(LifecycleFixture, "a rotation at the cap does not count the token it replaces") {
  // The policy allows 3 live tokens per root.
  absl::StatusOr<MintedToken> first = Mint(Admin(), Request("a", {"Analyst"}));
  REQUIRE(Mint(Admin(), Request("b", {"Analyst"})).ok());
  REQUIRE(Mint(Admin(), Request("c", {"Analyst"})).ok());
  REQUIRE(first.ok());
  CHECK(Mint(Admin(), Request("d", {"Analyst"})).status().code() ==
        absl::StatusCode::kResourceExhausted);
  CHECK(Rotate(Admin(), RotateRequest{first->metadata.id}).ok());
}

TEST_CASE_METHOD(LifecycleFixture,
                 "a cascade revokes a token and everything minted with it, transitively") {
  absl::StatusOr<MintedToken> parent = Mint(Admin(), Request("parent", {"Lead"}));
  REQUIRE(parent.ok());
  absl::StatusOr<MintedToken> child = Mint(IdentityOf(parent), Request("child", {"Lead"}));
  REQUIRE(child.ok());
  absl::StatusOr<MintedToken> grandchild =
      Mint(IdentityOf(child), Request("grandchild", {"Analyst"}));
  // Another root's: the policy caps each root at 3 live tokens.
  absl::StatusOr<MintedToken> bystander =
      Mint(M2mCaller(absl::Hours(1)), Request("bystander", {"Analyst"}));
  REQUIRE((grandchild.ok() && bystander.ok()));

  absl::StatusOr<RevokeOutcome> plain = RevokeTree(RevokeRequest{child->metadata.id, "", false});
  REQUIRE(plain.ok());
  CHECK(plain->revoked_count == 1);
  CHECK(Works(grandchild->token));

  absl::StatusOr<RevokeOutcome> cascade = RevokeTree(RevokeRequest{parent->metadata.id, "", true});
  REQUIRE(cascade.ok());
  CHECK(cascade->revoked_count == 2);  // the parent and the grandchild; the child already was
  REQUIRE(cascade->token.has_value());
  CHECK(cascade->token->revoked);
  for (const std::string* token : {&parent->token, &child->token, &grandchild->token}) {
    CHECK(validator_.Validate(*token).status().message() == "token has been revoked");
  }
  CHECK(Works(bystander->token));
  std::vector<testing::AuditEntry> audit = audit_.entries();
  CHECK(audit.back().action == "token.revoke");
  CHECK(audit.back().details["cascade_from"] == parent->metadata.id);
}

TEST_CASE_METHOD(LifecycleFixture, "everything one identity created is revoked in one call") {
  absl::StatusOr<MintedToken> lead = Mint(Admin(), Request("lead", {"Lead"}));
  REQUIRE(lead.ok());
  const Identity person = IdentityOf(lead);
  absl::StatusOr<MintedToken> one = Mint(person, Request("one", {"Analyst"}));
  absl::StatusOr<MintedToken> two = Mint(person, Request("two", {"Analyst"}));
  REQUIRE((one.ok() && two.ok()));

  absl::StatusOr<RevokeOutcome> revoked = RevokeTree(RevokeRequest{"", person.Principal(), false});
  REQUIRE(revoked.ok());
  CHECK(revoked->revoked_count == 2);
  CHECK(!revoked->token.has_value());
  CHECK(!Works(one->token));
  CHECK(!Works(two->token));
  CHECK(Works(lead->token));

  CHECK(RevokeTree(RevokeRequest{"", "", false}).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(RevokeTree(RevokeRequest{lead->metadata.id, "user:admin", false}).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(RevokeTree(RevokeRequest{"", "nobody", true})->revoked_count == 0);
}

TEST_CASE_METHOD(LifecycleFixture, "ListTokens filters by creator") {
  absl::StatusOr<MintedToken> lead = Mint(Admin(), Request("lead", {"Lead"}));
  REQUIRE(lead.ok());
  REQUIRE(Mint(IdentityOf(lead), Request("minted by lead", {"Analyst"})).ok());
  Captured<absl::StatusOr<TokenList>> listed;
  TokenListRequest request;
  request.created_by = absl::StrCat("token:", lead->metadata.id);
  authority_.List(request, listed.Callback());
  REQUIRE(listed.value().ok());
  REQUIRE(listed.value()->tokens.size() == 1);
  CHECK(listed.value()->tokens[0].name == "minted by lead");
}

TEST_CASE_METHOD(LifecycleFixture, "a description is up to 1,024 printable characters") {
  MintRequest request = Request("ci", {"Analyst"});
  request.description = std::string(1024, 'd');
  absl::StatusOr<MintedToken> minted = Mint(Admin(), request);
  REQUIRE(minted.ok());
  CHECK(minted->metadata.description.size() == 1024);
  CHECK(records_.Find(minted->metadata.id)->description == request.description);

  request.description = std::string(1025, 'd');
  CHECK(Mint(Admin(), request).status().message() ==
        "description is 1025 characters long; the limit is 1024");
  request.description = "two\nlines";
  CHECK(Mint(Admin(), request).status().message() ==
        "description must contain only printable characters");
  request.description = "\xff";
  CHECK(Mint(Admin(), request).status().code() == absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace warden
