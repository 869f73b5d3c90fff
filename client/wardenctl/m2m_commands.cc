#include "client/wardenctl/m2m_commands.h"

#include <google/protobuf/util/json_util.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "client/wardenctl/object_file.h"
#include "client/wardenctl/output.h"
#include "client/wardenctl/secret_io.h"
#include "client/wardenctl/session.h"
#include "common/status_macros.h"
#include "yaml-cpp/yaml.h"

namespace warden::cli {
namespace {

using Config = v1::AuthMachineToMachineConfig;

constexpr char kNotFoundHint[] = "check the id (`wardenctl m2m config list`)";
constexpr char kRefusedHint[] =
    "Warden did not accept the ID token; check its issuer, audience, expiry and claims "
    "against the m2m config";
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
// true/false booleans, null null, every other scalar a string.
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

// ---- formatting ----

std::string AudiencesCell(const Config& config) {
  if (config.allow_any_audience()) return "(any)";
  if (config.audiences().empty()) return "-";
  return absl::StrJoin(config.audiences(), ", ");
}

// ---- commands ----

// The configuration the command line describes: from --file, or from the flags.
absl::StatusOr<Config> ConfigFromCommandLine(Session& session) {
  const ParsedFlags& flags = session.flags();
  if (flags.Has("file")) {
    for (const char* flag : kConfigFlags) {
      if (flags.Has(flag)) {
        return session.Usage(absl::StrCat("--file takes the whole config: give --", flag,
                                          " in the file, not as well"));
      }
    }
    const std::string path = flags.Get("file");
    absl::StatusOr<std::string> text = ReadObjectFile(path);
    if (!text.ok()) return LocalError(text.status());
    absl::StatusOr<Config> parsed = ParseM2mConfigText(*text, path);
    if (!parsed.ok()) return LocalError(parsed.status());
    return parsed;
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

absl::Status RunList(Session& session) {
  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, session.Connect());
  ASSIGN_OR_RETURN(std::vector<Config> configs, client->ListAuthMachineToMachineConfigs());
  if (session.format() == OutputFormat::kJson) {
    v1::ListAuthMachineToMachineConfigsResponse response;
    for (Config& config : configs) *response.add_configs() = std::move(config);
    session.out() << ToJson(response);
    return absl::OkStatus();
  }
  if (configs.empty()) {
    session.err() << "No machine-to-machine configs.\n";
    return absl::OkStatus();
  }
  Table table({"ID", "TYPE", "ISSUER", "AUDIENCES", "LIFETIME", "MAPPINGS"});
  for (const Config& config : configs) {
    table.AddRow({config.id(), M2mTypeName(config.type()), config.issuer(), AudiencesCell(config),
                  config.token_expiration_duration(), absl::StrCat(config.mappings_size())});
  }
  session.out() << table.Render();
  return absl::OkStatus();
}

absl::Status RunGet(Session& session) {
  session.set_not_found_hint(kNotFoundHint);
  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, session.Connect());
  ASSIGN_OR_RETURN(Config config,
                   client->GetAuthMachineToMachineConfig(session.invocation().args[0]));
  if (session.format() == OutputFormat::kJson) {
    v1::GetAuthMachineToMachineConfigResponse response;
    *response.mutable_config() = std::move(config);
    session.out() << ToJson(response);
    return absl::OkStatus();
  }
  std::string out = RenderFields({
      {"ID", config.id()},
      {"TYPE", M2mTypeName(config.type())},
      {"ISSUER", config.issuer()},
      {"AUDIENCES", config.audiences().empty() ? "-" : absl::StrJoin(config.audiences(), ", ")},
      {"ANY AUDIENCE", config.allow_any_audience() ? "yes" : "no"},
      {"TOKEN LIFETIME", config.token_expiration_duration()},
  });
  if (!config.mappings().empty()) {
    Table table({"CLAIM", "VALUE EXPRESSION", "ROLE"});
    for (const v1::AuthMachineToMachineMapping& mapping : config.mappings()) {
      table.AddRow({mapping.key(), mapping.value_expression(), mapping.role()});
    }
    absl::StrAppend(&out, "\n", table.Render());
  }
  session.out() << out;
  return absl::OkStatus();
}

absl::Status RunAdd(Session& session) {
  ASSIGN_OR_RETURN(Config config, ConfigFromCommandLine(session));
  config.clear_id();
  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, session.Connect());
  ASSIGN_OR_RETURN(Config added, client->AddAuthMachineToMachineConfig(config));
  if (session.format() == OutputFormat::kJson) {
    v1::AddAuthMachineToMachineConfigResponse response;
    *response.mutable_config() = std::move(added);
    session.out() << ToJson(response);
  } else {
    session.out() << "Added m2m config " << added.id() << " for " << added.issuer() << ".\n";
  }
  return absl::OkStatus();
}

absl::Status RunUpdate(Session& session) {
  session.set_not_found_hint(kNotFoundHint);
  ASSIGN_OR_RETURN(Config config, ConfigFromCommandLine(session));
  config.set_id(session.invocation().args[0]);  // the argument names it, not the file
  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, session.Connect());
  ASSIGN_OR_RETURN(Config updated, client->UpdateAuthMachineToMachineConfig(config));
  if (session.format() == OutputFormat::kJson) {
    v1::UpdateAuthMachineToMachineConfigResponse response;
    *response.mutable_config() = std::move(updated);
    session.out() << ToJson(response);
  } else {
    session.out() << "Updated m2m config " << updated.id() << " for " << updated.issuer() << ".\n";
  }
  return absl::OkStatus();
}

