// End to end: every `wardenctl token` subcommand against the real server.

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "tests/cli/cli_fixture.h"

namespace warden::testing {
namespace {

int64_t NowSeconds() { return absl::ToUnixSeconds(absl::Now()); }

TEST_CASE_METHOD(CliFixture,
                 "token create prints the token once: on stdout, or only in the "
                 "--output-file") {
  Login();
  CliResult plain = Ctl({"token", "create", "--name", "ci", "--role", "Analyst"});
  INFO(Describe(plain));
  REQUIRE(plain.exit_code == 0);
  const std::string token(absl::StripSuffix(plain.out, "\n"));
  CHECK(std::count(token.begin(), token.end(), '.') == 2);
  CHECK(token.find('\n') == std::string::npos);
  CHECK(absl::StartsWith(plain.err, "Created token "));
  CHECK_FALSE(absl::StrContains(plain.err, token));
  auto validated = api_.Validate(admin_, token);
  REQUIRE(validated.ok());
  CHECK(validated.response.identity().name() == "ci");
  CHECK(validated.response.identity().expiration().seconds() - NowSeconds() ==
        Approx(365 * 86400).margin(30));

  const std::string file = cli_.directory() + "/ci.token";
  CliResult to_file =
      Ctl({"token", "create", "--name", "to file", "--role", "Analyst", "--role",
           "Continuous Integration", "--expires-in", "720h", "--output-file", file});
  INFO(Describe(to_file));
  REQUIRE(to_file.exit_code == 0);
  CHECK(FileMode(file) == 0600);
  const std::string saved(absl::StripSuffix(ReadWholeFile(file), "\n"));
  CHECK_FALSE(absl::StrContains(to_file.out + to_file.err, saved));
  CHECK(absl::StrContains(to_file.out, "NAME          to file\n"));
  CHECK(absl::StrContains(to_file.out, "ROLES         Analyst, Continuous Integration\n"));
  CHECK(absl::StrContains(to_file.out, absl::StrCat("TOKEN         written to ", file)));
  auto file_identity = api_.Validate(admin_, saved);
  REQUIRE(file_identity.ok());
  CHECK(file_identity.response.identity().expiration().seconds() - NowSeconds() ==
        Approx(720 * 3600).margin(30));

  const std::string in_30_days = absl::FormatTime(
      "%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(NowSeconds() + 30 * 86400), absl::UTCTimeZone());
  nlohmann::json json = Json(Ctl({"token", "create", "--name", "json", "--role", "Analyst",
                                  "--expiration", in_30_days, "-o", "json"}));
  CHECK(api_.Validate(admin_, json["token"]).ok());
  CHECK(json["metadata"]["name"] == "json");
  CHECK(json["metadata"]["expiration"] == in_30_days);
  CHECK(json["metadata"]["createdBy"].get<std::string>().rfind("token:", 0) == 0);
  nlohmann::json json_file = Json(Ctl({"token", "create", "--name", "j", "--role", "Analyst",
                                       "--output-file", file, "-o", "json"}));
  CHECK(json_file["token"] == "");  // the file has it
  CHECK(api_.Validate(admin_, std::string(absl::StripSuffix(ReadWholeFile(file), "\n"))).ok());
}

TEST_CASE_METHOD(CliFixture,
                 "token create refuses before minting when it could not save the "
                 "token, and reports the server's refusals") {
  Login();
  const int before = TokenCount();
  CliResult unwritable = Ctl({"token", "create", "--name", "lost", "--role", "Analyst",
                              "--output-file", cli_.directory() + "/missing/dir/token"});
  INFO(Describe(unwritable));
  CHECK(unwritable.exit_code == 1);
  CHECK(absl::StrContains(unwritable.err, "cannot write"));
  CHECK(TokenCount() == before);  // nothing minted

  CliResult unknown_role = Ctl({"token", "create", "--name", "x", "--role", "Wizard"});
  INFO(Describe(unknown_role));
  CHECK(unknown_role.exit_code == 2);
  CHECK(absl::StartsWith(unknown_role.err, "wardenctl: INVALID_ARGUMENT: "));
  CHECK(unknown_role.out.empty());

  v1::GenerateTokenResponse analyst = Mint("analyst", {"Analyst"});
  CliResult escalation = Ctl({"token", "create", "--name", "x", "--role", "Admin", "--token-file",
                              TokenFile("analyst", analyst.token())});
  INFO(Describe(escalation));
  CHECK(escalation.exit_code == 2);
  CHECK(absl::StartsWith(escalation.err, "wardenctl: PERMISSION_DENIED: "));
  CHECK(escalation.out.empty());
}

TEST_CASE_METHOD(CliFixture, "token list, get, revoke and allowed-roles") {
  v1::GenerateTokenResponse admin = Mint("cli admin", {"Admin"});
  const std::map<std::string, std::string> env = {{"WARDEN_TOKEN", admin.token()}};
  Mint("alpha", {"Analyst"});
  const std::string beta = Mint("beta", {"Continuous Integration", "Analyst"}).metadata().id();
  Mint("gamma with a long name", {"Analyst"});

  CliResult list = Ctl({"token", "list"}, env);
  INFO(Describe(list));
  REQUIRE(list.exit_code == 0);
  std::vector<std::string> lines = absl::StrSplit(absl::StripSuffix(list.out, "\n"), '\n');
  REQUIRE(lines.size() == 5);
  CHECK(absl::StartsWith(lines[0], "ID "));
  const size_t name_column = lines[0].find("NAME");
  const size_t roles_column = lines[0].find("ROLES");
  CHECK(lines[0].find("EXPIRES") < lines[0].find("REVOKED"));
  CHECK(absl::EndsWith(lines[0], "CREATED BY"));
  CHECK(lines[1].substr(name_column, 9) == "cli admin");
  CHECK(lines[3].substr(name_column, 4) == "beta");
  CHECK(lines[3].substr(roles_column, 32) == "Continuous Integration, Analyst ");
  for (const std::string& line : lines) CHECK(line.back() != ' ');

  CHECK(Json(Ctl({"token", "list", "-o", "json"}, env))["tokens"].size() == 4);
  CHECK(Json(Ctl({"token", "list", "--limit", "2", "-o", "json"}, env))["tokens"].size() == 2);
  CHECK(Json(Ctl({"token", "list", "--all", "-o", "json"}, env))["tokens"].size() == 4);

  CliResult revoke = Ctl({"token", "revoke", beta}, env);
  INFO(Describe(revoke));
  CHECK(revoke.exit_code == 0);
  CHECK(revoke.out == absl::StrCat("Revoked token ", beta, " (beta).\n"));
  CHECK(Ctl({"token", "revoke", beta}, env).exit_code == 0);  // again: fine

  nlohmann::json revoked = Json(Ctl({"token", "list", "--revoked", "-o", "json"}, env));
  REQUIRE(revoked["tokens"].size() == 1);
  CHECK(revoked["tokens"][0]["id"] == beta);
  CHECK(Json(Ctl({"token", "list", "--active", "-o", "json"}, env))["tokens"].size() == 3);
  CliResult revoked_table = Ctl({"token", "list", "--revoked"}, env);
  CHECK_FALSE(absl::StrContains(revoked_table.out, "   no   "));

  CliResult get = Ctl({"token", "get", beta}, env);
  INFO(Describe(get));
  CHECK(get.exit_code == 0);
  CHECK(absl::StartsWith(get.out, absl::StrCat("ID            ", beta, "\nNAME          beta\n")));
  CHECK(absl::StrContains(get.out, "\nCREATED BY    admin (user:admin)\n"));
  nlohmann::json got = Json(Ctl({"token", "get", beta, "-o", "json"}, env))["token"];
  CHECK(got["revoked"] == true);
  CHECK(got.contains("revokedAt"));
  CHECK(got["roles"] == nlohmann::json::array({"Continuous Integration", "Analyst"}));

  CliResult missing = Ctl({"token", "get", "0b6c3c1e-5f4e-4e8e-9a57-0d3f3e1b2a10"}, env);
  INFO(Describe(missing));
  CHECK(missing.exit_code == 2);
  CHECK(absl::StartsWith(missing.err, "wardenctl: NOT_FOUND: "));
  CliResult malformed = Ctl({"token", "revoke", "not-a-uuid"}, env);
  CHECK(malformed.exit_code == 2);
  CHECK(absl::StartsWith(malformed.err, "wardenctl: INVALID_ARGUMENT: "));

  CliResult roles = Ctl({"token", "allowed-roles"}, env);
  INFO(Describe(roles));
  CHECK(roles.exit_code == 0);
  CHECK(absl::StartsWith(roles.out, "ROLE\n"));
  CHECK(absl::StrContains(roles.out, "\nAdmin\n"));
  CHECK(absl::StrContains(roles.out, "\nAnalyst\n"));
  CHECK_FALSE(absl::StrContains(roles.out, "\nNone\n"));
  nlohmann::json role_names = Json(Ctl({"token", "allowed-roles", "-o", "json"}, env));
  CHECK(std::count(role_names["roleNames"].begin(), role_names["roleNames"].end(), "Analyst") == 1);
}

// Mints faster than the default GenerateToken rate allows.
struct UnlimitedCliFixture : CliFixture {
  UnlimitedCliFixture()
      : CliFixture(std::map<std::string, std::string>{{"WARDEN_GENERATE_RATE_LIMIT", "0"}}) {}
};

TEST_CASE_METHOD(UnlimitedCliFixture, "token list pages through more than one page") {
  v1::GenerateTokenResponse admin = Mint("cli admin", {"Admin"});
  for (int i = 0; i < 120; ++i) Mint(absl::StrCat("bulk ", i), {"Analyst"});
  const std::map<std::string, std::string> env = {{"WARDEN_TOKEN", admin.token()}};
  nlohmann::json all = Json(Ctl({"token", "list", "-o", "json"}, env));
  REQUIRE(all["tokens"].size() == 121);
  CHECK(all["tokens"][120]["name"] == "bulk 119");  // oldest first, none lost or repeated
  CHECK(all["nextPageToken"] == "");
  CHECK(Json(Ctl({"token", "list", "--limit", "110", "-o", "json"}, env))["tokens"].size() == 110);
  CliResult table = Ctl({"token", "list"}, env);
  CHECK(std::count(table.out.begin(), table.out.end(), '\n') == 122);
}

TEST_CASE_METHOD(CliFixture,
                 "token list --expiring lists the live tokens that expire soon, soonest first, "
                 "with a banner on stderr") {
  v1::GenerateTokenResponse admin = Mint("cli admin", {"Admin"});  // expires in a year
  const std::map<std::string, std::string> env = {{"WARDEN_TOKEN", admin.token()}};
  const absl::Time now = absl::Now();
  auto soon =
      api_.Generate(admin_, "soon", {"Analyst", "Continuous Integration"}, now + absl::Hours(2));
  auto later = api_.Generate(admin_, "later", {"Analyst"}, now + absl::Hours(100));
  auto revoked = api_.Generate(admin_, "revoked soon", {"Analyst"}, now + absl::Hours(2));
  REQUIRE((soon.ok() && later.ok() && revoked.ok()));
  REQUIRE(api_.Revoke(admin_, revoked.response.metadata().id()).ok());
  const v1::TokenMetadata& soon_token = soon.response.metadata();

  CliResult list = Ctl({"token", "list", "--expiring", "--within", "5h"}, env);
  INFO(Describe(list));
  REQUIRE(list.exit_code == 0);
  CHECK(list.err == "WARNING: 1 token(s) expire within 5h — rotate them before they lapse.\n");
  CHECK_FALSE(absl::StrContains(list.out, "WARNING"));
  std::vector<std::string> lines = absl::StrSplit(absl::StripSuffix(list.out, "\n"), '\n');
  REQUIRE(lines.size() == 2);
  CHECK(absl::StartsWith(lines[0], "ID "));
  CHECK(lines[0].find("NAME") < lines[0].find("ROLES"));
  CHECK(lines[0].find("ROLES") < lines[0].find("EXPIRES"));
  CHECK(absl::EndsWith(lines[0], "   TIME LEFT"));
  CHECK(absl::StartsWith(lines[1], soon_token.id()));
  CHECK(lines[1].substr(lines[0].find("NAME"), 5) == "soon ");
  CHECK(lines[1].substr(lines[0].find("ROLES"), 31) == "Analyst, Continuous Integration");
  const std::string expires = absl::FormatTime(
      "%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(soon_token.expiration().seconds()),
      absl::UTCTimeZone());
  CHECK(lines[1].substr(lines[0].find("EXPIRES"), expires.size()) == expires);
  const std::string time_left = lines[1].substr(lines[0].find("TIME LEFT"));
  CHECK((time_left == "1h 59m" || time_left == "2h 0m"));

  // -o json: every page as one response, stdout JSON alone, the banner still on stderr.
  CliResult json_run = Ctl({"token", "list", "--expiring", "--within", "5h", "-o", "json"}, env);
  nlohmann::json json = Json(json_run);
  CHECK(absl::StartsWith(json_run.err, "WARNING: 1 token(s) expire within 5h"));
  REQUIRE(json["tokens"].size() == 1);
  CHECK(json["tokens"][0]["token"]["id"] == soon_token.id());
  CHECK(json["tokens"][0]["token"]["name"] == "soon");
  const std::string left = json["tokens"][0]["timeLeft"];  // "7199.5s"
  CHECK(std::stod(left.substr(0, left.size() - 1)) == Approx(7200).margin(60));
  CHECK(json["within"] == "18000s");
  CHECK(json["nextPageToken"] == "");

  // The server's window (168h) when --within is not given: both, soonest first.
  CliResult default_window = Ctl({"token", "list", "--expiring"}, env);
  INFO(Describe(default_window));
  REQUIRE(default_window.exit_code == 0);
  CHECK(absl::StartsWith(default_window.err, "WARNING: 2 token(s) expire within 168h — "));
  nlohmann::json both = Json(Ctl({"token", "list", "--expiring", "-o", "json"}, env));
  REQUIRE(both["tokens"].size() == 2);
  CHECK(both["tokens"][0]["token"]["name"] == "soon");
  CHECK(both["tokens"][1]["token"]["name"] == "later");
  CHECK(both["within"] == "604800s");
  CliResult limited_run =
      Ctl({"token", "list", "--expiring", "--within", "7d", "--limit", "1", "-o", "json"}, env);
  nlohmann::json limited = Json(limited_run);
  REQUIRE(limited["tokens"].size() == 1);
  CHECK(limited["tokens"][0]["token"]["name"] == "soon");
  CHECK(absl::StartsWith(limited_run.err, "WARNING: at least 1 token(s) expire within 168h"));

  // None in the window: no table, the all-clear on stderr, exit 0.
  CliResult none = Ctl({"token", "list", "--expiring", "--within", "1h"}, env);
  INFO(Describe(none));
  CHECK(none.exit_code == 0);
  CHECK(none.out.empty());
  CHECK(none.err == "No tokens expire within 1h.\n");
  CliResult none_json = Ctl({"token", "list", "--expiring", "--within", "90m", "-o", "json"}, env);
  nlohmann::json empty = Json(none_json);
  CHECK(empty["tokens"].empty());
  CHECK(empty["within"] == "5400s");
  CHECK(none_json.err == "No tokens expire within 1h30m.\n");

  // Usage errors: exit 1 before anything is sent.
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"token", "list", "--expiring", "--revoked"},
           {"token", "list", "--expiring", "--all"},
           {"token", "list", "--within", "5h"},
           {"token", "list", "--expiring", "--within", "soon"},
           {"token", "list", "--expiring", "--within", "0s"},
           {"token", "list", "--expiring", "--within", "9000h"}}) {
    CliResult usage = Ctl(args, env);
    INFO(Describe(usage));
    CHECK(usage.exit_code == 1);
    CHECK(usage.out.empty());
    CHECK(absl::StartsWith(usage.err, "wardenctl token list: "));
  }
}

