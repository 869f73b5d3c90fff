#include "client/wardenctl/m2m_config_input.h"

#include <google/protobuf/util/json_util.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "client/wardenctl/exit_codes.h"
#include "client/wardenctl/object_commands.h"
#include "common/status_macros.h"
#include "declarative/yaml_json.h"

namespace warden::cli {
namespace {

using Config = v1::AuthMachineToMachineConfig;

constexpr char kEnumPrefix[] = "AUTH_MACHINE_TO_MACHINE_CONFIG_TYPE_";
// The flags that describe a configuration; --file replaces all of them.
constexpr const char* kConfigFlags[] = {
    "type", "issuer", "audience", "allow-any-audience", "token-lifetime", "map"};

// ---- -f FILE ----

bool IsJson(absl::string_view text, const std::string& source_name) {
  const std::string lower = absl::AsciiStrToLower(source_name);
  if (absl::EndsWith(lower, ".json")) return true;
  if (absl::EndsWith(lower, ".yaml") || absl::EndsWith(lower, ".yml")) return false;
  return absl::StartsWith(absl::StripLeadingAsciiWhitespace(text), "{");
}

absl::Status Invalid(const std::string& source_name, const std::string& problem) {
  return absl::InvalidArgumentError(absl::StrCat(source_name, ": ", problem));
}

absl::StatusOr<nlohmann::json> ParseJsonObject(absl::string_view text,
                                               const std::string& source_name) {
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::exception& e) {
    // "[json.exception.parse_error.101] parse error at line 1, column 2: ..."
    std::string what = e.what();
    if (const size_t end = what.find("] "); end != std::string::npos) what.erase(0, end + 2);
    return Invalid(source_name, what);
  }
  if (!json.is_object()) return Invalid(source_name, "expected a JSON object");
  return json;
}

}  // namespace

absl::StatusOr<Config> M2mConfigFromCommandLine(Session& session) {
  const ParsedFlags& flags = session.flags();
  if (flags.Has("file")) {
    for (const char* flag : kConfigFlags) {
      if (flags.Has(flag)) {
        return session.Usage(absl::StrCat("--file takes the whole config: give --", flag,
                                          " in the file, not as well"));
      }
    }
    return ReadObjectFromFile(flags.Get("file"), ParseM2mConfigText);
  }
  Config config;
  // --type's choices are checked by the parser.
  config.set_type(ParseM2mType(flags.Get("type", "generic"))
                      .value_or(v1::AUTH_MACHINE_TO_MACHINE_CONFIG_TYPE_GENERIC));
  if (!flags.Has("issuer") &&
      config.type() != v1::AUTH_MACHINE_TO_MACHINE_CONFIG_TYPE_GITHUB_ACTIONS) {
    return session.Usage("--issuer is required (or --file FILE)");
  }
  if (!flags.Has("audience") && !flags.Has("allow-any-audience")) {
    return session.Usage(
        "at least one --audience is required (or --allow-any-audience, which accepts any "
        "ID token of the issuer)");
  }
  if (!flags.Has("token-lifetime")) {
    return session.Usage("--token-lifetime is required (from 1m to 24h, e.g. 5m)");
  }
  if (!flags.Has("map")) return session.Usage("at least one --map KEY=REGEX=ROLE is required");
  config.set_issuer(flags.Get("issuer"));
  for (const std::string& audience : flags.GetAll("audience")) config.add_audiences(audience);
  config.set_allow_any_audience(flags.Has("allow-any-audience"));
  config.set_token_expiration_duration(flags.Get("token-lifetime"));
  for (const std::string& value : flags.GetAll("map")) {
    absl::StatusOr<v1::AuthMachineToMachineMapping> mapping = ParseMapping(value);
    if (!mapping.ok()) return session.Usage(std::string(mapping.status().message()));
    *config.add_mappings() = *std::move(mapping);
  }
  return config;
}

