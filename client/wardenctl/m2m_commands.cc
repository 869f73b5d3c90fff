#include "client/wardenctl/m2m_commands.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "client/wardenctl/object_commands.h"
#include "client/wardenctl/output.h"
#include "client/wardenctl/secret_io.h"
#include "client/wardenctl/secret_output.h"
#include "client/wardenctl/session.h"
#include "common/status_macros.h"

namespace warden::cli {
namespace {

using Config = v1::AuthMachineToMachineConfig;

constexpr char kNotFoundHint[] = "check the id (`wardenctl m2m config list`)";
constexpr char kRefusedHint[] =
    "Warden did not accept the ID token; check its issuer, audience, expiry and claims "
    "against the m2m config";

std::string AudiencesCell(const Config& config) {
  if (config.allow_any_audience()) return "(any)";
  if (config.audiences().empty()) return "-";
  return absl::StrJoin(config.audiences(), ", ");
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
  ASSIGN_OR_RETURN(Config config, M2mConfigFromCommandLine(session));
  config.clear_id();
  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, session.Connect());
  ASSIGN_OR_RETURN(Config added, client->AddAuthMachineToMachineConfig(config));
  v1::AddAuthMachineToMachineConfigResponse response;
  *response.mutable_config() = std::move(added);
  return PrintDone(session, response,
                   absl::StrCat("Added m2m config ", response.config().id(), " for ",
                                response.config().issuer()));
}

absl::Status RunUpdate(Session& session) {
  session.set_not_found_hint(kNotFoundHint);
  ASSIGN_OR_RETURN(Config config, M2mConfigFromCommandLine(session));
  config.set_id(session.invocation().args[0]);  // the argument names it, not the file
  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, session.Connect());
  ASSIGN_OR_RETURN(Config updated, client->UpdateAuthMachineToMachineConfig(config));
  v1::UpdateAuthMachineToMachineConfigResponse response;
  *response.mutable_config() = std::move(updated);
  return PrintDone(session, response,
                   absl::StrCat("Updated m2m config ", response.config().id(), " for ",
                                response.config().issuer()));
}

absl::Status RunDelete(Session& session) {
  session.set_not_found_hint(kNotFoundHint);
  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, session.Connect());
  const std::string& id = session.invocation().args[0];
  RETURN_IF_ERROR(client->DeleteAuthMachineToMachineConfig(id));
  return PrintDone(session, v1::DeleteAuthMachineToMachineConfigResponse(),
                   absl::StrCat("Deleted m2m config ", id));
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
  // The ID token is a credential: not in cleartext across a network without consent.
  RETURN_IF_ERROR(session.CheckCleartext("ID token"));
  // Errors name the file, never its content.
  absl::StatusOr<std::string> read = ReadSecretFile(flags.Get("token-file"));
  if (!read.ok()) return LocalError(read.status());
  const std::string id_token(absl::StripAsciiWhitespace(*read));
  // Before the exchange, so that an unwritable path costs nothing.
  ASSIGN_OR_RETURN(SecretTokenOutput output, SecretTokenOutput::Open(flags));
  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, session.ConnectWith(Credentials()));
  ASSIGN_OR_RETURN(v1::ExchangeAuthMachineToMachineTokenResponse exchanged,
                   client->ExchangeAuthMachineToMachineToken(id_token));
  const std::string expires = FormatTimestamp(exchanged.expiration());
  return output.Put(session, exchanged.access_token(),
                    {.response = &exchanged,
                     .clear_token = [&] { exchanged.clear_access_token(); },
                     .fields = {{"EXPIRES", expires}},
                     .note = absl::StrCat("Exchanged the ID token for a Warden token that expires ",
                                          expires, ".\n"),
                     .on_save_error = nullptr});
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
      .flags = M2mConfigFlags("the issuer's URL, https (required unless github-actions)"),
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
      .flags = M2mConfigFlags("the issuer's URL, https (required unless github-actions)"),
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
