// End to end: login, whoami, logout and credentials, wardenctl against the real server.

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tests/cli/cli_fixture.h"

namespace warden::testing {
namespace {

TEST_CASE_METHOD(CliFixture, "login keeps only a 12h session token that whoami and logout use") {
  CliResult login = Ctl({"login", "--password-file", password_file_});
  INFO(Describe(login));
  REQUIRE(login.exit_code == 0);
  CHECK(
      absl::StrContains(login.out, absl::StrCat("Logged in to ", server_.address(), " as admin")));

  const std::string config_text = ReadWholeFile(cli_.config_path());
  CHECK(FileMode(cli_.config_path()) == 0600);
  CHECK(FileMode(cli_.directory() + "/config/warden") == 0700);
  CHECK_FALSE(absl::StrContains(config_text, server_.admin_password()));
  nlohmann::json config = nlohmann::json::parse(config_text);
  CHECK(config["endpoint"] == server_.address());
  const std::string token = config["token"];
  const std::string id = config["token_id"];
  CHECK_FALSE(absl::StrContains(login.out + login.err, token));
  CHECK_FALSE(absl::StrContains(login.out + login.err, server_.admin_password()));

  auto session = api_.Get(admin_, id);
  REQUIRE(session.ok());
  const v1::TokenMetadata& meta = session.response.token();
  CHECK(absl::StartsWith(meta.name(), "wardenctl login "));
  CHECK(absl::StrContains(meta.name(), "@"));
  CHECK(meta.roles_size() == 1);
  CHECK(meta.roles(0) == "Admin");
  CHECK(meta.expiration().seconds() - meta.issued_at().seconds() == Approx(12 * 3600).margin(5));

  // No --endpoint: the session's endpoint and token.
  CliResult whoami = cli_.Run({"whoami"});
  INFO(Describe(whoami));
  REQUIRE(whoami.exit_code == 0);
  CHECK(absl::StrContains(whoami.out, "KIND      api token\n"));
  CHECK(absl::StrContains(whoami.out, absl::StrCat("ID        ", id, "\n")));
  CHECK(absl::StrContains(whoami.out, "ROLES     Admin\n"));
  CHECK(absl::StrContains(whoami.out, "RESOURCE "));
  CHECK(absl::StrContains(whoami.out, "\nIntegration "));
  CHECK_FALSE(absl::StrContains(whoami.out, token));
  nlohmann::json identity = Json(cli_.Run({"whoami", "-o", "json"}))["identity"];
  CHECK(identity["kind"] == "IDENTITY_KIND_API_TOKEN");
  CHECK(identity["id"] == id);
  CHECK(identity["roles"] == nlohmann::json::array({"Admin"}));
  CHECK(identity["permissions"]["Integration"] == "ACCESS_LEVEL_READ_WRITE_ACCESS");

  // The session token goes only to the endpoint that issued it: "localhost:PORT" is the same
  // server under another name, so nothing is sent and the server asks for credentials.
  std::string other_name = absl::StrCat("localhost:", server_.address().substr(10));
  CliResult elsewhere = cli_.Run({"whoami", "--endpoint", other_name});
  INFO(Describe(elsewhere));
  CHECK(elsewhere.exit_code == 2);
  CHECK(absl::StrContains(elsewhere.err, "UNAUTHENTICATED: credentials required"));

  CliResult logout = cli_.Run({"logout"});
  INFO(Describe(logout));
  CHECK(logout.exit_code == 0);
  CHECK(absl::StrContains(logout.out, absl::StrCat("session token ", id, " revoked")));
  CHECK(FileMode(cli_.config_path()) == -1);
  CHECK(api_.Get(admin_, id).response.token().revoked());
  CHECK(Ctl({"whoami"}).exit_code == 2);       // the session is gone
  CHECK(cli_.Run({"logout"}).exit_code == 0);  // nothing to do
}

TEST_CASE_METHOD(CliFixture,
                 "login takes --lifetime, reads the password from stdin, refuses a "
                 "wrong one") {
  CliResult short_lived =
      Ctl({"login", "--password-file", password_file_, "--lifetime", "1h", "-o", "json"});
  nlohmann::json minted = Json(short_lived);
  CHECK(minted["token"] == "");  // never printed, even as JSON
  auto meta = api_.Get(admin_, minted["metadata"]["id"]).response.token();
  CHECK(meta.expiration().seconds() - meta.issued_at().seconds() == Approx(3600).margin(5));

  CliResult from_stdin = cli_.RunProgram(
      {"bash", "-c",
       absl::StrCat("\"", WardenctlBinary(), "\" login --password-file - --endpoint ",
                    server_.address(), " < ", password_file_)});
  INFO(Describe(from_stdin));
  CHECK(from_stdin.exit_code == 0);
  const std::string session_before = ReadWholeFile(cli_.config_path());

  const std::string wrong = TokenFile("wrong-password", "not-the-admin-password-31337");
  CliResult refused = Ctl({"login", "--password-file", wrong});
  INFO(Describe(refused));
  CHECK(refused.exit_code == 2);
  CHECK(refused.err ==
        "wardenctl: UNAUTHENTICATED: invalid user name or password — check the admin password "
        "(--password-file)\n");
  CHECK(ReadWholeFile(cli_.config_path()) == session_before);  // the old session is kept
  CHECK(Ctl({"login", "--password-file", wrong + ".missing"}).exit_code == 1);
  CHECK(Ctl({"login", "--password-file", password_file_, "--lifetime", "0s"}).exit_code == 1);
}

TEST_CASE_METHOD(CliFixture, "revoked, garbage or missing tokens are UNAUTHENTICATED, exit 2") {
  const std::string garbage = "garbage.not-a.jwt-4242";
  CliResult bad = Ctl({"whoami", "--token", garbage});
  INFO(Describe(bad));
  CHECK(bad.exit_code == 2);
  CHECK(absl::StartsWith(bad.err, "wardenctl: UNAUTHENTICATED: "));
  CHECK(absl::EndsWith(bad.err, " — run `wardenctl login` or pass --token\n"));
  CHECK_FALSE(absl::StrContains(bad.err, garbage));

  v1::GenerateTokenResponse revoked = Mint("revoked", {"Analyst"});
  REQUIRE(api_.Revoke(admin_, revoked.metadata().id()).ok());
  CliResult rejected = Ctl({"token", "list"}, {{"WARDEN_TOKEN", revoked.token()}});
  INFO(Describe(rejected));
  CHECK(rejected.exit_code == 2);
  CHECK(absl::StrContains(rejected.err, "UNAUTHENTICATED: token has been revoked"));

  CliResult anonymous = Ctl({"token", "allowed-roles"});
  INFO(Describe(anonymous));
  CHECK(anonymous.exit_code == 2);
  CHECK(absl::StrContains(anonymous.err, "UNAUTHENTICATED: credentials required"));
}

TEST_CASE_METHOD(CliFixture, "credentials: --token, then --token-file, WARDEN_TOKEN, the session") {
  Login();
  v1::GenerateTokenResponse ci = Mint("ci robot", {"Continuous Integration"});
  v1::GenerateTokenResponse analyst = Mint("analyst", {"Analyst"});
  auto name_of = [&](const CliResult& result) {
    return Json(result)["identity"]["name"].get<std::string>();
  };
  const std::map<std::string, std::string> env = {{"WARDEN_TOKEN", analyst.token()}};
  CHECK(absl::StartsWith(name_of(Ctl({"whoami", "-o", "json"})), "wardenctl login "));
  CHECK(name_of(Ctl({"whoami", "-o", "json"}, env)) == "analyst");
  CHECK(name_of(Ctl({"whoami", "-o", "json", "--token", ci.token()}, env)) == "ci robot");
  CHECK(name_of(Ctl({"whoami", "-o", "json", "--token-file", TokenFile("ci", ci.token())}, env)) ==
        "ci robot");

  // A token without the permission: the server's message says which one.
  CliResult denied = Ctl({"token", "list", "--token-file", TokenFile("ci", ci.token())});
  INFO(Describe(denied));
  CHECK(denied.exit_code == 2);
  CHECK(absl::StartsWith(denied.err, "wardenctl: PERMISSION_DENIED: "));
  CHECK(absl::StrContains(denied.err, "Integration"));
}

}  // namespace
}  // namespace warden::testing