std::vector<FlagSpec> M2mConfigFlags(const std::string& issuer_help) {
  return {
      {.name = "type",
       .value_name = "TYPE",
       .help = "generic (default), github-actions or kube-service-account",
       .choices = {"generic", "github-actions", "kube-service-account"}},
      {.name = "issuer", .value_name = "URL", .help = issuer_help},
      {.name = "audience",
       .value_name = "AUDIENCE",
       .help = "the ID token's aud must hold one of these (repeat for more)",
       .repeated = true},
      {.name = "allow-any-audience",
       .help = "accept any audience (not recommended: any ID token of the issuer will do)"},
      {.name = "token-lifetime",
       .value_name = "DURATION",
       .help = "how long exchanged Warden tokens live, 1m to 24h (required)"},
      {.name = "map",
       .value_name = "KEY=REGEX=ROLE",
       .help = "grant ROLE when claim KEY matches REGEX in full (required; repeat for more)",
       .repeated = true},
      {.name = "file",
       .short_name = 'f',
       .value_name = "FILE",
       .help = "read the whole config from FILE (YAML or JSON) instead of the flags",
       .file_value = true},
  };
}

absl::StatusOr<v1::AuthMachineToMachineMapping> ParseMapping(const std::string& text) {
  const size_t first = text.find('=');
  const size_t last = text.rfind('=');
  if (first == std::string::npos || first == last) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--map \"", text, "\" must be KEY=REGEX=ROLE, e.g. repository=my-org/deploy=Analyst"));
  }
  v1::AuthMachineToMachineMapping mapping;
  mapping.set_key(text.substr(0, first));
  mapping.set_value_expression(text.substr(first + 1, last - first - 1));
  mapping.set_role(text.substr(last + 1));
  const char* missing = mapping.key().empty()                ? "the claim KEY"
                        : mapping.value_expression().empty() ? "the REGEX"
                        : mapping.role().empty()             ? "the ROLE"
                                                             : nullptr;
  if (missing != nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("--map \"", text, "\": ", missing, " is empty (the form is KEY=REGEX=ROLE)"));
  }
  return mapping;
}

std::optional<v1::AuthMachineToMachineConfigType> ParseM2mType(absl::string_view text) {
  std::string name = absl::AsciiStrToUpper(text);
  absl::StrReplaceAll({{"-", "_"}}, &name);
  if (!absl::StartsWith(name, kEnumPrefix)) name = absl::StrCat(kEnumPrefix, name);
  v1::AuthMachineToMachineConfigType type;
  if (!v1::AuthMachineToMachineConfigType_Parse(name, &type) ||
      type == v1::AUTH_MACHINE_TO_MACHINE_CONFIG_TYPE_UNSPECIFIED) {
    return std::nullopt;
  }
  return type;
}

std::string M2mTypeName(v1::AuthMachineToMachineConfigType type) {
  switch (type) {
    case v1::AUTH_MACHINE_TO_MACHINE_CONFIG_TYPE_GITHUB_ACTIONS:
      return "github-actions";
    case v1::AUTH_MACHINE_TO_MACHINE_CONFIG_TYPE_KUBE_SERVICE_ACCOUNT:
      return "kube-service-account";
    default:
      return "generic";
  }
}

absl::StatusOr<Config> ParseM2mConfigText(absl::string_view text, const std::string& source_name) {
  nlohmann::json json;
  if (IsJson(text, source_name)) {
    ASSIGN_OR_RETURN(json, ParseJsonObject(text, source_name));
  } else {
    ASSIGN_OR_RETURN(json, ParseYamlObjectAsJson(text, source_name, "the config"));
  }
  // What `get -o json` prints: {"config": {...}}.
  if (json.size() == 1 && json.contains("config") && json["config"].is_object()) {
    json = nlohmann::json(json["config"]);
  }
  if (json.contains("type") && json["type"].is_string()) {
    if (std::optional<v1::AuthMachineToMachineConfigType> type =
            ParseM2mType(json["type"].get<std::string>())) {
      json["type"] = v1::AuthMachineToMachineConfigType_Name(*type);
    } else {
      return Invalid(source_name,
                     absl::StrCat("type \"", json["type"].get<std::string>(),
                                  "\" is not generic, github-actions or kube-service-account"));
    }
  }
  Config config;
  const auto status = google::protobuf::util::JsonStringToMessage(json.dump(), &config);
  if (!status.ok()) {
    return Invalid(source_name, std::string(status.message().data(), status.message().size()));
  }
  return config;
}

}  // namespace warden::cli
