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
#include "domain/names.h"
#include "yaml-cpp/yaml.h"

namespace warden::cli {
namespace {

using Config = v1::AuthMachineToMachineConfig;

constexpr char kEnumPrefix[] = "AUTH_MACHINE_TO_MACHINE_CONFIG_TYPE_";
// The flags that describe a configuration; --file replaces all of them.
constexpr const char* kConfigFlags[] = {
    "type", "issuer", "audience", "allow-any-audience", "token-lifetime", "map"};
// YAML aliases could repeat one node without end: a bound on the nodes converted.
constexpr size_t kMaxYamlNodes = 100000;

// ---- -f FILE ----

bool IsJson(absl::string_view text, const std::string& source_name) {
  const std::string lower = absl::AsciiStrToLower(source_name);
  if (absl::EndsWith(lower, ".json")) return true;
  if (absl::EndsWith(lower, ".yaml") || absl::EndsWith(lower, ".yml")) return false;
  return absl::StartsWith(absl::StripLeadingAsciiWhitespace(text), "{");
}

absl::Status Invalid(const std::string& source_name, const YAML::Mark* mark,
                     const std::string& problem) {
  if (mark == nullptr || mark->line < 0) {
    return absl::InvalidArgumentError(absl::StrCat(source_name, ": ", problem));
  }
  return absl::InvalidArgumentError(absl::StrCat(source_name, ":", mark->line + 1, ": ", problem));
}

bool IsYamlBool(const std::string& value, bool* out) {
  for (const char* t : {"true", "True", "TRUE"}) {
    if (value == t) return *out = true;
  }
  for (const char* f : {"false", "False", "FALSE"}) {
    if (value == f) {
      *out = false;
      return true;
    }
  }
  return false;
}

// YAML as JSON: mappings become objects (keys distinct strings), sequences arrays, plain
// true/false booleans, null null, every other scalar a string. yaml-cpp passes bytes that
// are not UTF-8 through, and nlohmann's dump() throws on them: they stop here.
absl::StatusOr<nlohmann::json> YamlToJson(const YAML::Node& node, const std::string& source_name,
                                          size_t* budget) {
  if (*budget == 0) return Invalid(source_name, nullptr, "too many YAML nodes (aliases?)");
  --*budget;
  const YAML::Mark mark = node.Mark();
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return nlohmann::json(nullptr);
    case YAML::NodeType::Scalar: {
      if (!IsValidUtf8(node.Scalar())) {
        return Invalid(source_name, &mark, "a value is not UTF-8 text");
      }
      bool flag = false;
      if (node.Tag() == "?" && IsYamlBool(node.Scalar(), &flag)) return nlohmann::json(flag);
      return nlohmann::json(node.Scalar());
    }
    case YAML::NodeType::Sequence: {
      nlohmann::json array = nlohmann::json::array();
      for (const YAML::Node& item : node) {
        ASSIGN_OR_RETURN(nlohmann::json value, YamlToJson(item, source_name, budget));
        array.push_back(std::move(value));
      }
      return array;
    }
    case YAML::NodeType::Map: {
      nlohmann::json object = nlohmann::json::object();
      for (const auto& entry : node) {
        if (!entry.first.IsScalar()) {
          const YAML::Mark key_mark = entry.first.Mark();
          return Invalid(source_name, &key_mark, "keys must be plain names");
        }
        const std::string key = entry.first.Scalar();
        if (!IsValidUtf8(key)) {
          const YAML::Mark key_mark = entry.first.Mark();
          return Invalid(source_name, &key_mark, "a key is not UTF-8 text");
        }
        if (object.contains(key)) {
          const YAML::Mark key_mark = entry.first.Mark();
          return Invalid(source_name, &key_mark, absl::StrCat("\"", key, "\" is given twice"));
        }
        ASSIGN_OR_RETURN(object[key], YamlToJson(entry.second, source_name, budget));
      }
      return object;
    }
  }
  return Invalid(source_name, &mark, "unexpected YAML node");
}

absl::StatusOr<nlohmann::json> ParseYamlObject(absl::string_view text,
                                               const std::string& source_name) {
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    return Invalid(source_name, &e.mark, e.msg);
  }
  if (documents.empty() || (documents.size() == 1 && documents[0].IsNull())) {
    return Invalid(source_name, nullptr, "the file is empty");
  }
  if (documents.size() > 1)
    return Invalid(source_name, nullptr, "only one YAML document is allowed");
  if (!documents[0].IsMap()) {
    const YAML::Mark mark = documents[0].Mark();
    return Invalid(source_name, &mark, "expected a mapping of the config's fields");
  }
  size_t budget = kMaxYamlNodes;
  try {
    return YamlToJson(documents[0], source_name, &budget);
  } catch (const YAML::Exception& e) {
    return Invalid(source_name, &e.mark, e.msg);
  }
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
    return Invalid(source_name, nullptr, what);
  }
  if (!json.is_object()) return Invalid(source_name, nullptr, "expected a JSON object");
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
    ASSIGN_OR_RETURN(json, ParseYamlObject(text, source_name));
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
      return Invalid(source_name, nullptr,
                     absl::StrCat("type \"", json["type"].get<std::string>(),
                                  "\" is not generic, github-actions or kube-service-account"));
    }
  }
  Config config;
  const auto status = google::protobuf::util::JsonStringToMessage(json.dump(), &config);
  if (!status.ok()) {
    return Invalid(source_name, nullptr,
                   std::string(status.message().data(), status.message().size()));
  }
  return config;
}

}  // namespace warden::cli
