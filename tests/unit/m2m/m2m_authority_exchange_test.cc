// M2mAuthority's exchange and direct ID-token authentication without PostgreSQL or a
// network: what the exchanged token carries, how it is stored and recorded, and what is
// refused.

#include <catch2/catch.hpp>

#include "tests/unit/m2m/m2m_authority_fixture.h"

namespace warden {
namespace {

using testing::Captured;
using testing::ConfiguredFixture;

TEST_CASE_METHOD(ConfiguredFixture,
                 "an exchanged token validates with the mapped roles, is stored like a minted "
                 "one, and is recorded once") {
  absl::StatusOr<ExchangedToken> exchanged = Exchange(IdToken());
  REQUIRE(exchanged.ok());
  CHECK(exchanged->expires_at == clock_.Now() + absl::Minutes(5));

  absl::StatusOr<Identity> who = validator_.Validate(exchanged->token);
  REQUIRE(who.ok());
  CHECK(who->roles == std::vector<std::string>{"Analyst"});
  CHECK(who->m2m_config_id == config_.id);
  const std::string principal = absl::StrCat("m2m:", config_.id, ":", kSubject);
  CHECK(who->Root() == principal);

  std::vector<TokenMetadata> stored = tokens_.tokens();
  REQUIRE(stored.size() == 1);
  CHECK(stored[0].id == who->id);
  CHECK(stored[0].name == kSubject);
  CHECK(stored[0].created_by == principal);
  CHECK(stored[0].expires_at == exchanged->expires_at);

  std::vector<testing::AuditEntry> audit = audit_.entries();
  REQUIRE(audit.size() == 2);  // the add, then the exchange
  CHECK(audit[1].action == "token.exchange");
  CHECK(audit[1].actor == principal);
  CHECK(audit[1].target == who->id);
  CHECK(audit[1].details == nlohmann::json{{"m2m_config_id", config_.id},
                                           {"roles", {"Analyst"}},
                                           {"expiration", "2027-01-15T08:05:00+00:00"}});
  CHECK(audit[1].details.dump().find(exchanged->token) == std::string::npos);
}

TEST_CASE_METHOD(ConfiguredFixture, "a refused exchange stores and records nothing") {
  absl::StatusOr<ExchangedToken> exchanged;
  SECTION("an issuer no configuration trusts") {
    exchanged = Exchange(IdToken({{"iss", "https://elsewhere.example.com"}}));
    CHECK(exchanged.status().code() == absl::StatusCode::kUnauthenticated);
    CHECK(exchanged.status().message() == "no m2m config trusts the token's issuer");
  }
  SECTION("claims no mapping matches") {
    exchanged = Exchange(IdToken({{"repository", "org/app-evil"}}));
    CHECK(exchanged.status().code() == absl::StatusCode::kUnauthenticated);
    CHECK(exchanged.status().message() ==
          "no mapping of the m2m config matches the token's claims");
  }
  SECTION("another audience") {
    exchanged = Exchange(IdToken({{"aud", "someone-else"}}));
    CHECK(exchanged.status().code() == absl::StatusCode::kUnauthenticated);
  }
  SECTION("the database is away") {
    tokens_.FailNext(absl::UnavailableError("database unavailable"), "Insert");
    exchanged = Exchange(IdToken());
    CHECK(exchanged.status().code() == absl::StatusCode::kUnavailable);
  }
  CHECK(tokens_.tokens().empty());
  CHECK(audit_.entries().size() == 1);  // the add
}

TEST_CASE_METHOD(ConfiguredFixture,
                 "an ID token used directly authenticates as the M2M identity, minting nothing") {
  Captured<absl::StatusOr<Identity>> who;
  authority_.AuthenticateIdToken(IdToken(), who.Callback());
  REQUIRE(who.Wait().ok());
  CHECK(who.value()->kind == IdentityKind::kM2m);
  CHECK(who.value()->roles == std::vector<std::string>{"Analyst"});
  CHECK(who.value()->Principal() == absl::StrCat("m2m:", config_.id, ":", kSubject));

  // An issuer no configuration trusts is answered inline, so the caller can try other checks.
  Captured<absl::StatusOr<Identity>> stranger;
  authority_.AuthenticateIdToken(IdToken({{"iss", "https://elsewhere.example.com"}}),
                                 stranger.Callback());
  REQUIRE(stranger.calls() == 1);
  CHECK(stranger.value().status().code() == absl::StatusCode::kNotFound);
  CHECK(tokens_.tokens().empty());
  CHECK(audit_.entries().size() == 1);  // the add
}

}  // namespace
}  // namespace warden