// A server whose detection window is 3h: --expiring without --within uses it.
class ShortWindowFixture : public CliFixture {
 public:
  ShortWindowFixture()
      : CliFixture(
            std::map<std::string, std::string>{{"ROX_TOKEN_EXPIRATION_DETECTION_WINDOW", "3h"}}) {}
};

TEST_CASE_METHOD(ShortWindowFixture, "token list --expiring defaults to the server's window") {
  v1::GenerateTokenResponse admin = Mint("cli admin", {"Admin"});
  const std::map<std::string, std::string> env = {{"WARDEN_TOKEN", admin.token()}};
  REQUIRE(api_.Generate(admin_, "soon", {"Analyst"}, absl::Now() + absl::Hours(2)).ok());
  REQUIRE(api_.Generate(admin_, "later", {"Analyst"}, absl::Now() + absl::Hours(4)).ok());
  CliResult list = Ctl({"token", "list", "--expiring"}, env);
  INFO(Describe(list));
  REQUIRE(list.exit_code == 0);
  CHECK(list.err == "WARNING: 1 token(s) expire within 3h — rotate them before they lapse.\n");
  CHECK(std::count(list.out.begin(), list.out.end(), '\n') == 2);
  CHECK(absl::StrContains(list.out, "   soon   "));
}

