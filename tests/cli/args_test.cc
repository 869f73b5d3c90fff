// The argument parser: command selection, flag spellings, and every usage error.

#include "client/wardenctl/args.h"

#include <catch2/catch.hpp>

#include "client/wardenctl/exit_codes.h"

namespace warden::cli {
namespace {

absl::Status Ok(Session&) { return absl::OkStatus(); }

Command TestTree() {
  Command create{.name = "create",
                 .flags = {{.name = "name", .value_name = "NAME"},
                           {.name = "role", .value_name = "ROLE", .repeated = true},
                           {.name = "dry-run"}},
                 .run = Ok};
  Command get{.name = "get", .arguments = "ID", .min_args = 1, .max_args = 1, .run = Ok};
  Command token{.name = "token", .subcommands = {create, get}};
  return Command{.name = "wardenctl", .subcommands = {token}};
}

const std::vector<FlagSpec> kGlobal = {
    {.name = "endpoint", .value_name = "ADDR"},
    {.name = "output", .short_name = 'o', .value_name = "FORMAT", .choices = {"table", "json"}},
    {.name = "help", .short_name = 'h'},
};

absl::StatusOr<Invocation> Parse(std::vector<std::string> args) {
  static const Command* const tree = new Command(TestTree());
  return ParseCommandLine(*tree, kGlobal, args);
}

std::string UsageMessage(std::vector<std::string> args) {
  absl::StatusOr<Invocation> parsed = Parse(args);
  REQUIRE_FALSE(parsed.ok());
  CHECK(IsUsageError(parsed.status()));
  CHECK(ExitCodeFor(parsed.status()) == kExitUsage);
  return std::string(parsed.status().message());
}

TEST_CASE("parser selects the command and takes flags anywhere after it") {
  auto parsed = Parse({"--endpoint", "h:1", "token", "create", "--name=ci", "--role", "A", "-ojson",
                       "--role", "B C", "--dry-run"});
  REQUIRE(parsed.ok());
  CHECK(parsed->CommandLine() == "wardenctl token create");
  CHECK(parsed->command().name == "create");
  CHECK(parsed->flags.Get("endpoint") == "h:1");
  CHECK(parsed->flags.Get("name") == "ci");
  CHECK(parsed->flags.GetAll("role") == std::vector<std::string>{"A", "B C"});
  CHECK(parsed->flags.Get("output") == "json");
  CHECK(parsed->flags.Has("dry-run"));
  CHECK_FALSE(parsed->flags.Has("help"));
  CHECK(parsed->flags.Get("absent", "fallback") == "fallback");
}

TEST_CASE("parser accepts -o value, -o=value and positional arguments after --") {
  auto parsed = Parse({"token", "get", "-o", "table", "--", "--looks-like-a-flag"});
  REQUIRE(parsed.ok());
  CHECK(parsed->flags.Get("output") == "table");
  CHECK(parsed->args == std::vector<std::string>{"--looks-like-a-flag"});
  auto equals = Parse({"token", "get", "-o=json", "id-1"});
  REQUIRE(equals.ok());
  CHECK(equals->flags.Get("output") == "json");
  CHECK(equals->args == std::vector<std::string>{"id-1"});
}

TEST_CASE("parser reports usage errors with the command and where to look") {
  CHECK(UsageMessage({"tokn"}) == "wardenctl: unknown command \"tokn\" (see `wardenctl --help`)");
  CHECK(UsageMessage({"token", "create", "--nam", "x"}) ==
        "wardenctl token create: unknown flag --nam (see `wardenctl token create --help`)");
  CHECK(UsageMessage({"token", "create", "--name"}) ==
        "wardenctl token create: flag --name needs a value (NAME) (see `wardenctl token create "
        "--help`)");
  CHECK(UsageMessage({"token", "create", "--name", "a", "--name", "b"}) ==
        "wardenctl token create: --name given more than once (see `wardenctl token create "
        "--help`)");
  CHECK(UsageMessage({"token", "create", "-o", "yaml"}) ==
        "wardenctl token create: --output must be one of table, json, not \"yaml\" (see "
        "`wardenctl token create --help`)");
  CHECK(UsageMessage({"token", "create", "--dry-run=yes"}) ==
        "wardenctl token create: --dry-run takes no value (see `wardenctl token create --help`)");
  CHECK(UsageMessage({"token"}) ==
        "wardenctl token: a command is required: create, get (see `wardenctl token --help`)");
  CHECK(UsageMessage({"token", "get"}) ==
        "wardenctl token get: missing argument ID (see `wardenctl token get --help`)");
  CHECK(UsageMessage({"token", "get", "a", "b"}) ==
        "wardenctl token get: unexpected argument \"b\" (see `wardenctl token get --help`)");
  CHECK(UsageMessage({"token", "create", "extra"}) ==
        "wardenctl token create: unexpected argument \"extra\" (see `wardenctl token create "
        "--help`)");
  CHECK(UsageMessage({"-x"}) == "wardenctl: unknown flag -x (see `wardenctl --help`)");
}

TEST_CASE("a command's flags are known only once the command is named") {
  CHECK(UsageMessage({"--name", "x", "token", "create"}) ==
        "wardenctl: unknown flag --name (see `wardenctl --help`)");
}

TEST_CASE("help wins over errors and names the deepest command given") {
  auto parsed = Parse({"token", "create", "--bogus", "--help"});
  REQUIRE(parsed.ok());
  CHECK(parsed->help);
  CHECK(parsed->CommandLine() == "wardenctl token create");
  auto group = Parse({"-h", "token"});
  REQUIRE(group.ok());
  CHECK(group->help);
  CHECK(group->CommandLine() == "wardenctl token");
}

}  // namespace
}  // namespace warden::cli
