// End to end: `wardenctl m2m config` and `wardenctl m2m exchange` against the real server,
// which trusts a fake OIDC issuer the test serves over HTTPS with its own CA.

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "tests/cli/cli_fixture.h"
#include "tests/support/fake_oidc_issuer.h"
#include "tests/support/test_pki.h"

namespace warden::testing {
namespace {

// Made before the server, which must trust the CA and reach the issuer.
struct IssuerHolder {
  TestPki pki_;
  FakeIssuer issuer_{pki_};
};

class M2mCliFixture : public IssuerHolder, public CliFixture {
 public:
  M2mCliFixture() : CliFixture({{"WARDEN_M2M_CA_FILE", pki_.Path("ca.pem")}}) { Login(); }

  // `m2m config add` with the flags of the test's usual config; returns the new id.
  std::string AddFromFlags() {
    nlohmann::json added =
        Json(Ok({"m2m", "config", "add", "--type", "generic", "--issuer", issuer_.url(),
                 "--audience", "warden-test", "--audience", "other", "--token-lifetime", "10m",
                 "--map", "repository=org/repo=Continuous Integration", "--map",
                 "ref=refs/heads/main=Analyst", "-o", "json"}));
    const std::string id = added["config"]["id"].get<std::string>();
    REQUIRE_FALSE(id.empty());
    return id;
  }

