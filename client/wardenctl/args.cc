#include "client/wardenctl/args.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/wardenctl/exit_codes.h"

namespace warden::cli {

std::string ParsedFlags::Get(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second.back();
}

std::vector<std::string> ParsedFlags::GetAll(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

const Command* Command::FindSubcommand(const std::string& word) const {
  for (const Command& sub : subcommands) {
    if (sub.name == word) return &sub;
  }
  return nullptr;
}

std::string Invocation::CommandLine() const {
  std::vector<std::string> names;
  for (const Command* command : path) names.push_back(command->name);
  return absl::StrJoin(names, " ");
}

namespace {

// Walks the arguments once, growing the set of known flags as commands are selected.
class Parser final {
 public:
  Parser(const Command& root, const std::vector<FlagSpec>& global_flags)
      : global_flags_(global_flags) {
    invocation_.path.push_back(&root);
  }

  absl::StatusOr<Invocation> Parse(const std::vector<std::string>& args) {
    for (size_t i = 0; i < args.size(); ++i) {
      const std::string& arg = args[i];
      if (arg == "--") {
        for (++i; i < args.size(); ++i) AddWord(args[i], /*may_select=*/false);
        break;
      }
      if (arg == "-h" || arg == "--help") {
        invocation_.help = true;
      } else if (absl::StartsWith(arg, "--")) {
        ParseLong(arg.substr(2), args, &i);
      } else if (arg.size() > 1 && arg[0] == '-') {
        ParseShort(arg.substr(1), args, &i);
      } else {
        AddWord(arg, /*may_select=*/true);
      }
    }
    if (invocation_.help) return std::move(invocation_);
    if (!error_.ok()) return error_;
    const Command& command = invocation_.command();
    if (!command.run) {
      std::vector<std::string> names;
      for (const Command& sub : command.subcommands) names.push_back(sub.name);
      return Fail(absl::StrCat("a command is required: ", absl::StrJoin(names, ", ")));
    }
    int count = static_cast<int>(invocation_.args.size());
    if (count < command.min_args) {
      return Fail(absl::StrCat("missing argument ", command.arguments));
    }
    if (count > command.max_args) {
      return Fail(absl::StrCat("unexpected argument \"", invocation_.args[command.max_args], "\""));
    }
    return std::move(invocation_);
  }

 private:
  absl::Status Fail(const std::string& message) {
    return UsageError(absl::StrCat(invocation_.CommandLine(), ": ", message),
                      invocation_.CommandLine());
  }
  void Record(const std::string& message) {
    if (error_.ok()) error_ = Fail(message);
  }

  // A command's own flag wins over a global flag of the same name (`m2m exchange
  // --token-file` is the ID token, not credentials).
  const FlagSpec* Find(const std::function<bool(const FlagSpec&)>& matches) const {
    for (const FlagSpec& flag : invocation_.command().flags) {
      if (matches(flag)) return &flag;
    }
    for (const FlagSpec& flag : global_flags_) {
      if (matches(flag)) return &flag;
    }
    return nullptr;
  }

  void AddWord(const std::string& word, bool may_select) {
    const Command& current = invocation_.command();
    if (may_select && !current.run && invocation_.args.empty()) {
      if (const Command* sub = current.FindSubcommand(word)) {
        invocation_.path.push_back(sub);
        return;
      }
      Record(absl::StrCat("unknown command \"", word, "\""));
      return;
    }
    invocation_.args.push_back(word);
  }

  // `body` is "name" or "name=value".
  void ParseLong(const std::string& body, const std::vector<std::string>& args, size_t* i) {
    size_t equals = body.find('=');
    std::string name = body.substr(0, equals);
    const FlagSpec* flag = Find([&](const FlagSpec& f) { return f.name == name; });
    if (flag == nullptr) return Record(absl::StrCat("unknown flag --", name));
    if (equals != std::string::npos) {
      if (flag->value_name.empty()) return Record(absl::StrCat("--", name, " takes no value"));
      return SetValue(*flag, body.substr(equals + 1));
    }
    TakeValue(*flag, args, i);
  }

  // `body` is "o", "ojson" or "o=json".
  void ParseShort(const std::string& body, const std::vector<std::string>& args, size_t* i) {
    const FlagSpec* flag = Find([&](const FlagSpec& f) { return f.short_name == body[0]; });
    if (flag == nullptr) return Record(absl::StrCat("unknown flag -", body.substr(0, 1)));
    if (body.size() == 1) return TakeValue(*flag, args, i);
    if (flag->value_name.empty()) return Record(absl::StrCat("unknown flag -", body));
    SetValue(*flag, body.substr(body[1] == '=' ? 2 : 1));
  }

  void TakeValue(const FlagSpec& flag, const std::vector<std::string>& args, size_t* i) {
    if (flag.value_name.empty()) return SetValue(flag, "true");
    if (*i + 1 >= args.size()) {
      return Record(absl::StrCat("flag --", flag.name, " needs a value (", flag.value_name, ")"));
    }
    SetValue(flag, args[++*i]);
  }

  void SetValue(const FlagSpec& flag, std::string value) {
    if (!flag.repeated && invocation_.flags.Has(flag.name)) {
      return Record(absl::StrCat("--", flag.name, " given more than once"));
    }
    if (!flag.choices.empty() &&
        std::find(flag.choices.begin(), flag.choices.end(), value) == flag.choices.end()) {
      return Record(absl::StrCat("--", flag.name, " must be one of ",
                                 absl::StrJoin(flag.choices, ", "), ", not \"", value, "\""));
    }
    invocation_.flags.Add(flag.name, std::move(value));
  }

  const std::vector<FlagSpec>& global_flags_;
  Invocation invocation_;
  absl::Status error_;
};

}  // namespace

absl::StatusOr<Invocation> ParseCommandLine(const Command& root,
                                            const std::vector<FlagSpec>& global_flags,
                                            const std::vector<std::string>& args) {
  return Parser(root, global_flags).Parse(args);
}

}  // namespace warden::cli
