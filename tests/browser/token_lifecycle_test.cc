// The console's token lifecycle (issue 18) in a real browser: descriptions, rotation with an
// overlap, cascade revocation and one creator's tokens. Each case runs a scenario of
// web/tests/scenarios/ and checks over gRPC what a client of Warden now sees.

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tests/browser/console_fixture.h"

namespace warden::testing {
namespace {

absl::Time Seconds(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds());
}

// A time the page showed (a <time datetime="…"> value, ISO 8601 in UTC).
absl::Time Shown(const Json& iso) {
  absl::Time time;
  std::string error;
  INFO("shown: " << iso.dump());
  REQUIRE(absl::ParseTime(absl::RFC3339_full, iso.get<std::string>(), &time, &error));
  return time;
}

TEST_CASE_METHOD(ConsoleFixture,
                 "a token's description shows under its name in the list and in full on its page") {
  const std::string description =
      "Deploys the billing service from the release pipeline; owned by the payments team, "
      "ask #payments-oncall before revoking";
  const Json seen = Browse(
      "describe", {{"name", "billing deploy"}, {"role", "Analyst"}, {"description", description}});
  // Too long: refused in the dialog, before the server is asked.
  CHECK(seen.at("too_long") == "The description is 1,025 characters long; the limit is 1,024.");
  CHECK(seen.at("list_title") == description);
  CHECK(seen.at("details_description") == description);
  const std::vector<v1::TokenMetadata> made = Named("billing deploy");
  REQUIRE(made.size() == 1);
  CHECK(made[0].description() == description);
}

TEST_CASE_METHOD(
    ConsoleFixture,
    "rotating with the default overlap shows the successor once and both tokens work") {
  const v1::GenerateTokenResponse old =
      Mint("ci deploy", {"Analyst"}, absl::Hours(24 * 30), "pushes images");
  const absl::Time before = absl::Now();
  const Json seen = Browse("rotate", {{"name", "ci deploy"}});
  const absl::Time after = absl::Now();

  // Both tokens authenticate during the overlap.
  const std::string successor_token = seen.at("token");
  CHECK(Works(successor_token));
  CHECK(Works(old.token()));

  // The old token now ends 24 hours after the rotation, as the dialog and its page said.
  auto replaced = api_.Get(Admin(), old.metadata().id());
  REQUIRE(replaced.ok());
  const absl::Time old_end = Seconds(replaced.response.token().expiration());
  CHECK(old_end >= before + absl::Hours(24) - absl::Seconds(1));
  CHECK(old_end <= after + absl::Hours(24) + absl::Seconds(1));
  // (The page shows milliseconds; the check here reads whole seconds.)
  CHECK(absl::AbsDuration(Shown(seen.at("old_until")) - old_end) < absl::Seconds(1));
  CHECK(absl::AbsDuration(Shown(seen.at("old_expires_shown")) - old_end) < absl::Seconds(1));
  CHECK(replaced.response.token().rotated_to() == seen.at("successor_id"));

  // The successor: the same name, description and roles, for the same 30 days from now.
  auto successor = api_.Get(Admin(), seen.at("successor_id"));
  REQUIRE(successor.ok());
  const v1::TokenMetadata& next = successor.response.token();
  CHECK(next.name() == "ci deploy");
  CHECK(next.description() == "pushes images");
  CHECK(std::vector<std::string>(next.roles().begin(), next.roles().end()) ==
        std::vector<std::string>{"Analyst"});
  CHECK(next.rotated_from() == old.metadata().id());
  CHECK(absl::AbsDuration(Seconds(next.expiration()) - (before + absl::Hours(24 * 30))) <
        absl::Minutes(5));
  // The old token's page no longer offers to rotate it, and says why.
  CHECK(seen.at("rotate_disabled") == true);
  CHECK(seen.at("blocked") == "This token was rotated already: rotate its successor instead.");
}

TEST_CASE_METHOD(ConsoleFixture, "rotating with no overlap refuses the old token at once") {
  const v1::GenerateTokenResponse old = Mint("leaked key", {"Analyst"});
  const Json seen =
      Browse("rotate", {{"name", "leaked key"}, {"overlap", "End now: refuse it at once"}});
  CHECK_THAT(seen.at("dialog_text").get<std::string>(),
             Catch::Matchers::EndsWith("The old token no longer works."));
  CHECK_FALSE(Works(old.token()));
  CHECK(Works(seen.at("token")));
}

TEST_CASE_METHOD(ConsoleFixture,
                 "a cascade revocation takes the tokens minted with the token down with it") {
  const v1::GenerateTokenResponse parent = Mint("ci parent", {"Admin"});
  const v1::GenerateTokenResponse child =
      Mint("ci child", {"Analyst"}, absl::Hours(24), "", Bearer(parent.token()));
  const v1::GenerateTokenResponse bystander = Mint("bystander", {"Analyst"});
  const Json seen =
      Browse("revoke", {{"name", "ci parent"}, {"cascade", true}, {"gone", {"ci child"}}});
  CHECK(seen.at("notice") == "Revoked 2 tokens: ci parent and 1 token minted with it.");
  CHECK_FALSE(Works(parent.token()));
  CHECK_FALSE(Works(child.token()));
  CHECK(Works(bystander.token()));
}

TEST_CASE_METHOD(ConsoleFixture,
                 "one creator's tokens are listed by a bookmarkable filter and revoked together") {
  const v1::GenerateTokenResponse other = Mint("dashboard", {"Analyst"});
  const v1::GenerateTokenResponse creator = Mint("pipeline", {"Admin"});
  const std::string as_creator = Bearer(creator.token());
  const v1::GenerateTokenResponse first =
      Mint("build 1", {"Analyst"}, absl::Hours(24), "", as_creator);
  const v1::GenerateTokenResponse second =
      Mint("build 2", {"Analyst"}, absl::Hours(24), "", as_creator);

  const Json seen = Browse("creator-filter",
                           {{"child", "build 1"}, {"creator", "pipeline"}, {"other", "dashboard"}});
  CHECK(seen.at("hash") == "#/tokens?created_by=token%3A" + creator.metadata().id());
  const Json builds = {"build 1", "build 2"};
  CHECK(seen.at("shown") == builds);
  CHECK(seen.at("after_reload") == builds);
  CHECK_THAT(seen.at("dialog_text").get<std::string>(),
             Catch::Matchers::StartsWith("2 live tokens that pipeline created"));
  CHECK(seen.at("notice") == "Revoked 2 tokens: every token pipeline created.");
  CHECK(seen.at("hash_after") == "#/tokens");
  CHECK_FALSE(Works(first.token()));
  CHECK_FALSE(Works(second.token()));
  CHECK(Works(creator.token()));
  CHECK(Works(other.token()));
}

}  // namespace
}  // namespace warden::testing
