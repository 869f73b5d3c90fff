// `wardenctl auth-provider` and `wardenctl login --provider`'s parts that need no server:
// provider files, the tables and lines they print, and the command line (help, usage
// errors, completion) as a subprocess.

#include <catch2/catch.hpp>
#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/wardenctl/auth_provider_input.h"
#include "client/wardenctl/login_commands.h"
#include "client/wardenctl/provider_login.h"
#include "client/wardenctl/token_commands.h"
#include "tests/cli/wardenctl_runner.h"

namespace warden::cli {
namespace {

using testing::CliResult;
using testing::Complete;
using testing::Describe;
using testing::WardenctlRunner;

std::string Error(const absl::StatusOr<v1::AuthProvider>& provider) {
  REQUIRE_FALSE(provider.ok());
  CHECK(provider.status().code() == absl::StatusCode::kInvalidArgument);
  return std::string(provider.status().message());
}

TEST_CASE("provider files: YAML with the proto's names, camelCase or snake_case") {
  constexpr char kYaml[] = R"(name: corp-sso
issuer: https://login.example.com
clientId: warden
clientSecretFile: sso-secret
scopes: [openid, email, groups]
nameClaim: preferred_username
minimumRole: None
rules:
  - key: groups
    valueExpression: platform-admins
    role: Admin
  - key: org.team
    valueExpression: "a|b"
    role: Analyst
)";
  absl::StatusOr<v1::AuthProvider> provider = ParseAuthProviderText(kYaml, "sso.yaml");
  REQUIRE(provider.ok());
  CHECK(provider->name() == "corp-sso");
  CHECK(provider->issuer() == "https://login.example.com");
  CHECK(provider->client_id() == "warden");
  CHECK(provider->client_secret_file() == "sso-secret");
  CHECK(absl::StrJoin(provider->scopes(), " ") == "openid email groups");
  CHECK(provider->name_claim() == "preferred_username");
  CHECK(provider->minimum_role() == "None");
  REQUIRE(provider->rules_size() == 2);
  CHECK(provider->rules(0).key() == "groups");
  CHECK(provider->rules(0).value_expression() == "platform-admins");
  CHECK(provider->rules(0).role() == "Admin");
  CHECK(provider->rules(1).value_expression() == "a|b");

  provider = ParseAuthProviderText(
      "name: x\nissuer: https://i\nclient_id: c\nclient_secret_file: /s\nscopes: groups\n"
      "rules:\n  - {key: k, value_expression: v, role: R}\n",
      "snake.yml");
  REQUIRE(provider.ok());
  CHECK(provider->client_id() == "c");
  CHECK(provider->client_secret_file() == "/s");
  CHECK(absl::StrJoin(provider->scopes(), " ") == "groups");  // one scope as a string
  CHECK(provider->rules(0).value_expression() == "v");
}

TEST_CASE("provider files: JSON, also as `auth-provider get -o json` prints it") {
  absl::StatusOr<v1::AuthProvider> provider = ParseAuthProviderText(
      R"({"provider": {"id": "5f0c", "name": "corp", "issuer": "https://i", "clientId": "c",
          "rules": [{"key": "k", "valueExpression": "v", "role": "R"}],
          "origin": "ORIGIN_API", "revision": "3"}})",
      "p.json");
  REQUIRE(provider.ok());
  CHECK(provider->name() == "corp");
  CHECK(provider->id() == "5f0c");  // the command ignores it
  CHECK(provider->rules_size() == 1);
  provider = ParseAuthProviderText(R"({"issuer": "https://i", "clientId": "c"})", "stdin");
  REQUIRE(provider.ok());
  CHECK(provider->name().empty());  // `update` takes the name from the provider
}

TEST_CASE("a provider file that is not one valid provider says what is wrong") {
  CHECK(Error(ParseAuthProviderText(
            "name: x\nissuer: https://i\nclientId: c\nclientSecret: s3cr3t\n", "p.yaml")) ==
        "p.yaml: clientSecret is not accepted: put the secret in a file on the Warden server "
        "and name it with clientSecretFile");
  CHECK(Error(ParseAuthProviderText("name: x\nclientId: c\n", "p.yaml")) ==
        "p.yaml: issuer is required");
  CHECK(Error(ParseAuthProviderText("name: x\nissuer: https://i\n", "p.yaml")) ==
        "p.yaml: clientId is required");
  CHECK(Error(ParseAuthProviderText(
            "name: x\nissuer: https://i\nclientId: c\nrules:\n  - key: k\n    role: R\n",
            "p.yaml")) == "p.yaml: rules[0]: valueExpression is required");
  CHECK_THAT(Error(ParseAuthProviderText("name: x\nissuer: https://i\nclientId: c\nissuerr: y\n",
                                         "p.yaml")),
             Catch::StartsWith("p.yaml: ") && Catch::Contains("issuerr"));
  CHECK_THAT(Error(ParseAuthProviderText("- name: x\n", "p.yaml")), Catch::StartsWith("p.yaml"));
  CHECK_THAT(Error(ParseAuthProviderText("{\"name\": ", "p.json")), Catch::StartsWith("p.json: "));
  CHECK(Error(ParseAuthProviderText("[]", "p.json")) == "p.json: expected a JSON object");
}

