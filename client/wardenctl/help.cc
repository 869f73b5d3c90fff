#include "client/wardenctl/help.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace warden::cli {
namespace {

std::string FlagLabel(const FlagSpec& flag) {
  std::string label = flag.short_name != 0
                          ? absl::StrCat("-", std::string(1, flag.short_name), ", ")
                          : std::string("    ");
  absl::StrAppend(&label, "--", flag.name);
  if (!flag.value_name.empty()) absl::StrAppend(&label, " ", flag.value_name);
  return label;
}

void AppendFlags(const std::string& title, const std::vector<FlagSpec>& flags, std::string* out) {
  if (flags.empty()) return;
  size_t width = 0;
  for (const FlagSpec& flag : flags) width = std::max(width, FlagLabel(flag).size());
  absl::StrAppend(out, "\n", title, ":\n");
  for (const FlagSpec& flag : flags) {
    std::string label = FlagLabel(flag);
    absl::StrAppend(out, "  ", label, std::string(width - label.size() + 3, ' '), flag.help, "\n");
  }
}

}  // namespace

std::string RenderHelp(const std::vector<const Command*>& path,
                       const std::vector<FlagSpec>& global_flags) {
  const Command& command = *path.back();
  std::vector<std::string> names;
  for (const Command* c : path) names.push_back(c->name);
  const std::string line = absl::StrJoin(names, " ");

  std::string out = command.description.empty() ? command.summary : command.description;
  absl::StrAppend(&out, "\n\nUsage:\n");
  if (!command.subcommands.empty()) {
    absl::StrAppend(&out, "  ", line, " <command> [flags]\n");
  } else {
    absl::StrAppend(&out, "  ", line, " [flags]",
                    command.arguments.empty() ? "" : absl::StrCat(" ", command.arguments), "\n");
  }
  if (!command.subcommands.empty()) {
    size_t width = 0;
    for (const Command& sub : command.subcommands) width = std::max(width, sub.name.size());
    absl::StrAppend(&out, "\nCommands:\n");
    for (const Command& sub : command.subcommands) {
      absl::StrAppend(&out, "  ", sub.name, std::string(width - sub.name.size() + 3, ' '),
                      sub.summary, "\n");
    }
  }
  AppendFlags("Flags", command.flags, &out);
  // A command's own flag hides the global flag of the same name.
  std::vector<FlagSpec> globals;
  for (const FlagSpec& flag : global_flags) {
    if (std::none_of(command.flags.begin(), command.flags.end(),
                     [&](const FlagSpec& own) { return own.name == flag.name; })) {
      globals.push_back(flag);
    }
  }
  AppendFlags("Global flags", globals, &out);
  if (!command.examples.empty()) {
    absl::StrAppend(&out, "\nExamples:\n");
    for (const std::string& example : command.examples) absl::StrAppend(&out, "  ", example, "\n");
  }
  if (!command.subcommands.empty()) {
    absl::StrAppend(&out, "\nRun `", line, " <command> --help` for more about a command.\n");
  }
  return out;
}

}  // namespace warden::cli
