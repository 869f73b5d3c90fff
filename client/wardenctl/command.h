#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace warden::cli {

// One flag a command accepts: `--name value`, `--name=value`, or `-x value` when it has a
// short name. A flag without `value_name` is a switch (`--all`).
struct FlagSpec {
  std::string name = {};                  // without dashes: "endpoint"
  char short_name = 0;                    // 'o' for -o; 0 for none
  std::string value_name = {};            // "ADDR"; empty for a switch
  std::string help = {};                  // one line
  bool repeated = false;                  // may be given more than once (--role A --role B)
  bool file_value = false;                // the value is a path (bash completion offers files)
  std::vector<std::string> choices = {};  // the only accepted values, if any
};

// The flags and arguments one invocation gave, already checked against the command's
// FlagSpecs.
class ParsedFlags final {
 public:
  void Add(const std::string& name, std::string value) {
    values_[name].push_back(std::move(value));
  }
  bool Has(const std::string& name) const { return values_.count(name) > 0; }
  // The (last) value of `name`, or `fallback` if it was not given.
  std::string Get(const std::string& name, const std::string& fallback = "") const;
  // Every value of a repeated flag, in order.
  std::vector<std::string> GetAll(const std::string& name) const;

 private:
  std::map<std::string, std::vector<std::string>> values_;
};

class Session;

// A node of wardenctl's command tree: a group (has subcommands) or a leaf (has `run`).
struct Command {
  std::string name = {};         // "create"
  std::string summary = {};      // one line, for the parent's command list
  std::string arguments = {};    // the usage after the flags, e.g. "ID"; empty for none
  std::string description = {};  // paragraphs for --help; may be empty
  std::vector<FlagSpec> flags = {};
  int min_args = 0;  // positional arguments accepted
  int max_args = 0;
  std::vector<std::string> examples = {};
  std::vector<std::string> argument_completions = {};   // words bash completion offers
  std::function<absl::Status(Session&)> run = nullptr;  // null for a group
  std::vector<Command> subcommands = {};

  const Command* FindSubcommand(const std::string& word) const;
};

// A parsed command line: the path to the command it names and what it gave.
struct Invocation {
  std::vector<const Command*> path;  // root first; never empty
  ParsedFlags flags;                 // global and command flags together
  std::vector<std::string> args;     // positional arguments
  bool help = false;                 // -h / --help was given

  const Command& command() const { return *path.back(); }
  // "wardenctl token create"
  std::string CommandLine() const;
};

}  // namespace warden::cli
