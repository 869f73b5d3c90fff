#include "client/wardenctl/login_commands.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/wardenctl/output.h"
#include "client/wardenctl/secret_io.h"
#include "client/wardenctl/session.h"
#include "client/wardenctl/time_flags.h"
#include "common/status_macros.h"

namespace warden::cli {
namespace {

constexpr char kAdminRole[] = "Admin";
constexpr int kMaxTokenNameLength = 128;

absl::StatusOr<std::string> ReadPassword(Session& session, const std::string& endpoint) {
  absl::StatusOr<std::string> password =
      session.flags().Has("password-file")
          ? ReadSecretFile(session.flags().Get("password-file"))
          : PromptSecret(absl::StrCat("Admin password for ", endpoint, ": "));
  if (!password.ok()) return LocalError(password.status());
  return password;
}

absl::Status RunLogin(Session& session) {
  session.set_logging_in();
  ASSIGN_OR_RETURN(absl::Duration lifetime,
                   ParseLifetime(session, "lifetime", session.flags().Get("lifetime", "12h")));
  ASSIGN_OR_RETURN(std::string endpoint, session.Endpoint());
  ASSIGN_OR_RETURN(std::string config_path, session.ConfigPath());
  // Refused before the password is asked for, let alone sent.
  RETURN_IF_ERROR(session.CheckCleartext("admin password"));
  ASSIGN_OR_RETURN(std::string password, ReadPassword(session, endpoint));
  ASSIGN_OR_RETURN(std::unique_ptr<Client> client,
                   session.ConnectWith(Credentials::AdminPassword(std::move(password))));

  v1::GenerateTokenRequest request;
  std::string name = absl::StrCat("wardenctl login ", session.environment().user, "@",
                                  session.environment().hostname);
  request.set_name(name.substr(0, kMaxTokenNameLength));
  request.add_roles(kAdminRole);
  request.mutable_expiration()->set_seconds(absl::ToUnixSeconds(absl::Now() + lifetime));
  ASSIGN_OR_RETURN(v1::GenerateTokenResponse minted, client->GenerateToken(request));

  SessionConfig config;
  config.endpoint = endpoint;
  config.use_tls = client->options().use_tls;
  config.ca_file = client->options().ca_file;
  config.tls_server_name = client->options().tls_server_name;
  config.cert_file = client->options().cert_file;
  config.key_file = client->options().key_file;
  config.insecure_plaintext = client->options().allow_insecure_plaintext;
  config.token = minted.token();
  config.token_id = minted.metadata().id();
  config.expiration = FormatTimestamp(minted.metadata().expiration());
  if (absl::Status saved = SaveSessionConfig(config_path, config); !saved.ok()) {
    client->RevokeToken(minted.metadata().id()).IgnoreError();  // do not leave it lying around
    return LocalError(saved);
  }
  minted.clear_token();
  if (session.format() == OutputFormat::kJson) {
    session.out() << ToJson(minted);
  } else {
    session.out() << "Logged in to " << endpoint << " as admin until " << config.expiration
                  << " (session token " << config.token_id << ", kept in " << config_path << ").\n";
  }
  return absl::OkStatus();
}

absl::Status RunLogout(Session& session) {
  ASSIGN_OR_RETURN(std::string endpoint, session.Endpoint());
  ASSIGN_OR_RETURN(std::string config_path, session.ConfigPath());
  ASSIGN_OR_RETURN(std::optional<SessionConfig> config, session.LoadConfig());
  if (!config.has_value() || config->token.empty() || config->endpoint != endpoint) {
    session.err() << "Not logged in to " << endpoint << ".\n";
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Client> client,
                   session.ConnectWith(Credentials::BearerToken(config->token)));
  absl::StatusOr<v1::TokenMetadata> revoked = client->RevokeToken(config->token_id);
  // An expired or already revoked session has nothing left to revoke.
  if (!revoked.ok() && revoked.status().code() != absl::StatusCode::kUnauthenticated) {
    return absl::Status(revoked.status().code(),
                        absl::StrCat(revoked.status().message(), " (the session in ", config_path,
                                     " is kept; remove it to forget the session anyway)"));
  }
  if (absl::Status removed = RemoveSessionConfig(config_path); !removed.ok()) {
    return LocalError(removed);
  }
  session.out() << "Logged out of " << endpoint << "; session token " << config->token_id
                << " revoked.\n";
  return absl::OkStatus();
}

std::string KindName(v1::IdentityKind kind) {
  switch (kind) {
    case v1::IDENTITY_KIND_API_TOKEN:
      return "api token";
    case v1::IDENTITY_KIND_ADMIN:
      return "admin";
    case v1::IDENTITY_KIND_M2M:
      return "m2m";
    default:
      return "unspecified";
  }
}

absl::Status RunWhoami(Session& session) {
  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, session.Connect());
  ASSIGN_OR_RETURN(v1::Identity identity, client->GetAuthStatus());
  if (session.format() == OutputFormat::kJson) {
    v1::GetAuthStatusResponse response;
    *response.mutable_identity() = std::move(identity);
    session.out() << ToJson(response);
    return absl::OkStatus();
  }
  session.out() << RenderFields({
      {"KIND", KindName(identity.kind())},
      {"ID", identity.id()},
      {"NAME", identity.name()},
      {"ROLES", absl::StrJoin(identity.roles(), ", ")},
      {"EXPIRES", FormatTimestamp(identity.expiration(), "never")},
  });
  std::vector<std::pair<std::string, v1::AccessLevel>> permissions(identity.permissions().begin(),
                                                                   identity.permissions().end());
  std::sort(permissions.begin(), permissions.end());
  Table table({"RESOURCE", "ACCESS"});
  for (const auto& [resource, level] : permissions)
    table.AddRow({resource, AccessLevelName(level)});
  session.out() << "\n" << table.Render();
  return absl::OkStatus();
}

}  // namespace

Command LoginCommand() {
  return Command{
      .name = "login",
      .summary = "Log in with the admin password; keep a short-lived session token",
      .description =
          "Trade the admin password for a short-lived token with the Admin role and keep\n"
          "only that token (and the endpoint) in $XDG_CONFIG_HOME/warden/config.json, mode\n"
          "0600. The password is asked on the terminal without echo, or read from\n"
          "--password-file; it is never stored. Later commands to the same endpoint use the\n"
          "session until it expires; `wardenctl logout` revokes it.",
      .flags = {{.name = "password-file",
                 .value_name = "FILE",
                 .help = "read the admin password from FILE (- for stdin) instead of asking",
                 .file_value = true},
                {.name = "lifetime",
                 .value_name = "DURATION",
                 .help = "how long the session lasts (default 12h)"}},
      .examples = {"wardenctl login --endpoint warden.internal:8443 --ca-file ca.pem",
                   "wardenctl login --password-file .warden/data/admin-password --lifetime 1h"},
      .run = RunLogin,
  };
}

Command LogoutCommand() {
  return Command{
      .name = "logout",
      .summary = "Revoke the session token and forget it",
      .description = "Revoke the login session's token on Warden and remove the session file.",
      .run = RunLogout,
  };
}

Command WhoamiCommand() {
  return Command{
      .name = "whoami",
      .summary = "Show who the credentials belong to and what they may do",
      .description =
          "Show the calling identity: kind, id, name, roles, expiry, and the access\n"
          "level its roles grant on each resource.",
      .examples = {"wardenctl whoami", "wardenctl whoami --token-file ci.token -o json"},
      .run = RunWhoami,
  };
}

}  // namespace warden::cli
