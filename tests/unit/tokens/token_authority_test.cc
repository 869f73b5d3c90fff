// TokenAuthority's other use cases without PostgreSQL: revocation (the view first, then the
// answer), reading and listing tokens, and which roles a caller may assign.

#include <catch2/catch.hpp>

#include "tests/unit/tokens/token_authority_fixture.h"

namespace warden {
namespace {

using testing::Captured;
using testing::TokenAuthorityFixture;

constexpr char kUnknownId[] = "5f0c3f5e-8d2a-4b5e-9a51-0c1d2e3f4a5b";

class RevokeFixture : public TokenAuthorityFixture {
 public:
  RevokeFixture() : minted_(*Mint(Admin(), Request("ci", {"Analyst"}))) {
    caller_ = IdentityOf(Mint(Admin(), Request("revoker", {"Lead"})));
  }

  MintedToken minted_;
  Identity caller_;
};

TEST_CASE_METHOD(RevokeFixture,
                 "a revoked token is rejected by this replica before the revocation is "
                 "answered") {
  records_.HoldReplies(true);
  Captured<absl::StatusOr<TokenMetadata>> revoked;
  bool rejected_when_answered = false;
  authority_.Revoke(caller_, minted_.metadata.id,
                    [&, done = revoked.Callback()](absl::StatusOr<TokenMetadata> result) {
                      rejected_when_answered = !validator_.Validate(minted_.token).ok();
                      done(std::move(result));
                    });
  // Until storage has committed, nothing changes and nothing is answered.
  CHECK(revoked.calls() == 0);
  CHECK(validator_.Validate(minted_.token).ok());
  CHECK(audit_.entries().size() == 2);  // the two mints

  CHECK(records_.RunPending() == 1);
  REQUIRE(revoked.calls() == 1);
  REQUIRE(revoked.value().ok());
  CHECK(revoked.value()->revoked);
  CHECK(revoked.value()->revoked_at == clock_.Now());
  CHECK(rejected_when_answered);
  CHECK(revocations_.IsRevoked(minted_.metadata.id, clock_.Now()));
  CHECK(validator_.Validate(minted_.token).status().message() == "token has been revoked");

  std::vector<testing::AuditEntry> audit = audit_.entries();
  REQUIRE(audit.size() == 3);
  CHECK(audit[2].action == "token.revoke");
  CHECK(audit[2].actor == caller_.Principal());
  CHECK(audit[2].target == minted_.metadata.id);
  CHECK(audit[2].details == nlohmann::json{{"name", "ci"}});
}

TEST_CASE_METHOD(RevokeFixture, "a refused revocation changes nothing and records nothing") {
  Captured<absl::StatusOr<TokenMetadata>> revoked;
  SECTION("an id that is no token id is refused before storage") {
    authority_.Revoke(caller_, "ci", revoked.Callback());
    CHECK(revoked.value().status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(records_.calls("Revoke") == 0);
  }
  SECTION("an unknown token") {
    authority_.Revoke(caller_, kUnknownId, revoked.Callback());
    CHECK(revoked.value().status().code() == absl::StatusCode::kNotFound);
    CHECK(revoked.value().status().message() == absl::StrCat("token ", kUnknownId, " not found"));
  }
  SECTION("the database is away") {
    records_.FailNext(absl::UnavailableError("database unavailable"), "Revoke");
    authority_.Revoke(caller_, minted_.metadata.id, revoked.Callback());
    CHECK(revoked.value().status().code() == absl::StatusCode::kUnavailable);
    CHECK(validator_.Validate(minted_.token).ok());
  }
  CHECK(revoked.calls() == 1);
  CHECK(revocations_.size() == 0);
  CHECK(audit_.entries().size() == 2);  // the two mints
}

TEST_CASE_METHOD(TokenAuthorityFixture, "Get answers the stored token, or why not") {
  absl::StatusOr<MintedToken> minted = Mint(Admin(), Request("ci", {"Analyst"}));
  REQUIRE(minted.ok());
  Captured<absl::StatusOr<TokenMetadata>> got;
  authority_.Get(minted->metadata.id, got.Callback());
  REQUIRE(got.value().ok());
  CHECK(got.value()->name == "ci");
  CHECK(got.value()->created_by == "user:admin");

  authority_.Get("not-a-uuid", got.Callback());
  CHECK(got.value().status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(got.value().status().message() ==
        "id must be a token id (a UUID such as 5f0c3f5e-8d2a-4b5e-9a51-0c1d2e3f4a5b)");
  CHECK(records_.calls("Get") == 1);
  CHECK(got.calls() == 2);
}

TEST_CASE_METHOD(TokenAuthorityFixture, "List pages through the tokens with opaque page tokens") {
  for (const char* name : {"a", "b", "c"}) {
    REQUIRE(Mint(Admin(), Request(name, {"Analyst"})).ok());
    clock_.Advance(absl::Seconds(1));
  }
  Captured<absl::StatusOr<TokenList>> listed;
  TokenListRequest request;
  request.page_size = 2;
  authority_.List(request, listed.Callback());
  REQUIRE(listed.value().ok());
  REQUIRE(listed.value()->tokens.size() == 2);
  CHECK(listed.value()->tokens[0].name == "a");
  CHECK(listed.value()->tokens[1].name == "b");
  REQUIRE_FALSE(listed.value()->next_page_token.empty());

  request.page_token = listed.value()->next_page_token;
  authority_.List(request, listed.Callback());
  REQUIRE(listed.value().ok());
  REQUIRE(listed.value()->tokens.size() == 1);
  CHECK(listed.value()->tokens[0].name == "c");
  CHECK(listed.value()->next_page_token.empty());

  const int calls = records_.calls("List");
  request.page_token = "not a page token";
  authority_.List(request, listed.Callback());
  CHECK(listed.value().status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(listed.value().status().message() == "page_token is not valid");
  request.page_token.clear();
  request.page_size = TokenAuthority::kMaxPageSize + 1;
  authority_.List(request, listed.Callback());
  CHECK(listed.value().status().message() == "page_size must be between 1 and 1000 (0 means 100)");
  CHECK(records_.calls("List") == calls);
}

TEST_CASE_METHOD(TokenAuthorityFixture,
                 "ListExpiring lists live tokens within the window, with the time they have "
                 "left") {
  const absl::Time now = clock_.Now();
  REQUIRE(Mint(Admin(), Request("soon", {"Analyst"}, now + absl::Hours(2))).ok());
  REQUIRE(Mint(Admin(), Request("later", {"Analyst"}, now + absl::Hours(200))).ok());
  absl::StatusOr<MintedToken> revoked =
      Mint(Admin(), Request("revoked", {"Analyst"}, now + absl::Hours(1)));
  REQUIRE(revoked.ok());
  Captured<absl::StatusOr<TokenMetadata>> done;
  authority_.Revoke(Admin(), revoked->metadata.id, done.Callback());
  REQUIRE(done.value().ok());
  clock_.Advance(absl::Minutes(30));

  Captured<absl::StatusOr<ExpiringList>> listed;
  authority_.ListExpiring(ExpiringListRequest{}, listed.Callback());
  REQUIRE(listed.value().ok());
  CHECK(listed.value()->within == absl::Hours(168));  // the policy's window
  REQUIRE(listed.value()->tokens.size() == 1);
  CHECK(listed.value()->tokens[0].first.name == "soon");
  CHECK(listed.value()->tokens[0].second == absl::Minutes(90));

  ExpiringListRequest wide;
  wide.within = absl::Hours(300);
  authority_.ListExpiring(wide, listed.Callback());
  REQUIRE(listed.value().ok());
  CHECK(listed.value()->tokens.size() == 2);

  ExpiringListRequest tiny;
  tiny.within = absl::Milliseconds(500);
  authority_.ListExpiring(tiny, listed.Callback());
  CHECK(listed.value().status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(listed.value().status().message() == "within must be between 1s and 8760h");
  CHECK(records_.calls("ListExpiring") == 2);
}

TEST_CASE_METHOD(TokenAuthorityFixture,
                 "AllowedRoles offers exactly the roles a caller may put in a token") {
  CHECK(authority_.AllowedRoles(Admin()) == std::vector<std::string>{"Admin", "Analyst", "Lead"});
  CHECK(authority_.AllowedRoles(IdentityOf(Mint(Admin(), Request("a", {"Analyst"})))) ==
        std::vector<std::string>{"Analyst"});
  Identity unknown = Admin();
  unknown.roles = {"Deleted"};  // a role since deleted grants nothing
  CHECK(authority_.AllowedRoles(unknown).empty());
}

}  // namespace
}  // namespace warden
