#include "client/wardenctl/commands.h"

#include "absl/strings/str_cat.h"
#include "client/wardenctl/auth_provider_commands.h"
#include "client/wardenctl/completion.h"
#include "client/wardenctl/help.h"
#include "client/wardenctl/login_commands.h"
#include "client/wardenctl/m2m_commands.h"
#include "client/wardenctl/permission_set_commands.h"
#include "client/wardenctl/role_commands.h"
#include "client/wardenctl/scope_commands.h"
#include "client/wardenctl/session.h"
#include "client/wardenctl/token_commands.h"

namespace warden::cli {
namespace {

constexpr char kRootDescription[] =
    R"(wardenctl manages Warden API tokens, and the roles, permission sets and access
scopes they carry, from a terminal or a script. It also manages which OIDC issuers
Warden trusts and trades their ID tokens for Warden tokens (`wardenctl m2m`).

Log in once with the admin password (`wardenctl login`), or as yourself through an
auth provider (`wardenctl login --provider NAME`, managed with `wardenctl
auth-provider`): wardenctl keeps a short-lived session token, never a password, in
$XDG_CONFIG_HOME/warden/config.json (default ~/.config/warden/, mode 0600). Or pass a token with --token-file, --token or
WARDEN_TOKEN; those win over the session, which is only sent to the endpoint that
issued it.

Environment:
  WARDEN_ENDPOINT   the server (default 127.0.0.1:8443); --endpoint wins
  WARDEN_TOKEN      a token to authenticate with; --token / --token-file win

Exit codes:
  0  success
  1  usage error, or a local problem (unreadable file, no terminal)
  2  Warden answered with an error (UNAUTHENTICATED, PERMISSION_DENIED, NOT_FOUND, ...)
  3  Warden could not be reached (UNAVAILABLE, DEADLINE_EXCEEDED))";

Command HelpCommand() {
  return Command{
      .name = "help",
      .summary = "Show the help of a command",
      .arguments = "[COMMAND...]",
      .max_args = 8,
      .examples = {"wardenctl help token create"},
      .run = [](Session& session) -> absl::Status {
        std::vector<const Command*> path = {session.invocation().path.front()};
        for (const std::string& word : session.invocation().args) {
          const Command* sub = path.back()->FindSubcommand(word);
          if (sub == nullptr) return session.Usage(absl::StrCat("unknown command \"", word, "\""));
          path.push_back(sub);
        }
        session.out() << RenderHelp(path, GlobalFlags());
        return absl::OkStatus();
      },
  };
}

Command VersionCommand() {
  return Command{
      .name = "version",
      .summary = "Print wardenctl's version",
      .run = [](Session& session) -> absl::Status {
        session.out() << "wardenctl " << WARDEN_VERSION << "\n";
        return absl::OkStatus();
      },
  };
}

}  // namespace

const std::vector<FlagSpec>& GlobalFlags() {
  static const std::vector<FlagSpec>* const flags = new std::vector<FlagSpec>{
      {.name = "endpoint",
       .value_name = "HOST:PORT",
       .help = "Warden's address (env WARDEN_ENDPOINT; default: login's, else 127.0.0.1:8443)"},
      {.name = "token",
       .value_name = "TOKEN",
       .help = "authenticate with TOKEN (env WARDEN_TOKEN; ps shows it: prefer --token-file)"},
      {.name = "token-file",
       .value_name = "FILE",
       .help = "authenticate with the token in FILE",
       .file_value = true},
      {.name = "tls", .help = "use TLS with the system's CA certificates"},
      {.name = "insecure-plaintext",
       .help = "send credentials without TLS to an address that is not loopback "
               "(env WARDEN_INSECURE_PLAINTEXT=true)"},
      {.name = "ca-file",
       .value_name = "FILE",
       .help = "use TLS and trust the CA certificates in FILE (PEM)",
       .file_value = true},
      {.name = "cert-file",
       .value_name = "FILE",
       .help = "present the client certificate in FILE (PEM; with --key-file, needs TLS)",
       .file_value = true},
      {.name = "key-file",
       .value_name = "FILE",
       .help = "the private key of --cert-file (PEM)",
       .file_value = true},
      {.name = "tls-server-name",
       .value_name = "NAME",
       .help = "expect NAME in the server's certificate, not the endpoint's host"},
      {.name = "timeout",
       .value_name = "DURATION",
       .help = "deadline of each call, retries included (default 10s)"},
      {.name = "output",
       .short_name = 'o',
       .value_name = "FORMAT",
       .help = "table (default) or json (the protobuf JSON mapping, for jq)",
       .choices = {"table", "json"}},
      {.name = "help", .short_name = 'h', .help = "show help for the command"},
  };
  return *flags;
}

Command BuildRootCommand() {
  return Command{
      .name = "wardenctl",
      .summary = "Manage Warden API tokens and roles",
      .description = kRootDescription,
      .examples = {"wardenctl login", "wardenctl login --provider corp-sso",
                   "wardenctl token create --name ci --role 'Continuous "
                   "Integration' --expires-in 720h --output-file ci.token",
                   "wardenctl token list -o json | jq -r '.tokens[].id'",
                   "wardenctl role create 'Token Issuer' --permission-set 'Token Issuer'",
                   "TOKEN=$(wardenctl m2m exchange --token-file \"$ID_TOKEN_FILE\")"},
      .subcommands = {LoginCommand(), LogoutCommand(), WhoamiCommand(), TokenCommand(),
                      RoleCommand(), PermissionSetCommand(), ScopeCommand(), M2mCommand(),
                      AuthProviderCommand(), CompletionCommand(), HelpCommand(), VersionCommand()},
  };
}

}  // namespace warden::cli
