// wardenctl as a subprocess where no server is needed: help, usage errors, completion, and
// an endpoint where nothing listens.

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "tests/cli/wardenctl_runner.h"
#include "tests/support/free_port.h"

namespace warden::testing {
namespace {

bool OneLine(const std::string& text) {
  return !text.empty() && text.find('\n') == text.size() - 1;
}

TEST_CASE("wardenctl --help lists every command, global flag and exit code") {
  WardenctlRunner cli;
  CliResult help = cli.Run({"--help"});
  INFO(Describe(help));
  CHECK(help.exit_code == 0);
  for (const char* text :
       {"login", "logout", "whoami", "token", "role", "permission-set", "scope", "completion",
        "--endpoint", "--token-file", "--ca-file", "--timeout", "-o, --output", "WARDEN_ENDPOINT",
        "WARDEN_TOKEN", "Exit codes", "3  Warden could not"}) {
    CHECK(absl::StrContains(help.out, text));
  }
  CHECK(cli.Run({}).out == help.out);
  CHECK(cli.Run({"help"}).out == help.out);
}

TEST_CASE("every command's --help shows its usage and flags") {
  WardenctlRunner cli;
  const std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> commands = {
      {{"login"}, {"--password-file", "--lifetime", "12h"}},
      {{"logout"}, {"Revoke the login session"}},
      {{"whoami"}, {"kind, id, name, roles, expiry"}},
      {{"token"}, {"create", "list", "get", "rotate", "revoke", "allowed-roles"}},
      {{"token", "create"},
       {"--name", "--role", "--description TEXT", "--expires-in", "--expiration", "--output-file",
        "0600"}},
      {{"token", "list"},
       {"--revoked", "--active", "--all", "--limit", "--expiring", "--within DURATION",
        "--unused-since WHEN", "--created-by WHO", "LAST USED"}},
      {{"token", "get"}, {"wardenctl token get [flags] ID"}},
      {{"token", "revoke"},
       {"wardenctl token revoke [flags] [ID]", "--cascade", "--created-by WHO"}},
      {{"token", "rotate"},
       {"wardenctl token rotate [flags] ID", "--overlap DURATION", "--expires-in",
        "--output-file"}},
      {{"token", "allowed-roles"}, {"roles"}},
      {{"role"}, {"list", "get", "create", "update", "delete", "read-only"}},
      {{"role", "create"}, {"--permission-set", "--scope", "--description", "-f, --file", "YAML"}},
      {{"role", "update"}, {"wardenctl role update [flags] NAME", "--permission-set"}},
      {{"role", "delete"}, {"names the tokens"}},
      {{"permission-set"}, {"list", "get", "create", "update", "delete", "NAME_OR_ID"}},
      {{"permission-set", "create"},
       {"--grant RESOURCE=LEVEL", "READ_WRITE_ACCESS", "read-write", "-f, --file"}},
      {{"permission-set", "update"}, {"--name", "--grant", "--remove"}},
      {{"permission-set", "get"}, {"wardenctl permission-set get [flags] NAME_OR_ID"}},
      {{"scope"}, {"list", "get", "create", "update", "delete", "Unrestricted"}},
      {{"scope", "create"}, {"--cluster CLUSTER", "--namespace CLUSTER/NS", "-f, --file"}},
      {{"scope", "update"}, {"--remove-cluster", "--remove-namespace"}},
      {{"completion"}, {"bash"}},
  };
  for (const auto& [words, expected] : commands) {
    std::vector<std::string> args = words;
    args.push_back("--help");
    CliResult help = cli.Run(args);
    INFO(Describe(help));
    CHECK(help.exit_code == 0);
    CHECK(help.err.empty());
    CHECK(absl::StrContains(help.out, "Usage:"));
    CHECK(absl::StrContains(help.out, "Global flags:"));
    for (const std::string& text : expected) CHECK(absl::StrContains(help.out, text));
  }
  CHECK(cli.Run({"help", "token", "create"}).out == cli.Run({"token", "create", "-h"}).out);
}

TEST_CASE("usage errors exit 1 with one line that says where to look") {
  WardenctlRunner cli;
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"tokens"}, "wardenctl: unknown command \"tokens\" (see `wardenctl --help`)"},
      {{"token"}, "a command is required: create, list, get, rotate, revoke, allowed-roles"},
      {{"token", "create", "--role", "Analyst"}, "--name is required"},
      {{"token", "create", "--name", "x"}, "at least one --role is required"},
      {{"token", "create", "--name", "x", "--role", "A", "--expires-in", "soon"},
       "--expires-in must be a positive duration"},
      {{"token", "create", "--name", "x", "--role", "A", "--expiration", "tomorrow"},
       "--expiration must be an RFC 3339 time"},
      {{"token", "create", "--name", "x", "--role", "A", "--expires-in", "1h", "--expiration",
        "2030-01-01T00:00:00Z"},
       "mutually exclusive"},
      {{"token", "get"}, "missing argument ID (see `wardenctl token get --help`)"},
      {{"token", "revoke", "a", "b"}, "unexpected argument \"b\""},
      {{"token", "list", "--revoked", "--active"}, "mutually exclusive"},
      {{"token", "list", "--limit", "0"}, "--limit must be a positive number"},
      {{"token", "list", "--expiring", "--revoked"}, "cannot be combined with --revoked or --all"},
      {{"token", "list", "--expiring", "--all"}, "cannot be combined with --revoked or --all"},
      {{"token", "list", "--within", "5h"}, "--within needs --expiring"},
      {{"token", "list", "--expiring", "--within", "soon"}, "--within must be a positive duration"},
      {{"token", "list", "--expiring", "--within", "-5h"}, "--within must be a positive duration"},
      {{"token", "list", "--expiring", "--within", "9000h"},
       "--within must be between 1s and 8760h"},
      {{"token", "list", "--expiring", "--within", "500ms"}, "--within must be between 1s and"},
      {{"token", "list", "--unused-since", "lately"},
       "--unused-since must be a duration such as 90d or 720h (that long ago) or an RFC 3339"},
      {{"token", "list", "--unused-since", "-1h"}, "--unused-since must be a duration"},
      {{"token", "list", "--expiring", "--unused-since", "90d"},
       "--expiring cannot be combined with --unused-since"},
      {{"whoami", "--bogus"}, "unknown flag --bogus"},
      {{"whoami", "-o", "yaml"}, "--output must be one of table, json"},
      {{"whoami", "--timeout", "forever"}, "--timeout must be a positive duration"},
      {{"whoami", "--token", "a", "--token-file", "b"}, "mutually exclusive"},
      {{"whoami", "--token-file", "/nonexistent/token"}, "cannot read token file"},
      {{"completion", "zsh"}, "only bash is supported"},
      {{"role"}, "a command is required: list, get, create, update, delete"},
      {{"role", "get"}, "missing argument NAME (see `wardenctl role get --help`)"},
      {{"role", "create"}, "missing argument NAME (or --file FILE)"},
      {{"role", "create", "r"}, "--permission-set is required"},
      {{"role", "create", "r", "-f", "r.yaml"}, "--file takes the whole role"},
      {{"role", "update", "r"}, "nothing to change"},
      {{"role", "delete"}, "missing argument NAME"},
      {{"role", "list", "extra"}, "unexpected argument \"extra\""},
      {{"permission-set", "create"}, "missing argument NAME (or --file FILE)"},
      {{"permission-set", "create", "p", "--grant", "Image"}, "must be RESOURCE=LEVEL"},
      {{"permission-set", "create", "p", "--grant", "Image=write"},
       "the access level \"write\" is not READ_ACCESS"},
      {{"permission-set", "create", "p", "--grant", "Image=r", "--grant", "Image=rw"},
       "names resource \"Image\" twice"},
      {{"permission-set", "update", "p"}, "nothing to change"},
      {{"permission-set", "update", "p", "--grant", "Image=r", "--remove", "Image"},
       "both granted and removed"},
      {{"permission-set", "delete"}, "missing argument NAME_OR_ID"},
      {{"permission-set", "create", "-f", "/nonexistent/set.yaml"},
       "cannot read /nonexistent/set.yaml"},
      {{"scope", "create", "s", "--namespace", "payments"}, "must be CLUSTER/NAMESPACE"},
      {{"scope", "create", "s", "--cluster", "c", "--cluster", "c"}, "given twice"},
      {{"scope", "update", "s", "--remove-namespace", "x"},
       "--remove-namespace \"x\" must be CLUSTER/NAMESPACE"},
      {{"scope", "get"}, "missing argument NAME_OR_ID"},
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

TEST_CASE("an endpoint where nothing listens exits 3 and says what to check") {
  WardenctlRunner cli;
  const std::string endpoint = absl::StrCat("127.0.0.1:", FreeTcpPort());
  absl::Time start = absl::Now();
  CliResult flag = cli.Run({"whoami", "--endpoint", endpoint, "--token", "t"});
  INFO(Describe(flag));
  CHECK(flag.exit_code == 3);
  CHECK(flag.out.empty());
  CHECK(OneLine(flag.err));
  CHECK(absl::StartsWith(
      flag.err, absl::StrCat("wardenctl: UNAVAILABLE: cannot reach Warden at ", endpoint, ": ")));
  CHECK(absl::StrContains(flag.err, "is the server running? (--endpoint / WARDEN_ENDPOINT)"));
  CHECK(absl::Now() - start < absl::Seconds(8));  // retried briefly, not for the whole timeout

  CliResult env = cli.Run({"token", "list"}, {{"WARDEN_ENDPOINT", endpoint}});
  INFO(Describe(env));
  CHECK(env.exit_code == 3);
  CHECK(absl::StrContains(env.err, endpoint));
  // Not retried (a lost answer would be a second token), and the same exit code.
  CHECK(cli.Run({"token", "create", "--name", "x", "--role", "Analyst", "--endpoint", endpoint})
            .exit_code == 3);
}

TEST_CASE("credentials are not sent in cleartext to a remote endpoint without consent") {
  // Nothing listens at 10.1.2.3, and nothing is sent there: the refusal comes first.
  WardenctlRunner cli;
  const std::string password_file = cli.directory() + "/admin-password";
  std::ofstream(password_file) << "hunter2\n";
  const std::string id_token_file = cli.directory() + "/id-token";
  std::ofstream(id_token_file) << "t0k\n";
  struct Case {
    std::vector<std::string> args;
    std::map<std::string, std::string> env;
    std::string credential;
  };
  const std::vector<Case> cases = {
      {{"whoami", "--endpoint", "10.1.2.3:8443", "--token", "t0k"}, {}, "bearer token"},
      {{"token", "list"},
       {{"WARDEN_ENDPOINT", "10.1.2.3:8443"}, {"WARDEN_TOKEN", "t0k"}},
       "bearer token"},
      {{"login", "--endpoint", "10.1.2.3:8443", "--password-file", password_file},
       {},
       "admin password"},
      {{"m2m", "exchange", "--endpoint", "10.1.2.3:8443", "--token-file", id_token_file},
       {},
       "ID token"},
      {{"whoami", "--endpoint", "warden.example:8443", "--token", "t0k"},
       {{"WARDEN_INSECURE_PLAINTEXT", "false"}},
       "bearer token"},
  };
  for (const Case& c : cases) {
    CliResult result = cli.Run(c.args, c.env);
    INFO(absl::StrJoin(c.args, " ") << "\n" << Describe(result));
    CHECK(result.exit_code == 1);
    CHECK(result.out.empty());
    CHECK(OneLine(result.err));
    CHECK(absl::StrContains(
        result.err, absl::StrCat(": refusing to send the ", c.credential, " in cleartext to ")));
    CHECK(absl::StrContains(result.err, "use --tls or --ca-file, or pass --insecure-plaintext"));
    CHECK_FALSE(absl::StrContains(result.err, "hunter2"));
    CHECK_FALSE(absl::StrContains(result.err, "t0k"));
  }
  CliResult env = cli.Run({"whoami", "--endpoint", "10.1.2.3:8443", "--token", "t0k"},
                          {{"WARDEN_INSECURE_PLAINTEXT", "maybe"}});
  CHECK(env.exit_code == 1);
  CHECK(absl::StrContains(env.err, "WARDEN_INSECURE_PLAINTEXT must be true or false"));
}

TEST_CASE("a malformed session file is one error line naming the file and field, exit 1") {
  WardenctlRunner cli;
  std::filesystem::create_directories(cli.directory() + "/config/warden");
  std::ofstream(cli.config_path())
      << R"({"endpoint": "127.0.0.1:1", "tls": "yes", "token": "t0k"})";
  CliResult result = cli.Run({"whoami"});
  INFO(Describe(result));
  CHECK(result.exit_code == 1);
  CHECK(result.out.empty());
  CHECK(result.err == absl::StrCat("wardenctl: ", cli.config_path(),
                                   " has field \"tls\" of type string; it must be true or "
                                   "false; fix it or run `wardenctl login` again\n"));
}

TEST_CASE("login without a terminal or --password-file asks for the file") {
  WardenctlRunner cli;
  // setsid: a new session with no controlling terminal, as in CI.
  CliResult result = cli.RunProgram({"setsid", "-w", WardenctlBinary(), "login", "--endpoint",
                                     absl::StrCat("127.0.0.1:", FreeTcpPort())});
  INFO(Describe(result));
  CHECK(result.exit_code == 1);
  CHECK(absl::StrContains(result.err,
                          "no terminal to ask for the password on; pass "
                          "--password-file"));
}

TEST_CASE("bash completion completes commands, flags and flag values") {
  WardenctlRunner cli;
  CHECK(Complete(cli, "wardenctl to") == "token");
  CHECK(Complete(cli, "wardenctl token ") == "create list get rotate revoke allowed-roles");
  CHECK(Complete(cli, "wardenctl --endpoint h:1 token c") == "create");
  CHECK(Complete(cli, "wardenctl token create --na") == "--name");
  CHECK(Complete(cli, "wardenctl token create --expires-in 1h --output") ==
        "--output-file --output");
  CHECK(Complete(cli, "wardenctl token list --re") == "--revoked");
  CHECK(Complete(cli, "wardenctl token list --un") == "--unused-since");
  CHECK(Complete(cli, "wardenctl token list --unused-since ") == "");  // a value, not a flag
  CHECK(Complete(cli, "wardenctl whoami -o ") == "table json");
  CHECK(Complete(cli, "wardenctl completion ") == "bash");
  CHECK(Complete(cli, "wardenctl token get --tok") == "--token --token-file");
  CHECK(Complete(cli, "wardenctl token create --name ") == "");
  CHECK(Complete(cli, "wardenctl r") == "role");
  CHECK(Complete(cli, "wardenctl p") == "permission-set");
  CHECK(Complete(cli, "wardenctl role ") == "list get create update delete");
  CHECK(Complete(cli, "wardenctl permission-set create --g") == "--grant");
  CHECK(Complete(cli, "wardenctl scope update team-a --remove-") ==
        "--remove-cluster --remove-namespace");
  CHECK(Complete(cli, "wardenctl role create --permission-set ") == "");
}

TEST_CASE("wardenctl version prints the version") {
  WardenctlRunner cli;
  CliResult result = cli.Run({"version"});
  CHECK(result.exit_code == 0);
  CHECK(absl::StartsWith(result.out, "wardenctl 0."));
}

}  // namespace
}  // namespace warden::testing