  // An environment with no login session: XDG_CONFIG_HOME points where there is none.
  std::map<std::string, std::string> NoSession() const {
    return {{"XDG_CONFIG_HOME", cli_.directory() + "/no-session"}};
  }
};

std::vector<std::string> Lines(const std::string& out) {
  return absl::StrSplit(absl::StripSuffix(out, "\n"), '\n');
}

// A table line's cells (columns are at least three spaces apart; no cell here holds two).
std::vector<std::string> Cells(const std::string& line) {
  std::vector<std::string> cells;
  for (absl::string_view cell : absl::StrSplit(line, "  ", absl::SkipEmpty())) {
    cells.emplace_back(absl::StripAsciiWhitespace(cell));
  }
  cells.erase(std::remove(cells.begin(), cells.end(), ""), cells.end());
  return cells;
}

TEST_CASE_METHOD(M2mCliFixture, "m2m config add, list and get, exchange, whoami, delete") {
  const std::string id = AddFromFlags();

  CliResult list = Ok({"m2m", "config", "list"});
  std::vector<std::string> lines = Lines(list.out);
  REQUIRE(lines.size() == 2);
  CHECK(Cells(lines[0]) ==
        std::vector<std::string>{"ID", "TYPE", "ISSUER", "AUDIENCES", "LIFETIME", "MAPPINGS"});
  CHECK(Cells(lines[1]) ==
        std::vector<std::string>{id, "generic", issuer_.url(), "warden-test, other", "10m", "2"});
  nlohmann::json listed = Json(Ok({"m2m", "config", "list", "-o", "json"}));
  REQUIRE(listed["configs"].size() == 1);
  CHECK(listed["configs"][0]["issuer"] == issuer_.url());
  CHECK(listed["configs"][0]["type"] == "AUTH_MACHINE_TO_MACHINE_CONFIG_TYPE_GENERIC");

  CliResult get = Ok({"m2m", "config", "get", id});
  INFO(get.out);
  lines = Lines(get.out);
  REQUIRE(lines.size() == 10);
  CHECK(Cells(lines[0]) == std::vector<std::string>{"ID", id});
  CHECK(Cells(lines[1]) == std::vector<std::string>{"TYPE", "generic"});
  CHECK(Cells(lines[2]) == std::vector<std::string>{"ISSUER", issuer_.url()});
  CHECK(Cells(lines[3]) == std::vector<std::string>{"AUDIENCES", "warden-test, other"});
  CHECK(Cells(lines[4]) == std::vector<std::string>{"ANY AUDIENCE", "no"});
  CHECK(Cells(lines[5]) == std::vector<std::string>{"TOKEN LIFETIME", "10m"});
  CHECK(lines[6].empty());
  CHECK(Cells(lines[7]) == std::vector<std::string>{"CLAIM", "VALUE EXPRESSION", "ROLE"});
  CHECK(Cells(lines[8]) ==
        std::vector<std::string>{"repository", "org/repo", "Continuous Integration"});
  CHECK(Cells(lines[9]) == std::vector<std::string>{"ref", "refs/heads/main", "Analyst"});
  nlohmann::json got = Json(Ok({"m2m", "config", "get", id, "-o", "json"}));
  CHECK(got["config"]["mappings"].size() == 2);
  CHECK(got["config"]["tokenExpirationDuration"] == "10m");

  // The exchange needs no Warden credentials: no login session here.
  const std::string id_token =
      issuer_.IdToken({{"repository", "org/repo"}, {"ref", "refs/heads/main"}});
  const std::string id_token_file = File("id-token", id_token + "\n");
  CliResult exchanged = Ok({"m2m", "exchange", "--token-file", id_token_file}, NoSession());
  std::vector<std::string> out = Lines(exchanged.out);
  REQUIRE(out.size() == 1);
  const std::string token = out[0];
  CHECK(token.size() > 20);
  CHECK(token != id_token);
  CHECK_FALSE(absl::StrContains(exchanged.out + exchanged.err, id_token));
  CHECK(absl::StrContains(exchanged.err, "expires"));

  CliResult who = Ok({"--token", token, "whoami"}, NoSession());
  CHECK(absl::StrContains(who.out, "KIND      m2m"));
  CHECK(absl::StrContains(who.out, "Analyst, Continuous Integration"));

  // From stdin, into a file, and as JSON.
  CliResult piped = cli_.RunProgram(
      {"bash", "-c",
       absl::StrCat("\"", WardenctlBinary(), "\" m2m exchange --token-file - --endpoint ",
                    server_.address(), " < ", id_token_file)});
  INFO(Describe(piped));
  CHECK(piped.exit_code == 0);
  CHECK(Lines(piped.out).size() == 1);
  const std::string saved = cli_.directory() + "/warden.token";
  CliResult to_file =
      Ok({"m2m", "exchange", "--token-file", id_token_file, "--output-file", saved});
  CHECK(FileMode(saved) == 0600);
  const std::string saved_token(absl::StripSuffix(ReadWholeFile(saved), "\n"));
  CHECK(saved_token.size() > 20);
  CHECK_FALSE(absl::StrContains(to_file.out, saved_token));
  CHECK(absl::StrContains(to_file.out, "written to " + saved + " (mode 0600)"));
  nlohmann::json json = Json(Ok({"m2m", "exchange", "--token-file", id_token_file, "-o", "json"}));
  CHECK(json["accessToken"].get<std::string>().size() > 20);
  CHECK_FALSE(json["expiration"].get<std::string>().empty());
  CHECK_FALSE(json.dump().find(id_token) != std::string::npos);

  CliResult deleted = Ok({"m2m", "config", "delete", id});
  CHECK(deleted.out == "Deleted m2m config " + id + ".\n");
  CliResult empty = Ok({"m2m", "config", "list"});
  CHECK(empty.out.empty());
  CHECK(absl::StrContains(empty.err, "No machine-to-machine configs."));
  CliResult gone = Fails({"m2m", "config", "get", id}, 2);
  CHECK(absl::StartsWith(gone.err, "wardenctl: NOT_FOUND: "));
  CHECK(absl::StrContains(gone.err, "`wardenctl m2m config list`"));
  // Tokens exchanged through it die with it.
  CHECK(Ctl({"--token", token, "whoami"}, NoSession()).exit_code == 2);
}

TEST_CASE_METHOD(M2mCliFixture, "m2m exchange of a refused ID token is UNAUTHENTICATED, exit 2") {
  AddFromFlags();
  const std::string evil =
      issuer_.IdToken({{"repository", "org/repo-evil"}, {"ref", "refs/heads/dev"}});
  CliResult refused = Fails({"m2m", "exchange", "--token-file", File("evil", evil)}, 2);
  CHECK(absl::StartsWith(refused.err, "wardenctl: UNAUTHENTICATED: "));
  CHECK(absl::StrContains(refused.err, "no mapping"));
  CHECK(absl::StrContains(refused.err, "Warden did not accept the ID token"));
  CHECK_FALSE(absl::StrContains(refused.err, evil));
  CHECK_FALSE(absl::StrContains(refused.err, "wardenctl login"));

  const std::string late = issuer_.IdToken(
      {{"repository", "org/repo"}, {"exp", absl::ToUnixSeconds(absl::Now() - absl::Minutes(5))}});
  CliResult expired = Fails({"m2m", "exchange", "--token-file", File("late", late)}, 2);
  CHECK(absl::StrContains(expired.err, "UNAUTHENTICATED: token has expired"));
  CliResult garbage = Fails({"m2m", "exchange", "--token-file", File("junk", "not-a-jwt")}, 2);
  CHECK(absl::StartsWith(garbage.err, "wardenctl: INVALID_ARGUMENT: "));
}

TEST_CASE_METHOD(M2mCliFixture, "m2m configs from YAML and JSON files, and update replaces") {
  const std::string yaml = File("issuer.yaml", absl::StrCat(R"(type: generic
issuer: )",
                                                            issuer_.url(), R"(
audiences: [warden-test]
token_expiration_duration: 5m
mappings:
  - key: repository
    value_expression: org/.*
    role: Analyst
)"));
  CliResult added = Ok({"m2m", "config", "add", "-f", yaml});
  CHECK(absl::StartsWith(added.out, "Added m2m config "));
  nlohmann::json listed = Json(Ok({"m2m", "config", "list", "-o", "json"}));
  REQUIRE(listed["configs"].size() == 1);
  const std::string id = listed["configs"][0]["id"].get<std::string>();
  CHECK(listed["configs"][0]["tokenExpirationDuration"] == "5m");

  // A second config for the same issuer is refused by the server: exit 2.
  CliResult twice = Fails({"m2m", "config", "add", "-f", yaml}, 2);
  CHECK(absl::StartsWith(twice.err, "wardenctl: ALREADY_EXISTS: "));
  // The server's own rules: exit 2 with its message.
  CliResult lifetime =
      Fails({"m2m", "config", "update", id, "--issuer", issuer_.url(), "--allow-any-audience",
             "--token-lifetime", "48h", "--map", "sub=.*=Analyst"},
            2);
  CHECK(absl::StrContains(lifetime.err, "INVALID_ARGUMENT: token_expiration_duration"));

  // update replaces the whole config, from flags...
  CliResult updated =
      Ok({"m2m", "config", "update", id, "--issuer", issuer_.url(), "--allow-any-audience",
          "--token-lifetime", "1h", "--map", "sub=repo:org/.*=Continuous Integration"});
  CHECK(updated.out == absl::StrCat("Updated m2m config ", id, " for ", issuer_.url(), ".\n"));
  nlohmann::json got = Json(Ok({"m2m", "config", "get", id, "-o", "json"}));
  CHECK(got["config"]["allowAnyAudience"] == true);
  CHECK(got["config"]["audiences"].empty());
  CHECK(got["config"]["tokenExpirationDuration"] == "1h");
  REQUIRE(got["config"]["mappings"].size() == 1);
  CHECK(got["config"]["mappings"][0]["role"] == "Continuous Integration");
  CHECK(Cells(Lines(Ok({"m2m", "config", "list"}).out).at(1)) ==
        std::vector<std::string>{id, "generic", issuer_.url(), "(any)", "1h", "1"});

  // ...or from what `get -o json` printed, edited.
  got["config"]["tokenExpirationDuration"] = "2m";
  got["config"]["id"] = "ignored: the argument names the config";
  Ok({"m2m", "config", "update", id, "-f", File("edited.json", got.dump())});
  nlohmann::json again = Json(Ok({"m2m", "config", "get", id, "-o", "json"}));
  CHECK(again["config"]["tokenExpirationDuration"] == "2m");

  // An ID token of any audience now works, for the new mapping's role.
  const std::string token = Lines(Ok({"m2m", "exchange", "--token-file",
                                      File("any", issuer_.IdToken({{"aud", "someone-else"}}))})
                                      .out)[0];
  CHECK(absl::StrContains(Ok({"--token", token, "whoami"}).out, "Continuous Integration"));

  Ok({"m2m", "config", "delete", id, "-o", "json"});
  CHECK(Fails({"m2m", "config", "delete", id}, 2).err.find("NOT_FOUND") != std::string::npos);
}

TEST_CASE_METHOD(M2mCliFixture, "m2m usage errors reach no server and change nothing") {
  CHECK(Fails({"m2m", "config", "add", "--issuer", issuer_.url(), "--audience", "a",
               "--token-lifetime", "5m"},
              1)
            .err.find("at least one --map") != std::string::npos);
  CHECK(Fails({"m2m", "config", "add", "--issuer", issuer_.url(), "--audience", "a",
               "--token-lifetime", "5m", "--map", "repository:org/repo:Analyst"},
              1)
            .err.find("must be KEY=REGEX=ROLE") != std::string::npos);
  CHECK(Fails({"m2m", "config", "add", "--audience", "a", "--token-lifetime", "5m", "--map",
               "k=v=Analyst"},
              1)
            .err.find("--issuer is required") != std::string::npos);
  CHECK(Fails({"m2m", "config", "add", "-f", File("bad.yaml", "issuer: [\n")}, 1)
            .err.find("bad.yaml:") != std::string::npos);
  CHECK(Ok({"m2m", "config", "list", "-o", "json"}).out.find(issuer_.url()) == std::string::npos);
  // Without the admin's session, reading configs is UNAUTHENTICATED, exit 2.
  CliResult anonymous = Ctl({"m2m", "config", "list"}, NoSession());
  CHECK(anonymous.exit_code == 2);
  CHECK(absl::StrContains(anonymous.err, "UNAUTHENTICATED"));
}

}  // namespace
}  // namespace warden::testing