v1::AuthProvider Provider(const std::string& name, int rules, v1::Origin origin) {
  v1::AuthProvider provider;
  provider.set_name(name);
  provider.set_issuer(absl::StrCat("https://", name, ".example.com"));
  provider.set_client_id("warden");
  for (int i = 0; i < rules; ++i) {
    v1::AuthProviderRule* rule = provider.add_rules();
    rule->set_key("groups");
    rule->set_value_expression(absl::StrCat("team-", i));
    rule->set_role("Analyst");
  }
  provider.set_origin(origin);
  return provider;
}

TEST_CASE("auth-provider list is a table of name, issuer, client id, rules and origin") {
  CHECK(RenderAuthProviderTable(
            {Provider("corp-sso", 2, v1::ORIGIN_API), Provider("gh", 0, v1::ORIGIN_DECLARATIVE)}) ==
        "NAME       ISSUER                         CLIENT ID   RULES   ORIGIN\n"
        "corp-sso   https://corp-sso.example.com   warden      2       api\n"
        "gh         https://gh.example.com         warden      0       declarative\n");
}

TEST_CASE("auth-provider get shows the defaults in words and the rules as a table") {
  const std::string out = RenderAuthProvider(Provider("corp-sso", 1, v1::ORIGIN_API));
  CHECK(absl::StrContains(out, "CLIENT SECRET FILE   - (public client)\n"));
  CHECK(absl::StrContains(out, "SCOPES               openid email profile (default)\n"));
  CHECK(absl::StrContains(out, "NAME CLAIM           email (default)\n"));
  CHECK(absl::StrContains(out, "MINIMUM ROLE         None\n"));
  CHECK(absl::StrContains(
      out, "\nCLAIM    VALUE EXPRESSION   ROLE\ngroups   team-0             Analyst\n"));
}

v1::SignInSession SignedIn() {
  v1::SignInSession session;
  session.set_token("secret-token");
  session.set_token_id("jti-1");
  session.mutable_expiration()->set_seconds(1893456000);
  v1::Identity* identity = session.mutable_identity();
  identity->set_kind(v1::IDENTITY_KIND_USER);
  identity->set_id("corp-sso:248289761001");
  identity->set_name("ann@example.com");
  identity->set_auth_provider("corp-sso");
  identity->add_roles("Admin");
  identity->add_roles("Analyst");
  v1::IdentityClaim* claim = identity->add_claims();
  claim->set_key("groups");
  claim->add_values("platform-admins");
  claim->add_values("eng");
  (*identity->mutable_permissions())["Access"] = v1::ACCESS_LEVEL_READ_WRITE_ACCESS;
  return session;
}

TEST_CASE("the signed-in line names the person, the provider, the roles and the expiry") {
  CHECK(SignedInLine(SignedIn(), "ignored") ==
        "Signed in as ann@example.com (corp-sso) with roles Admin, Analyst; the session "
        "expires at 2030-01-01T00:00:00Z");
  v1::SignInSession without_provider = SignedIn();
  without_provider.mutable_identity()->clear_auth_provider();
  CHECK(absl::StrContains(SignedInLine(without_provider, "flag-name"), "(flag-name)"));
}

TEST_CASE("whoami shows a person's provider and the claims sign-in used") {
  const std::string out = RenderWhoami(SignedIn().identity());
  CHECK(absl::StartsWith(out,
                         "KIND       user\n"
                         "ID         corp-sso:248289761001\n"
                         "NAME       ann@example.com\n"
                         "PROVIDER   corp-sso\n"
                         "ROLES      Admin, Analyst\n"));
  CHECK(absl::StrContains(out, "\nCLAIM    VALUES\ngroups   platform-admins, eng\n"));
  CHECK(absl::StrContains(out, "\nRESOURCE   ACCESS\nAccess     read-write\n"));
  v1::Identity admin;
  admin.set_kind(v1::IDENTITY_KIND_ADMIN);
  admin.set_name("admin");
  CHECK_FALSE(absl::StrContains(RenderWhoami(admin), "PROVIDER"));
  CHECK_FALSE(absl::StrContains(RenderWhoami(admin), "CLAIM"));
}

TEST_CASE("session names fit the server's 64 printable characters") {
  CHECK(SignInSessionName("build-7") == "wardenctl on build-7");
  CHECK(SignInSessionName("a\nb") == "wardenctl on a?b");
  CHECK(SignInSessionName(std::string(100, 'h')).size() == 64);
  // Cut at a character boundary: 13 one-byte and 51 two-byte characters.
  std::string umlauts;
  for (int i = 0; i < 60; ++i) umlauts += "\xc3\xa4";
  const std::string cut = SignInSessionName(umlauts);
  CHECK(cut.size() == 13 + 51 * 2);
}

