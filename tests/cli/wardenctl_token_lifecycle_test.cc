// End to end: `wardenctl token rotate`, `token revoke --cascade / --created-by`,
// `token list --created-by` and descriptions, against the real server.

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "tests/cli/cli_fixture.h"

namespace warden::testing {
namespace {

TEST_CASE_METHOD(CliFixture, "token rotate prints the successor once and ends the old token") {
  v1::GenerateTokenResponse admin = Mint("cli admin", {"Admin"});
  const std::map<std::string, std::string> env = {{"WARDEN_TOKEN", admin.token()}};
  nlohmann::json created = Json(Ctl({"token", "create", "--name", "deploy", "--role", "Analyst",
                                     "--description", "deploys the web tier", "-o", "json"},
                                    env));
  const std::string old_id = created["metadata"]["id"];
  const std::string old_token = created["token"];
  CHECK(created["metadata"]["description"] == "deploys the web tier");

  CliResult rotated = Ctl({"token", "rotate", old_id, "--overlap", "2h"}, env);
  INFO(Describe(rotated));
  REQUIRE(rotated.exit_code == 0);
  CHECK(absl::StrContains(rotated.err,
                          absl::StrCat("Rotated token ", old_id, ": it keeps working until ")));
  const std::string successor = std::string(absl::StripSuffix(rotated.out, "\n"));
  CHECK(Ok({"whoami"}, {{"WARDEN_TOKEN", successor}}).exit_code == 0);
  CHECK(Ok({"whoami"}, {{"WARDEN_TOKEN", old_token}}).exit_code == 0);

  CliResult got = Ok({"token", "get", old_id}, env);
  INFO(got.out);
  CHECK(absl::StrContains(got.out, "\nDESCRIPTION   deploys the web tier\n"));
  CHECK(absl::StrContains(got.out, "\nROTATED TO    "));

  CliResult again = Ctl({"token", "rotate", old_id}, env);
  CHECK(again.exit_code == 2);
  CHECK(absl::StartsWith(again.err, "wardenctl: FAILED_PRECONDITION: "));

  nlohmann::json now =
      Json(Ctl({"token", "create", "--name", "leaked", "--role", "Analyst", "-o", "json"}, env));
  Ok({"token", "rotate", now["metadata"]["id"], "--overlap", "0s", "-o", "json"}, env);
  CliResult refused = Ctl({"whoami"}, {{"WARDEN_TOKEN", now["token"]}});
  CHECK(refused.exit_code != 0);
  CHECK(absl::StrContains(refused.err, "token has been revoked"));

  CliResult bad = Ctl({"token", "rotate", old_id, "--overlap", "soon"}, env);
  CHECK(bad.exit_code == 1);
}

TEST_CASE_METHOD(CliFixture, "token revoke --cascade and --created-by say how many they revoked") {
  v1::GenerateTokenResponse admin = Mint("cli admin", {"Admin"});
  const std::map<std::string, std::string> as_admin = {{"WARDEN_TOKEN", admin.token()}};
  v1::GenerateTokenResponse parent = Mint("parent", {"Admin"});
  const std::map<std::string, std::string> as_parent = {{"WARDEN_TOKEN", parent.token()}};
  Ok({"token", "create", "--name", "child one", "--role", "Analyst"}, as_parent);
  Ok({"token", "create", "--name", "child two", "--role", "Analyst"}, as_parent);

  const std::string creator = "token:" + parent.metadata().id();
  nlohmann::json children =
      Json(Ctl({"token", "list", "--created-by", creator, "-o", "json"}, as_admin));
  REQUIRE(children["tokens"].size() == 2);
  CHECK(children["tokens"][0]["name"] == "child one");

  CliResult by_creator = Ok({"token", "revoke", "--created-by", creator}, as_admin);
  CHECK(by_creator.out == absl::StrCat("Revoked 2 token(s) created by ", creator, ".\n"));

  CliResult cascade = Ok({"token", "revoke", "--cascade", parent.metadata().id()}, as_admin);
  CHECK(cascade.out == absl::StrCat("Revoked token ", parent.metadata().id(),
                                    " (parent) and every token minted with it: 1 token(s) "
                                    "revoked now (tokens revoked before are not counted).\n"));
  CHECK(Ctl({"token", "revoke"}, as_admin).exit_code == 1);
}

}  // namespace
}  // namespace warden::testing