// A server that writes recorded token uses every 100 ms instead of every minute.
class QuickLastUsedFixture : public CliFixture {
 public:
  QuickLastUsedFixture()
      : CliFixture(
            std::map<std::string, std::string>{{"WARDEN_LAST_USED_FLUSH_INTERVAL", "100ms"}}) {}

  // Polls until the server has written a last use of each of `ids` (the flush runs on its
  // own schedule), failing the test after 30 s.
  void WaitUntilUsed(const std::vector<std::string>& ids) {
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    for (const std::string& id : ids) {
      while (true) {
        auto got = api_.Get(admin_, id);
        if (got.ok() && got.response.token().has_last_used_at()) break;
        REQUIRE(absl::Now() < deadline);
        absl::SleepFor(absl::Milliseconds(20));
      }
    }
  }
};

TEST_CASE_METHOD(QuickLastUsedFixture,
                 "token list shows LAST USED and --unused-since lists the tokens not used since") {
  v1::GenerateTokenResponse admin = Mint("cli admin", {"Admin"});
  const std::map<std::string, std::string> env = {{"WARDEN_TOKEN", admin.token()}};
  v1::GenerateTokenResponse used = Mint("used", {"Analyst"});
  const std::string idle = Mint("idle", {"Analyst"}).metadata().id();
  REQUIRE(api_.AuthStatus(Bearer(used.token())).ok());
  REQUIRE(api_.AuthStatus(Bearer(admin.token())).ok());
  WaitUntilUsed({used.metadata().id(), admin.metadata().id()});
  const std::string used_at = absl::FormatTime(
      "%Y-%m-%dT%H:%M:%SZ",
      absl::FromUnixSeconds(
          api_.Get(admin_, used.metadata().id()).response.token().last_used_at().seconds()),
      absl::UTCTimeZone());

  CliResult list = Ctl({"token", "list"}, env);
  INFO(Describe(list));
  REQUIRE(list.exit_code == 0);
  std::vector<std::string> lines = absl::StrSplit(absl::StripSuffix(list.out, "\n"), '\n');
  REQUIRE(lines.size() == 4);
  const size_t last_used_column = lines[0].find("LAST USED");
  REQUIRE(last_used_column != std::string::npos);
  CHECK(lines[0].find("EXPIRES") < last_used_column);
  CHECK(last_used_column < lines[0].find("REVOKED"));
  CHECK(lines[2].substr(lines[0].find("NAME"), 5) == "used ");
  CHECK(lines[2].substr(last_used_column, used_at.size()) == used_at);
  CHECK(absl::StartsWith(lines[3], idle));
  CHECK(lines[3].substr(last_used_column, 6) == "never ");

  CliResult get = Ctl({"token", "get", idle}, env);
  CHECK(absl::StrContains(get.out, "\nLAST USED     never\n"));
  nlohmann::json got = Json(Ctl({"token", "get", used.metadata().id(), "-o", "json"}, env));
  // RFC 3339 with the stored fraction of a second.
  CHECK(absl::StartsWith(got["token"]["lastUsedAt"].get<std::string>(),
                         std::string(absl::StripSuffix(used_at, "Z"))));

  // A duration means that long ago; the used tokens were used within the last hour.
  nlohmann::json stale = Json(Ctl({"token", "list", "--unused-since", "1h", "-o", "json"}, env));
  REQUIRE(stale["tokens"].size() == 1);
  CHECK(stale["tokens"][0]["id"] == idle);
  CHECK_FALSE(stale["tokens"][0].contains("lastUsedAt"));
  CHECK(Json(Ctl({"token", "list", "--unused-since", "30d", "-o", "json"}, env))["tokens"].size() ==
        1);
  // An RFC 3339 time: an hour from now, every token was last used (or never) before it.
  const std::string in_an_hour =
      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now() + absl::Hours(1), absl::UTCTimeZone());
  CliResult later = Ctl({"token", "list", "--unused-since", in_an_hour, "--active"}, env);
  INFO(Describe(later));
  REQUIRE(later.exit_code == 0);
  CHECK(std::count(later.out.begin(), later.out.end(), '\n') == 4);
  CHECK(Json(Ctl({"token", "list", "--unused-since", in_an_hour, "--limit", "2", "-o", "json"},
                 env))["tokens"]
            .size() == 2);

  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"token", "list", "--unused-since", "lately"},
           {"token", "list", "--unused-since", "0s"},
           {"token", "list", "--unused-since", "1h", "--expiring"}}) {
    CliResult usage = Ctl(args, env);
    INFO(Describe(usage));
    CHECK(usage.exit_code == 1);
    CHECK(usage.out.empty());
    CHECK(absl::StartsWith(usage.err, "wardenctl token list: "));
  }
}

}  // namespace
}  // namespace warden::testing
