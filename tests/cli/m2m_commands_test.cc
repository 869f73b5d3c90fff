// `wardenctl m2m`'s parts that need no server: --map and --type values, config files, and
// the command line (help, usage errors, completion) as a subprocess.

#include "client/wardenctl/m2m_commands.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "tests/cli/wardenctl_runner.h"

namespace warden::cli {
namespace {

std::string Error(const absl::Status& status) {
  CHECK(status.code() == absl::StatusCode::kInvalidArgument);
  return std::string(status.message());
}

TEST_CASE("a mapping (--map) is KEY=REGEX=ROLE, split at the first and the last '='") {
  auto mapping = ParseMapping("repository=org/repo=Continuous Integration");
  REQUIRE(mapping.ok());
  CHECK(mapping->key() == "repository");
  CHECK(mapping->value_expression() == "org/repo");
  CHECK(mapping->role() == "Continuous Integration");

  // The expression may hold '=' (and ':' and anything else); key and role may not.
  mapping = ParseMapping("ref=refs/heads/(a=b|main)=Analyst");
  REQUIRE(mapping.ok());
  CHECK(mapping->key() == "ref");
  CHECK(mapping->value_expression() == "refs/heads/(a=b|main)");
  CHECK(mapping->role() == "Analyst");
  mapping = ParseMapping("kubernetes.io.namespace=ci|prod=Admin");
  REQUIRE(mapping.ok());
  CHECK(mapping->key() == "kubernetes.io.namespace");
  CHECK(mapping->value_expression() == "ci|prod");
  mapping = ParseMapping("sub=system:serviceaccount:ci:.*=Analyst");
  REQUIRE(mapping.ok());
  CHECK(mapping->value_expression() == "system:serviceaccount:ci:.*");

  for (const char* text : {"", "repository", "repository=org/repo", "=", "role=Admin"}) {
    INFO(text);
    auto bad = ParseMapping(text);
    REQUIRE_FALSE(bad.ok());
    CHECK(Error(bad.status()) ==
          absl::StrCat("--map \"", text,
                       "\" must be KEY=REGEX=ROLE, e.g. repository=my-org/deploy=Analyst"));
  }
  CHECK_THAT(Error(ParseMapping("=org/repo=Analyst").status()),
             Catch::Contains("the claim KEY is empty"));
  CHECK_THAT(Error(ParseMapping("repository==Analyst").status()),
             Catch::Contains("the REGEX is empty"));
  CHECK_THAT(Error(ParseMapping("repository=org/repo=").status()),
             Catch::Contains("the ROLE is empty"));
  CHECK_THAT(Error(ParseMapping("==").status()), Catch::Contains("the claim KEY is empty"));
}

TEST_CASE("config types: the flag's words and the enum's names, any case") {
  using v1::AUTH_MACHINE_TO_MACHINE_CONFIG_TYPE_GENERIC;
  using v1::AUTH_MACHINE_TO_MACHINE_CONFIG_TYPE_GITHUB_ACTIONS;
  using v1::AUTH_MACHINE_TO_MACHINE_CONFIG_TYPE_KUBE_SERVICE_ACCOUNT;
  for (const char* text : {"github-actions", "GITHUB_ACTIONS", "Github-Actions",
                           "AUTH_MACHINE_TO_MACHINE_CONFIG_TYPE_GITHUB_ACTIONS"}) {
    INFO(text);
    CHECK(ParseM2mType(text) == AUTH_MACHINE_TO_MACHINE_CONFIG_TYPE_GITHUB_ACTIONS);
  }
  CHECK(ParseM2mType("generic") == AUTH_MACHINE_TO_MACHINE_CONFIG_TYPE_GENERIC);
  CHECK(ParseM2mType("kube-service-account") ==
        AUTH_MACHINE_TO_MACHINE_CONFIG_TYPE_KUBE_SERVICE_ACCOUNT);
  for (const char* text : {"", "github", "unspecified", "AUTH_MACHINE_TO_MACHINE_CONFIG_TYPE_",
                           "kube service account"}) {
    INFO(text);
    CHECK_FALSE(ParseM2mType(text).has_value());
  }
  CHECK(M2mTypeName(AUTH_MACHINE_TO_MACHINE_CONFIG_TYPE_GITHUB_ACTIONS) == "github-actions");
  CHECK(M2mTypeName(AUTH_MACHINE_TO_MACHINE_CONFIG_TYPE_KUBE_SERVICE_ACCOUNT) ==
        "kube-service-account");
  CHECK(M2mTypeName(v1::AUTH_MACHINE_TO_MACHINE_CONFIG_TYPE_UNSPECIFIED) == "generic");
}

void CheckExample(const v1::AuthMachineToMachineConfig& config) {
  CHECK(config.type() == v1::AUTH_MACHINE_TO_MACHINE_CONFIG_TYPE_GITHUB_ACTIONS);
  CHECK(config.issuer() == "https://token.actions.githubusercontent.com");
  REQUIRE(config.audiences_size() == 2);
  CHECK(config.audiences(1) == "other");
  CHECK_FALSE(config.allow_any_audience());
  CHECK(config.token_expiration_duration() == "5m");
  REQUIRE(config.mappings_size() == 2);
  CHECK(config.mappings(0).key() == "repository");
  CHECK(config.mappings(0).value_expression() == "my-org/deploy");
  CHECK(config.mappings(0).role() == "Continuous Integration");
  CHECK(config.mappings(1).value_expression() == "refs/heads/main");
}

TEST_CASE("config files: YAML in snake_case, JSON in the protobuf mapping") {
  const std::string yaml = R"(# GitHub Actions of my-org
type: github-actions
issuer: https://token.actions.githubusercontent.com
audiences: [warden, other]
allow_any_audience: false
token_expiration_duration: 5m
mappings:
  - key: repository
    value_expression: my-org/deploy
    role: Continuous Integration
  - {key: ref, value_expression: "refs/heads/main", role: Analyst}
)";
  auto parsed = ParseM2mConfigText(yaml, "github.yaml");
  INFO(parsed.status());
  REQUIRE(parsed.ok());
  CheckExample(*parsed);
  // A file named neither .json nor .yaml is YAML unless it starts with '{'.
  REQUIRE(ParseM2mConfigText(yaml, "config").ok());