absl::Status RunDelete(Session& session) {
  session.set_not_found_hint(kNotFoundHint);
  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, session.Connect());
  const std::string& id = session.invocation().args[0];
  RETURN_IF_ERROR(client->DeleteAuthMachineToMachineConfig(id));
  if (session.format() == OutputFormat::kJson) {
    session.out() << ToJson(v1::DeleteAuthMachineToMachineConfigResponse());
  } else {
    session.out() << "Deleted m2m config " << id << ".\n";
  }
  return absl::OkStatus();
}

absl::Status RunExchange(Session& session) {
  session.set_unauthenticated_hint(kRefusedHint);
  const ParsedFlags& flags = session.flags();
  if (!flags.Has("token-file")) {
    return session.Usage("--token-file is required (the ID token's file, - for stdin)");
  }
  if (flags.Has("token")) {
    return session.Usage(
        "--token is not used: the exchange sends no Warden credentials; give the ID token "
        "with --token-file");
  }
  // Errors name the file, never its content: the ID token is a credential.
  absl::StatusOr<std::string> read = ReadSecretFile(flags.Get("token-file"));
  if (!read.ok()) return LocalError(read.status());
  const std::string id_token(absl::StripAsciiWhitespace(*read));
  // Before the exchange, so that an unwritable path costs nothing.
  std::unique_ptr<PrivateFileWriter> file;
  const std::string output_file = flags.Get("output-file");
  if (!output_file.empty()) {
    absl::StatusOr<std::unique_ptr<PrivateFileWriter>> opened =
        PrivateFileWriter::Open(output_file);
    if (!opened.ok()) return LocalError(opened.status());
    file = *std::move(opened);
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, session.ConnectWith(Credentials()));
  ASSIGN_OR_RETURN(v1::ExchangeAuthMachineToMachineTokenResponse exchanged,
                   client->ExchangeAuthMachineToMachineToken(id_token));
  const std::string expires = FormatTimestamp(exchanged.expiration());
  if (file != nullptr) {
    if (absl::Status saved = file->Commit(exchanged.access_token() + "\n"); !saved.ok()) {
      return LocalError(saved);
    }
    exchanged.clear_access_token();
    if (session.format() == OutputFormat::kJson) {
      session.out() << ToJson(exchanged);
    } else {
      session.out() << RenderFields(
          {{"EXPIRES", expires},
           {"TOKEN", absl::StrCat("written to ", output_file, " (mode 0600)")}});
    }
    return absl::OkStatus();
  }
  if (session.format() == OutputFormat::kJson) {
    session.out() << ToJson(exchanged);
  } else {
    // stdout carries the token alone, for TOKEN=$(wardenctl m2m exchange ...).
    session.out() << exchanged.access_token() << "\n";
    session.err() << "Exchanged the ID token for a Warden token that expires " << expires << ".\n";
  }
  return absl::OkStatus();
}

std::vector<FlagSpec> ConfigFlags(const std::string& issuer_help) {
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

constexpr char kConfigDescription[] =
    "A --map value is KEY=REGEX=ROLE: the ID token's claim KEY (dots reach into\n"
    "nested objects: kubernetes.io.namespace) must match the RE2 expression REGEX in\n"
    "full (org/repo does not match org/repo-evil; for an array claim, any element), and\n"
    "then the Warden token gets ROLE. It is split at the first and the last '=', so\n"
    "REGEX may hold '=' but KEY and ROLE may not. The token gets every role whose\n"
    "mapping matches; a token that matches none is refused.\n"
    "\n"
    "With --file, the whole config comes from a file instead: JSON in the protobuf\n"
    "mapping (as `wardenctl m2m config get -o json` prints it), or YAML with the same\n"
    "fields in snake_case:\n"
    "  type: github-actions\n"
    "  audiences: [warden]\n"
    "  token_expiration_duration: 5m\n"
    "  mappings:\n"
    "    - key: repository\n"
    "      value_expression: my-org/deploy\n"
    "      role: Continuous Integration";

}  // namespace

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

