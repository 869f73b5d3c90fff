// TokenAuthority::Mint without PostgreSQL: what a caller is refused and why, what a minted
// token carries, the retry on a stale role generation, and the audit record of a mint.

#include <catch2/catch.hpp>

#include "tests/unit/tokens/token_authority_fixture.h"

namespace warden {
namespace {

using testing::TokenAuthorityFixture;

void CheckRefused(const absl::StatusOr<MintedToken>& minted, absl::StatusCode code,
                  const std::string& message) {
  CHECK(minted.status().code() == code);
  CHECK(minted.status().message() == message);
}

TEST_CASE_METHOD(TokenAuthorityFixture,
                 "a request with a bad name, roles or expiration is refused before storage") {
  const absl::Time now = clock_.Now();
  CheckRefused(Mint(Admin(), Request("", {"Analyst"})), absl::StatusCode::kInvalidArgument,
               "token name must not be empty");
  CheckRefused(Mint(Admin(), Request("ci\n", {"Analyst"})), absl::StatusCode::kInvalidArgument,
               "token name must contain only printable characters");
  CheckRefused(Mint(Admin(), Request("ci", {})), absl::StatusCode::kInvalidArgument,
               "at least one role is required");
  CheckRefused(Mint(Admin(), Request("ci", {"Analyst", "Ghost", "Phantom"})),
               absl::StatusCode::kInvalidArgument, "unknown role(s): Ghost, Phantom");
  CheckRefused(Mint(Admin(), Request("ci", {"Analyst"}, now - absl::Hours(1))),
               absl::StatusCode::kInvalidArgument,
               "expiration 2027-01-15T07:00:00+00:00 is in the past");
  CheckRefused(Mint(Admin(), Request("ci", {"Analyst"}, now + absl::Hours(721))),
               absl::StatusCode::kInvalidArgument,
               "expiration is beyond the maximum token lifetime of 720h from now");
  CHECK(records_.calls("Insert") == 0);
  CHECK(audit_.entries().empty());
}

TEST_CASE_METHOD(TokenAuthorityFixture,
                 "a minted token validates as what was asked, and one audit record names its "
                 "creator") {
  absl::StatusOr<MintedToken> minted = Mint(Admin(), Request("ci", {"Analyst", "Analyst"}));
  REQUIRE(minted.ok());
  const TokenMetadata& row = minted->metadata;
  CHECK(row.name == "ci");
  CHECK(row.roles == std::vector<std::string>{"Analyst"});  // duplicates add nothing
  CHECK(row.issued_at == clock_.Now());
  CHECK(row.expires_at == clock_.Now() + absl::Hours(24));  // the default lifetime
  CHECK(row.created_by == "user:admin");
  CHECK(row.root == "user:admin");

  Identity who = IdentityOf(minted);
  CHECK(who.id == row.id);
  CHECK(who.name == "ci");
  CHECK(who.roles == std::vector<std::string>{"Analyst"});
  CHECK(who.expires_at == row.expires_at);
  CHECK(who.Root() == "user:admin");

  std::optional<TokenMetadata> stored = records_.Find(row.id);
  REQUIRE(stored.has_value());
  CHECK(stored->created_by == "user:admin");
  CHECK(records_.last_conditions().max_live_per_root == 3);

  std::vector<testing::AuditEntry> audit = audit_.entries();
  REQUIRE(audit.size() == 1);
  CHECK(audit[0].action == "token.create");
  CHECK(audit[0].actor == "user:admin");
  CHECK(audit[0].target == row.id);
  CHECK(audit[0].details == nlohmann::json{{"name", "ci"},
                                           {"roles", {"Analyst"}},
                                           {"expiration", "2027-01-16T08:00:00+00:00"}});
  CHECK(audit[0].details.dump().find(minted->token) == std::string::npos);
}

TEST_CASE_METHOD(TokenAuthorityFixture,
                 "a caller cannot mint a token granting more than it holds, and is told what "
                 "it lacks") {
  Identity analyst = IdentityOf(Mint(Admin(), Request("analyst", {"Analyst"})));
  REQUIRE(audit_.entries().size() == 1);

  CheckRefused(Mint(analyst, Request("wider", {"Lead"})), absl::StatusCode::kPermissionDenied,
               "the requested roles grant more than the caller holds: Access in scope "
               "Unrestricted (requested READ_ACCESS, held NO_ACCESS); Alert in scope "
               "Unrestricted (requested READ_WRITE_ACCESS, held READ_ACCESS); Integration in "
               "scope Unrestricted (requested READ_WRITE_ACCESS, held NO_ACCESS)");
  CHECK(records_.tokens().size() == 1);
  CHECK(audit_.entries().size() == 1);

  // Its own role it may pass on; the new token shares its root.
  absl::StatusOr<MintedToken> same = Mint(analyst, Request("same", {"Analyst"}));
  REQUIRE(same.ok());
  CHECK(same->metadata.created_by == analyst.Principal());
  CHECK(same->metadata.root == "user:admin");
  CHECK(IdentityOf(same).Root() == "user:admin");
}

TEST_CASE_METHOD(TokenAuthorityFixture, "tokens minted by tokens count against their root's cap") {
  Identity lead = IdentityOf(Mint(Admin(), Request("lead", {"Lead"})));
  REQUIRE(Mint(lead, Request("by-lead", {"Analyst"})).ok());
  REQUIRE(Mint(Admin(), Request("third", {"Analyst"})).ok());

  // Three live tokens under user:admin, the cap: neither the admin nor its tokens get more.
  CHECK(Mint(Admin(), Request("fourth", {"Analyst"})).status().code() ==
        absl::StatusCode::kResourceExhausted);
  CHECK(Mint(lead, Request("fourth", {"Analyst"})).status().code() ==
        absl::StatusCode::kResourceExhausted);
  CHECK(audit_.entries().size() == 3);
  // Another root has its own count.
  CHECK(Mint(M2mCaller(absl::Minutes(10)), Request("bot", {"Analyst"})).ok());
}

TEST_CASE_METHOD(TokenAuthorityFixture,
                 "an M2M identity cannot mint a token that outlives it, and its default is cut to "
                 "its own expiry") {
  const absl::Time now = clock_.Now();
  Identity bot = M2mCaller(absl::Minutes(10));

  CheckRefused(Mint(bot, Request("ci", {"Analyst"}, now + absl::Hours(1))),
               absl::StatusCode::kInvalidArgument,
               "a token minted by a short-lived (M2M) identity cannot outlive it: the latest "
               "expiration allowed is 2027-01-15T08:10:00+00:00");
  CHECK(records_.calls("Insert") == 0);

  absl::StatusOr<MintedToken> cut = Mint(bot, Request("ci", {"Analyst"}));
  REQUIRE(cut.ok());
  CHECK(cut->metadata.expires_at == now + absl::Minutes(10));
  CHECK(cut->metadata.root == bot.Principal());
  // The token dies with the configuration that admitted its creator.
  Identity minted = IdentityOf(cut);
  CHECK(minted.m2m_config_id == kM2mConfigId);
  CHECK(minted.MintCeiling() == now + absl::Minutes(10));

  absl::StatusOr<MintedToken> earlier =
      Mint(bot, Request("ci", {"Analyst"}, now + absl::Minutes(5)));
  REQUIRE(earlier.ok());
  CHECK(earlier->metadata.expires_at == now + absl::Minutes(5));

  CheckRefused(Mint(M2mCaller(-absl::Seconds(1)), Request("late", {"Analyst"})),
               absl::StatusCode::kUnauthenticated, "the caller's identity has expired");
}

TEST_CASE_METHOD(TokenAuthorityFixture,
                 "a role write committed during a mint makes it reload the roles and try again") {
  records_.SetRoleGeneration(2);  // another replica changed a role since the view loaded

  absl::StatusOr<MintedToken> minted = Mint(Admin(), Request("ci", {"Analyst"}));
  REQUIRE(minted.ok());
  CHECK(records_.calls("Insert") == 2);
  CHECK(reloads_ == 1);
  CHECK(roles_.Snapshot()->generation() == 2);
  CHECK(records_.tokens().size() == 1);
  CHECK(audit_.entries().size() == 1);
}

TEST_CASE_METHOD(TokenAuthorityFixture,
                 "the retry after a stale generation checks the creator's roles as they now "
                 "are") {
  Identity lead = IdentityOf(Mint(Admin(), Request("lead", {"Lead"})));
  // Meanwhile Lead lost Alert, and the mint's snapshot predates it.
  catalog_[2] = testing::MakeRole("Lead", {{"Integration", Access::kReadWrite}});
  records_.SetRoleGeneration(2);

  CheckRefused(Mint(lead, Request("alerts", {"Analyst"})), absl::StatusCode::kPermissionDenied,
               "the requested roles grant more than the caller holds: Alert in scope "
               "Unrestricted (requested READ_ACCESS, held NO_ACCESS)");
  CHECK(reloads_ == 1);
  CHECK(records_.tokens().size() == 1);
  CHECK(audit_.entries().size() == 1);  // the first mint only
}

TEST_CASE_METHOD(TokenAuthorityFixture,
                 "a mint gives up with ABORTED when the roles keep changing") {
  // Every reload is already stale: a role write commits after each one.
  reload_ = [this](std::function<void(absl::Status)> done) {
    roles_.Replace(RoleCatalog{catalog_, records_.role_generation()});
    records_.SetRoleGeneration(records_.role_generation() + 1);
    done(absl::OkStatus());
  };
  records_.SetRoleGeneration(2);

  CheckRefused(Mint(Admin(), Request("ci", {"Analyst"})), absl::StatusCode::kAborted,
               storage::TokenRecords::kStaleRolesMessage);
  CHECK(records_.calls("Insert") == TokenAuthority::kMintAttempts);
  CHECK(reloads_ == TokenAuthority::kMintAttempts - 1);
  CHECK(records_.tokens().empty());
  CHECK(audit_.entries().empty());
}

TEST_CASE_METHOD(TokenAuthorityFixture, "a mint fails as storage fails, and records nothing") {
  SECTION("the database is away") {
    records_.FailNext(absl::UnavailableError("database unavailable"), "Insert");
    CheckRefused(Mint(Admin(), Request("ci", {"Analyst"})), absl::StatusCode::kUnavailable,
                 "database unavailable");
  }
  SECTION("the roles cannot be reloaded after a stale generation") {
    records_.SetRoleGeneration(2);
    reload_ = [](std::function<void(absl::Status)> done) {
      done(absl::UnavailableError("database unavailable"));
    };
    CheckRefused(Mint(Admin(), Request("ci", {"Analyst"})), absl::StatusCode::kUnavailable,
                 "database unavailable");
  }
  CHECK(records_.tokens().empty());
  CHECK(audit_.entries().empty());
}

}  // namespace
}  // namespace warden