  const std::string json = R"({"type": "AUTH_MACHINE_TO_MACHINE_CONFIG_TYPE_GITHUB_ACTIONS",
    "issuer": "https://token.actions.githubusercontent.com", "audiences": ["warden", "other"],
    "tokenExpirationDuration": "5m", "mappings": [
      {"key": "repository", "valueExpression": "my-org/deploy", "role": "Continuous Integration"},
      {"key": "ref", "value_expression": "refs/heads/main", "role": "Analyst"}]})";
  parsed = ParseM2mConfigText(json, "github.json");
  INFO(parsed.status());
  REQUIRE(parsed.ok());
  CheckExample(*parsed);
  // What `get -o json` prints, with the type as --type takes it.
  parsed = ParseM2mConfigText(
      absl::StrCat(R"({"config": {"id": "x", "type": "github-actions", "allowAnyAudience": true,
                   "mappings": [{"key": "k", "valueExpression": "v", "role": "r"}]}})"),
      "config");
  REQUIRE(parsed.ok());
  CHECK(parsed->id() == "x");
  CHECK(parsed->type() == v1::AUTH_MACHINE_TO_MACHINE_CONFIG_TYPE_GITHUB_ACTIONS);
  CHECK(parsed->allow_any_audience());
  // YAML's booleans are booleans.
  parsed = ParseM2mConfigText("allow_any_audience: true\n", "c.yaml");
  REQUIRE(parsed.ok());
  CHECK(parsed->allow_any_audience());
}