Command M2mCommand() {
  Command list{
      .name = "list",
      .summary = "List the machine-to-machine configs",
      .description =
          "List every machine-to-machine config, sorted by issuer: its id, type, issuer,\n"
          "audiences, the lifetime of exchanged tokens and how many mappings it has.",
      .examples = {"wardenctl m2m config list",
                   "wardenctl m2m config list -o json | jq -r '.configs[].id'"},
      .run = RunList,
  };
  Command get{
      .name = "get",
      .summary = "Show one machine-to-machine config with its mappings",
      .arguments = "ID",
      .min_args = 1,
      .max_args = 1,
      .examples = {"wardenctl m2m config get 5f0c3f5e-1d2b-4c3a-9e8f-7a6b5c4d3e2f"},
      .run = RunGet,
  };
  Command add{
      .name = "add",
      .summary = "Trust an OIDC issuer: map its ID tokens' claims to roles",
      .description = absl::StrCat(
          "Trust the ID tokens of an OIDC issuer (https) that carry one of the audiences,\n"
          "and say which roles they get. Warden fetches the issuer's keys first (OIDC\n"
          "discovery) and stores nothing if that fails. For --type github-actions the\n"
          "issuer is GitHub's and --issuer may be left out.\n\n",
          kConfigDescription),
      .flags = ConfigFlags("the issuer's URL, https (required unless github-actions)"),
      .examples = {"wardenctl m2m config add --type github-actions --audience warden "
                   "--token-lifetime 5m --map 'repository=my-org/deploy=Continuous Integration'",
                   "wardenctl m2m config add --issuer https://oidc.eks.example.com/id/ABC "
                   "--type kube-service-account --audience warden --token-lifetime 1h "
                   "--map 'sub=system:serviceaccount:ci:.*=Analyst'",
                   "wardenctl m2m config add -f github.yaml"},
      .run = RunAdd,
  };
  Command update{
      .name = "update",
      .summary = "Replace a machine-to-machine config",
      .arguments = "ID",
      .description = absl::StrCat(
          "Replace the config ID by the one the flags (or --file) describe, as `add` takes\n"
          "it: everything is replaced, so give every flag again. If the new issuer's keys\n"
          "cannot be fetched, the old config stays.\n\n",
          kConfigDescription),
      .flags = ConfigFlags("the issuer's URL, https (required unless github-actions)"),
      .min_args = 1,
      .max_args = 1,
      .examples = {"wardenctl m2m config update 5f0c3f5e-... --type github-actions --audience "
                   "warden --token-lifetime 10m --map 'repository=my-org/.*=Analyst'"},
      .run = RunUpdate,
  };
  Command remove{
      .name = "delete",
      .summary = "Delete a machine-to-machine config",
      .arguments = "ID",
      .description =
          "Delete a machine-to-machine config. Warden tokens exchanged through it are\n"
          "refused from then on.",
      .min_args = 1,
      .max_args = 1,
      .run = RunDelete,
  };
  Command config{
      .name = "config",
      .summary = "Add, list, show, replace and delete the trusted OIDC issuers",
      .description =
          "Machine-to-machine configs say which OIDC issuers Warden trusts (GitHub Actions,\n"
          "a Kubernetes cluster's service accounts, any OIDC provider) and which claims of\n"
          "their ID tokens map to which roles. Reading needs READ_ACCESS on Access,\n"
          "changing needs READ_WRITE_ACCESS.",
      .subcommands = {list, get, add, update, remove},
  };
  Command exchange{
      .name = "exchange",
      .summary = "Trade an OIDC ID token for a short-lived Warden token",
      .description =
          "Trade an ID token from a trusted issuer (see `wardenctl m2m config`) for a\n"
          "Warden token with the roles its claims map to. The ID token is the credential:\n"
          "no Warden token or login is needed, and none is sent. The Warden token goes to\n"
          "stdout alone, or with --output-file only to that file (mode 0600). -o json\n"
          "prints the whole answer (accessToken, expiration). The ID token is never\n"
          "printed. A refused ID token is UNAUTHENTICATED (exit 2) with Warden's reason.",
      .flags = {{.name = "token-file",
                 .value_name = "FILE",
                 .help = "read the ID token from FILE (- for stdin) (required)",
                 .file_value = true},
                {.name = "output-file",
                 .value_name = "FILE",
                 .help = "write the Warden token to FILE (mode 0600) instead of stdout",
                 .file_value = true}},
      .examples = {"TOKEN=$(wardenctl m2m exchange --token-file \"$ID_TOKEN_FILE\")",
                   "echo \"$ID_TOKEN\" | wardenctl m2m exchange --token-file - --output-file "
                   "warden.token"},
      .run = RunExchange,
  };
  return Command{
      .name = "m2m",
      .summary = "Machine-to-machine: trust OIDC issuers, exchange their ID tokens",
      .description =
          "Machine-to-machine authentication: workloads that hold an OIDC ID token (GitHub\n"
          "Actions, Kubernetes service accounts, any OIDC provider) trade it for a\n"
          "short-lived Warden token, with roles chosen by the token's claims\n"
          "(warden.v1.AuthService).",
      .subcommands = {config, exchange},
  };
}

}  // namespace warden::cli
