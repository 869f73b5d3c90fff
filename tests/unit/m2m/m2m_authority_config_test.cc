// M2mAuthority's configuration writes without PostgreSQL or a network: refusals before any
// key fetch, nothing stored when the keys cannot be fetched, the view reloaded before the
// answer, one audit record per change, and a full pool refusing rather than queueing.

#include <catch2/catch.hpp>

#include "absl/synchronization/notification.h"
#include "tests/unit/m2m/m2m_authority_fixture.h"

namespace warden {
namespace {

using testing::Captured;
using testing::ConfiguredFixture;
using testing::M2mAuthorityFixture;

// A caller that may manage configurations but holds only Alert READ.
Identity Analyst() {
  Identity who;
  who.id = "9d1c5b7a-3e2f-4a6b-8c9d-0e1f2a3b4c5d";
  who.roles = {"Analyst"};
  return who;
}

TEST_CASE_METHOD(M2mAuthorityFixture,
                 "a configuration is refused before any key fetch when it is invalid or maps "
                 "roles beyond the caller's") {
  Captured<absl::StatusOr<M2mConfig>> added;
  SECTION("roles beyond the caller's") {
    authority_.Add(Analyst(), Config("Lead"), added.Callback());
    REQUIRE(added.calls() == 1);  // answered inline, before anything is queued
    CHECK(added.value().status().code() == absl::StatusCode::kPermissionDenied);
    CHECK(added.value().status().message() ==
          "this change would let roles grant more than the caller holds: role Lead: Access in "
          "scope Unrestricted (requested READ_ACCESS, held NO_ACCESS); Alert in scope "
          "Unrestricted (requested READ_WRITE_ACCESS, held READ_ACCESS); Integration in scope "
          "Unrestricted (requested READ_WRITE_ACCESS, held NO_ACCESS)");
  }
  SECTION("an issuer that is no https URL") {
    M2mConfig config = Config();
    config.issuer = "http://issuer.example.com";
    authority_.Add(Admin(), config, added.Callback());
    REQUIRE(added.calls() == 1);
    CHECK(added.value().status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(added.value().status().message() ==
          "issuer must be an https URL, such as https://issuer.example.com");
  }
  SECTION("an update of no configuration id") {
    authority_.Update(Admin(), Config(), added.Callback());
    REQUIRE(added.calls() == 1);
    CHECK(added.value().status().message() == "id must be an m2m config id (a UUID)");
  }
  CHECK(fetcher_.requests().empty());
  CHECK(configs_.calls() == 0);
  CHECK(audit_.entries().empty());
}

TEST_CASE_METHOD(M2mAuthorityFixture,
                 "an added configuration is fetched, stored, in the view when answered, and "
                 "recorded once") {
  Captured<absl::StatusOr<M2mConfig>> added;
  bool in_view_when_answered = false;
  authority_.Add(Analyst(), Config("Analyst"),
                 [&, done = added.Callback()](absl::StatusOr<M2mConfig> config) {
                   in_view_when_answered = view_.Snapshot()->FindByIssuer(kIssuer) != nullptr;
                   done(std::move(config));
                 });
  absl::StatusOr<M2mConfig> config = added.Wait();
  REQUIRE(config.ok());
  CHECK(config->revision == 1);
  CHECK(in_view_when_answered);
  CHECK(fetcher_.CountOf(kJwksUri) == 1);
  CHECK(configs_.configs().size() == 1);

  std::vector<testing::AuditEntry> audit = audit_.entries();
  REQUIRE(audit.size() == 1);
  CHECK(audit[0].action == "m2m_config.add");
  CHECK(audit[0].actor == Analyst().Principal());
  CHECK(audit[0].target == config->id);
  CHECK(audit[0].details == nlohmann::json{{"issuer", kIssuer}});
}

TEST_CASE_METHOD(M2mAuthorityFixture,
                 "when the issuer's keys cannot be fetched nothing is stored or recorded") {
  fetcher_.Fail(kDiscovery, absl::UnavailableError("connection refused by 10.0.0.7:443"));
  absl::StatusOr<M2mConfig> added = Add(Admin(), Config());
  CHECK(added.status().code() == absl::StatusCode::kUnavailable);
  // The fetcher's own words (addresses, ports) stay in the log.
  CHECK(added.status().message() ==
        "cannot fetch the keys of issuer https://issuer.example.com: cannot fetch the issuer's "
        "OpenID configuration");
  CHECK(configs_.calls() == 0);
  CHECK(view_.Snapshot()->ids().empty());
  CHECK(audit_.entries().empty());
}

TEST_CASE_METHOD(ConfiguredFixture,
                 "an update raises the revision and ends the tokens exchanged before it") {
  absl::StatusOr<ExchangedToken> before = Exchange(IdToken());
  REQUIRE(before.ok());
  REQUIRE(validator_.Validate(before->token).ok());

  M2mConfig changed = config_;
  changed.token_lifetime = absl::Minutes(2);
  Captured<absl::StatusOr<M2mConfig>> updated;
  authority_.Update(Admin(), changed, updated.Callback());
  REQUIRE(updated.Wait().ok());
  CHECK(updated.value()->revision == 2);
  CHECK(validator_.Validate(before->token).status().code() == absl::StatusCode::kUnauthenticated);

  std::vector<testing::AuditEntry> audit = audit_.entries();
  REQUIRE(audit.size() == 3);  // add, exchange, update
  CHECK(audit[2].action == "m2m_config.update");
  CHECK(audit[2].actor == "user:admin");
  CHECK(audit[2].target == config_.id);
}

TEST_CASE_METHOD(ConfiguredFixture,
                 "a deleted configuration is gone from the view when answered, with its tokens") {
  absl::StatusOr<ExchangedToken> exchanged = Exchange(IdToken());
  REQUIRE(exchanged.ok());

  Captured<absl::Status> deleted;
  authority_.Delete(Analyst(), config_.id, deleted.Callback());
  REQUIRE(deleted.calls() == 1);  // storage answers inline here: no pool involved
  REQUIRE(deleted.value().ok());
  CHECK(view_.Snapshot()->FindById(config_.id) == nullptr);
  CHECK(validator_.Validate(exchanged->token).status().message() ==
        "the m2m config this token was exchanged through is gone");

  std::vector<testing::AuditEntry> audit = audit_.entries();
  REQUIRE(audit.size() == 3);  // add, exchange, delete
  CHECK(audit[2].action == "m2m_config.delete");
  CHECK(audit[2].actor == Analyst().Principal());
  CHECK(audit[2].target == config_.id);

  // Deleting it again: NOT_FOUND, and nothing more recorded.
  authority_.Delete(Analyst(), config_.id, deleted.Callback());
  CHECK(deleted.value().code() == absl::StatusCode::kNotFound);
  CHECK(audit_.entries().size() == 3);
}

TEST_CASE_METHOD(ConfiguredFixture,
                 "work that needs the pool is refused with RESOURCE_EXHAUSTED while it is full") {
  const size_t fetches = fetcher_.requests().size();

  // One task holds the pool's only thread, another fills its queue of one.
  absl::Notification running, release;
  pool_.Submit([&] {
    running.Notify();
    release.WaitForNotification();
  });
  running.WaitForNotification();
  REQUIRE(pool_.TrySubmit([] {}).ok());

  M2mConfig other = Config();
  other.issuer = "https://other.example.com";
  Captured<absl::StatusOr<M2mConfig>> added;
  authority_.Add(Admin(), other, added.Callback());
  Captured<absl::StatusOr<ExchangedToken>> exchanged;
  authority_.Exchange(IdToken(), exchanged.Callback());
  Captured<absl::StatusOr<Identity>> authenticated;
  authority_.AuthenticateIdToken(IdToken(), authenticated.Callback());

  // Answered at once, on the caller's thread.
  REQUIRE(added.calls() == 1);
  REQUIRE(exchanged.calls() == 1);
  REQUIRE(authenticated.calls() == 1);
  CHECK(added.value().status().code() == absl::StatusCode::kResourceExhausted);
  CHECK(exchanged.value().status().code() == absl::StatusCode::kResourceExhausted);
  CHECK(authenticated.value().status().code() == absl::StatusCode::kResourceExhausted);

  release.Notify();
  pool_.WaitIdle();
  CHECK(fetcher_.requests().size() == fetches);
  CHECK(configs_.configs().size() == 1);
  CHECK(tokens_.tokens().empty());
  CHECK(audit_.entries().size() == 1);  // the first add
}

}  // namespace
}  // namespace warden