TEST_CASE("a config file that is not one valid config says where") {
  auto error = [](const std::string& text, const std::string& name) {
    auto parsed = ParseM2mConfigText(text, name);
    REQUIRE_FALSE(parsed.ok());
    return Error(parsed.status());
  };
  CHECK(error("", "c.yaml") == "c.yaml: the file is empty");
  CHECK(error("# nothing\n", "c.yaml") == "c.yaml: the file is empty");
  // YAML is read as the declarative file is (declarative/yaml_json.h), with its messages.
  CHECK(error("a: 1\n---\nb: 2\n", "c.yaml") == "c.yaml:3: only one YAML document is allowed");
  CHECK(error("- type: generic\n", "c.yaml") ==
        "c.yaml:1: the config must be a mapping, not a list");
  CHECK_THAT(error("type: generic\nissuer: [unclosed\n", "c.yaml"), Catch::StartsWith("c.yaml:"));
  CHECK(error("issuer: a\nissuer: b\n", "c.yaml") ==
        "c.yaml:2: key \"issuer\" appears twice (first on line 1)");
  // Latin-1 bytes: yaml-cpp passes them through, and they used to crash the JSON conversion.
  CHECK(error("type: generic\nissuer: \"https://b\xe4r.example\"\n", "c.yaml") ==
        "c.yaml:2: a value is not valid UTF-8");
  CHECK(error("type: generic\n\xe4: 1\n", "c.yaml") ==
        "c.yaml:2: keys must be valid UTF-8 without NUL characters");
  CHECK(error("issuer: \"a\\0b\"\n", "c.yaml") ==
        "c.yaml:1: a value must not contain NUL characters");
  // A lone ',' made yaml-cpp's LoadAll yield empty documents without end: now an answer.
  CHECK_THAT(error(",", "c.yaml"), Catch::StartsWith("c.yaml:1: "));
  // Aliases cannot make a small file expand without bound.
  std::string aliases = "a0: &a0 [" + std::string(1000, 'x') + "]\n";
  for (int i = 1; i < 12; ++i) {
    absl::StrAppend(&aliases, "a", i, ": &a", i, " [*a", i - 1, ", *a", i - 1, ", *a", i - 1,
                    ", *a", i - 1, "]\n");
  }
  CHECK_THAT(error(aliases, "c.yaml"), Catch::Contains("expands to too much data"));
  CHECK(error("type: github\n", "c.yaml") ==
        "c.yaml: type \"github\" is not generic, github-actions or kube-service-account");
  CHECK_THAT(error("audience: warden\n", "c.yaml"),
             Catch::StartsWith("c.yaml: ") && Catch::Contains("audience"));
  CHECK_THAT(error("allow_any_audience: maybe\n", "c.yaml"), Catch::StartsWith("c.yaml: "));
  CHECK_THAT(error("{\"issuer\": ", "c.json"), Catch::StartsWith("c.json: parse error"));
  CHECK(error("[1]", "c.json") == "c.json: expected a JSON object");
  CHECK_THAT(error(R"({"mappings": [{"claim": "x"}]})", "c.json"),
             Catch::StartsWith("c.json: ") && Catch::Contains("claim"));
}

}  // namespace
}  // namespace warden::cli