TEST_CASE("device sign-in polls at the provider's interval, slower after each slow_down") {
  CHECK(DevicePollInterval(5, 0) == absl::Seconds(5));
  CHECK(DevicePollInterval(0, 0) == absl::Seconds(5));
  CHECK(DevicePollInterval(2, 5) == absl::Seconds(7));
  CHECK(DevicePollInterval(2, -1) == absl::Seconds(2));
}

TEST_CASE("token lists name the creator, falling back to created_by") {
  v1::TokenMetadata token;
  token.set_created_by("user:corp-sso:248289761001");
  CHECK(CreatorCell(token) == "user:corp-sso:248289761001");
  token.set_created_by_name("ann@example.com");
  CHECK(CreatorCell(token) == "ann@example.com");
}

TEST_CASE("wardenctl auth-provider and login --provider have help and completion") {
  WardenctlRunner cli;
  CliResult help = cli.Run({"--help"});
  CHECK(absl::StrContains(help.out, "auth-provider"));
  CHECK(absl::StrContains(help.out, "login --provider"));
  help = cli.Run({"login", "--help"});
  INFO(Describe(help));
  for (const char* text :
       {"--provider NAME", "--device", "--no-browser", "--timeout DURATION",
        "http://127.0.0.1:<port>/callback", "Open this URL to sign in", "--password-file"}) {
    CHECK(absl::StrContains(help.out, text));
  }
  help = cli.Run({"auth-provider", "--help"});
  for (const char* text : {"list", "get", "add", "update", "delete"}) {
    CHECK(absl::StrContains(help.out, text));
  }
  help = cli.Run({"auth-provider", "add", "--help"});
  for (const char* text : {"-f, --file FILE", "clientSecretFile", "valueExpression"}) {
    CHECK(absl::StrContains(help.out, text));
  }
  CHECK(absl::StrContains(cli.Run({"auth-provider", "update", "--help"}).out,
                          "wardenctl auth-provider update [flags] NAME_OR_ID"));
  CHECK(Complete(cli, "wardenctl auth") == "auth-provider");
  CHECK(Complete(cli, "wardenctl auth-provider ") == "list get add update delete");
  CHECK(Complete(cli, "wardenctl login --p") == "--password-file --provider");
  CHECK(Complete(cli, "wardenctl login --provider ") == "");
}

bool OneLine(const std::string& text) {
  return !text.empty() && text.find('\n') == text.size() - 1;
}

TEST_CASE("login --provider and auth-provider usage errors exit 1 with one line") {
  WardenctlRunner cli;
  const std::string bad = cli.directory() + "/bad.yaml";
  std::ofstream(bad) << "name: x\nissuer: https://i\n";
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"login", "--device"}, "--device needs --provider NAME"},
      {{"login", "--no-browser"}, "--no-browser needs --provider NAME"},
      {{"login", "--provider", ""}, "--provider needs a provider's name"},
      {{"login", "--provider", "corp", "--password-file", "f"},
       "--password-file is for the admin password"},
      {{"login", "--provider", "corp", "--device", "--no-browser"}, "implied by --device"},
      {{"login", "--provider", "corp", "--timeout", "soon"}, "--timeout must be a positive"},
      {{"auth-provider"}, "a command is required: list, get, add, update, delete"},
      {{"auth-provider", "add"}, "--file FILE is required"},
      {{"auth-provider", "add", "-f", bad}, "bad.yaml: clientId is required"},
      {{"auth-provider", "add", "-f", "/nonexistent/p.yaml"}, "cannot read /nonexistent/p.yaml"},
      {{"auth-provider", "get"}, "missing argument NAME_OR_ID"},
      {{"auth-provider", "update", "x"}, "--file FILE is required"},
      {{"auth-provider", "delete", "a", "b"}, "unexpected argument \"b\""},
  };
  for (const Case& c : cases) {
    CliResult result = cli.Run(c.args);
    INFO(absl::StrJoin(c.args, " ") << "\n" << Describe(result));
    CHECK(result.exit_code == 1);
    CHECK(result.out.empty());
    CHECK(OneLine(result.err));
    CHECK(absl::StartsWith(result.err, "wardenctl"));
    CHECK(absl::StrContains(result.err, c.message));
  }
}

TEST_CASE("login --provider to an endpoint where nothing listens exits 3 before printing a URL") {
  WardenctlRunner cli;
  CliResult result =
      cli.Run({"login", "--provider", "corp", "--endpoint", "127.0.0.1:1", "--no-browser"});
  INFO(Describe(result));
  CHECK(result.exit_code == 3);
  CHECK_FALSE(absl::StrContains(result.err, "Open this URL"));
  CHECK(absl::StrContains(result.err, "cannot reach Warden at 127.0.0.1:1"));
}

TEST_CASE("login --provider refuses to send sign-in codes in cleartext to a remote endpoint") {
  WardenctlRunner cli;
  CliResult result = cli.Run({"login", "--provider", "corp", "--endpoint", "10.1.2.3:8443"});
  INFO(Describe(result));
  CHECK(result.exit_code == 1);
  CHECK(absl::StrContains(result.err, "refusing to send the sign-in code in cleartext"));
}

}  // namespace
}  // namespace warden::cli