namespace warden::testing {
namespace {

bool OneLine(const std::string& text) {
  return !text.empty() && text.find('\n') == text.size() - 1;
}

TEST_CASE("wardenctl m2m --help shows its commands and flags") {
  WardenctlRunner cli;
  CHECK(absl::StrContains(cli.Run({"--help"}).out, "m2m"));
  const std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> commands = {
      {{"m2m"}, {"config", "exchange", "OIDC"}},
      {{"m2m", "config"}, {"list", "get", "add", "update", "delete", "READ_WRITE_ACCESS"}},
      {{"m2m", "config", "add"},
       {"--type TYPE", "github-actions", "--issuer URL", "--audience AUDIENCE",
        "--allow-any-audience", "--token-lifetime DURATION", "--map KEY=REGEX=ROLE",
        "-f, --file FILE", "value_expression"}},
      {{"m2m", "config", "update"}, {"wardenctl m2m config update [flags] ID", "--map"}},
      {{"m2m", "config", "get"}, {"wardenctl m2m config get [flags] ID"}},
      {{"m2m", "config", "delete"}, {"wardenctl m2m config delete [flags] ID"}},
      {{"m2m", "exchange"},
       {"--token-file FILE", "read the ID token from FILE", "--output-file", "0600",
        "UNAUTHENTICATED"}},
  };
  for (const auto& [words, expected] : commands) {
    std::vector<std::string> args = words;
    args.push_back("--help");
    CliResult help = cli.Run(args);
    INFO(Describe(help));
    CHECK(help.exit_code == 0);
    CHECK(absl::StrContains(help.out, "Usage:"));
    for (const std::string& text : expected) CHECK(absl::StrContains(help.out, text));
  }
  // exchange's own --token-file hides the global one (credentials) in its help.
  CliResult exchange = cli.Run({"m2m", "exchange", "--help"});
  CHECK_FALSE(absl::StrContains(exchange.out, "authenticate with the token in FILE"));
  CHECK(
      absl::StrContains(cli.Run({"whoami", "--help"}).out, "authenticate with the token in FILE"));
}

TEST_CASE("m2m usage errors exit 1 with one line and send nothing") {
  WardenctlRunner cli;
  const std::string issuer = "https://issuer.example.com";
  const std::vector<std::string> full = {"--issuer",         issuer, "--audience", "a",
                                         "--token-lifetime", "5m",   "--map",      "k=v=Analyst"};
  auto without = [&](const std::string& flag) {
    std::vector<std::string> args = {"m2m", "config", "add"};
    for (size_t i = 0; i < full.size(); i += 2) {
      if (full[i] == flag) continue;
      args.push_back(full[i]);
      args.push_back(full[i + 1]);
    }
    return args;
  };
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"m2m", "config", "add"};
    args.insert(args.end(), full.begin(), full.end());
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  const std::string latin1 = cli.directory() + "/latin1.yaml";
  std::ofstream(latin1) << "type: generic\nissuer: \"https://b\xe4r.example\"\n";
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"m2m"}, "a command is required: config, exchange"},
      {{"m2m", "config", "add", "-f", latin1}, ":2: a value is not valid UTF-8"},
      {{"m2m", "config"}, "a command is required: list, get, add, update, delete"},
      {without("--issuer"), "--issuer is required"},
      {without("--audience"), "at least one --audience is required"},
      {without("--token-lifetime"), "--token-lifetime is required"},
      {without("--map"), "at least one --map KEY=REGEX=ROLE is required"},
      {with({"--map", "repository"}), "--map \"repository\" must be KEY=REGEX=ROLE"},
      {with({"--map", "repository=org/repo"}), "must be KEY=REGEX=ROLE"},
      {with({"--map", "repository=org/repo="}), "the ROLE is empty"},
      {with({"--type", "github"}), "--type must be one of generic, github-actions"},
      {with({"--issuer", "https://other"}), "--issuer given more than once"},
      {with({"-f", "c.yaml"}), "--file takes the whole config"},
      {{"m2m", "config", "add", "-f", "/nonexistent/c.yaml"}, "cannot read /nonexistent/c.yaml"},
      {{"m2m", "config", "update"}, "missing argument ID"},
      {{"m2m", "config", "update", "id"}, "--issuer is required"},
      {{"m2m", "config", "get"}, "missing argument ID"},
      {{"m2m", "config", "delete", "a", "b"}, "unexpected argument \"b\""},
      {{"m2m", "exchange"}, "--token-file is required"},
      {{"m2m", "exchange", "--token-file", "/nonexistent/id-token"},
       "cannot read /nonexistent/id-token"},
      {{"m2m", "exchange", "--token-file", "f", "--token", "t"}, "--token is not used"},
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
  // A --github-actions config needs no --issuer: the server fills in GitHub's. Nothing
  // listens here, so getting as far as the call (exit 3) shows the flags were accepted.
  CliResult github = cli.Run({"m2m", "config", "add", "--type", "github-actions", "--audience", "a",
                              "--token-lifetime", "5m", "--map", "k=v=r", "--endpoint",
                              "127.0.0.1:1", "--timeout", "1s"});
  INFO(Describe(github));
  CHECK(github.exit_code == 3);
}

TEST_CASE("bash completion knows the m2m commands and their flags") {
  WardenctlRunner cli;
  CHECK(Complete(cli, "wardenctl m") == "m2m");
  CHECK(Complete(cli, "wardenctl m2m ") == "config exchange");
  CHECK(Complete(cli, "wardenctl m2m config ") == "list get add update delete");
  CHECK(Complete(cli, "wardenctl m2m config add --type ") ==
        "generic github-actions kube-service-account");
  CHECK(Complete(cli, "wardenctl m2m config add --a") == "--audience --allow-any-audience");
  CHECK(Complete(cli, "wardenctl m2m config add --map ") == "");
  CHECK(Complete(cli, "wardenctl m2m exchange --o") == "--output-file --output");
  // One --token-file (exchange's own), then the global --token.
  CHECK(Complete(cli, "wardenctl m2m exchange --tok") == "--token-file --token");
}

}  // namespace
}  // namespace warden::testing
