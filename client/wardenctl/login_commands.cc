#include "client/wardenctl/login_commands.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/wardenctl/output.h"
#include "client/wardenctl/provider_login.h"
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
  if (session.flags().Has("provider")) return RunProviderLogin(session);
  for (const char* flag : {"device", "no-browser"}) {
    if (session.flags().Has(flag)) {
      return session.Usage(absl::StrCat("--", flag, " needs --provider NAME"));
    }
  }
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

  SessionConfig config = NewSessionConfig(client->options());
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
  // The session token ends itself, whoever it belongs to (a person, or the admin's token).
  absl::Status revoked = client->SignOut();
  if (revoked.code() == absl::StatusCode::kUnimplemented) {
    // A server older than SignOut: the admin's session may revoke itself by id.
    revoked = client->RevokeToken(config->token_id).status();
  }
  // An expired or already revoked session has nothing left to revoke.
  if (!revoked.ok() && revoked.code() != absl::StatusCode::kUnauthenticated) {
    return absl::Status(revoked.code(),
                        absl::StrCat(revoked.message(), " (the session in ", config_path,
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
    case v1::IDENTITY_KIND_USER:
      return "user";
    default:
      return "unspecified";
  }
}

}  // namespace

std::string RenderWhoami(const v1::Identity& identity) {
  std::vector<std::pair<std::string, std::string>> fields = {
      {"KIND", KindName(identity.kind())},
      {"ID", identity.id()},
      {"NAME", identity.name()},
  };
  if (!identity.auth_provider().empty()) fields.push_back({"PROVIDER", identity.auth_provider()});
  fields.push_back({"ROLES", absl::StrJoin(identity.roles(), ", ")});
  fields.push_back({"EXPIRES", FormatTimestamp(identity.expiration(), "never")});
  std::string out = RenderFields(fields);
  if (!identity.claims().empty()) {
    Table claims({"CLAIM", "VALUES"});
    for (const v1::IdentityClaim& claim : identity.claims()) {
      claims.AddRow({claim.key(), absl::StrJoin(claim.values(), ", ")});
    }
    absl::StrAppend(&out, "\n", claims.Render());
  }
  std::vector<std::pair<std::string, v1::AccessLevel>> permissions(identity.permissions().begin(),
                                                                   identity.permissions().end());
  std::sort(permissions.begin(), permissions.end());
  Table table({"RESOURCE", "ACCESS"});
  for (const auto& [resource, level] : permissions)
    table.AddRow({resource, AccessLevelName(level)});
  absl::StrAppend(&out, "\n", table.Render());
  return out;
}

namespace {

absl::Status RunWhoami(Session& session) {
  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, session.Connect());
  ASSIGN_OR_RETURN(v1::Identity identity, client->GetAuthStatus());
  if (session.format() == OutputFormat::kJson) {
    v1::GetAuthStatusResponse response;
    *response.mutable_identity() = std::move(identity);
    session.out() << ToJson(response);
    return absl::OkStatus();
  }
  session.out() << RenderWhoami(identity);
  return absl::OkStatus();
}

}  // namespace

Command LoginCommand() {
  return Command{
      .name = "login",
      .summary = "Log in with the admin password or an auth provider; keep a session token",
      .description =
          "Trade the admin password for a short-lived token with the Admin role and keep\n"
          "only that token (and the endpoint) in $XDG_CONFIG_HOME/warden/config.json, mode\n"
          "0600. The password is asked on the terminal without echo, or read from\n"
          "--password-file; it is never stored. Later commands to the same endpoint use the\n"
          "session until it expires; `wardenctl logout` revokes it.\n"
          "\n"
          "With --provider NAME, sign in as yourself through that auth provider instead:\n"
          "wardenctl listens on 127.0.0.1 for the provider's redirect to\n"
          "http://127.0.0.1:<port>/callback (the provider must allow it), prints the URL\n"
          "to open on stderr (\"Open this URL to sign in: ...\") and opens a browser when\n"
          "there is a display, then waits up to --timeout (default 5m). The session has the\n"
          "roles the provider's rules give you and lasts as long as Warden says; it is kept\n"
          "as above. With --device (no browser on this machine), wardenctl prints a URL and\n"
          "a code to enter anywhere, and waits until you approve or the code expires.",
      .flags = {{.name = "password-file",
                 .value_name = "FILE",
                 .help = "read the admin password from FILE (- for stdin) instead of asking",
                 .file_value = true},
                {.name = "lifetime",
                 .value_name = "DURATION",
                 .help = "how long the session lasts (default 12h)"},
                {.name = "provider",
                 .value_name = "NAME",
                 .help = "sign in through the auth provider NAME instead of the admin password"},
                {.name = "device",
                 .help = "with --provider: sign in on another device with a code (RFC 8628)"},
                {.name = "no-browser",
                 .help = "with --provider: only print the URL, do not open a browser"},
                {.name = "timeout",
                 .value_name = "DURATION",
                 .help = "with --provider: how long to wait for the sign-in (default 5m; "
                         "--device: until the code expires); else each call's deadline"}},
      .examples = {"wardenctl login --endpoint warden.internal:8443 --ca-file ca.pem",
                   "wardenctl login --password-file .warden/data/admin-password --lifetime 1h",
                   "wardenctl login --provider corp-sso",
                   "wardenctl login --provider corp-sso --device"},
      .run = RunLogin,
  };
}

Command LogoutCommand() {
  return Command{
      .name = "logout",
      .summary = "End the login session and forget it",
      .description =
          "Revoke the login session's token on Warden (AuthService.SignOut: the token ends\n"
          "itself, whether it is a person's session or the admin's) and remove the session\n"
          "file. A session that has already expired or was revoked is simply forgotten.",
      .run = RunLogout,
  };
}

Command WhoamiCommand() {
  return Command{
      .name = "whoami",
      .summary = "Show who the credentials belong to and what they may do",
      .description =
          "Show the calling identity: kind, id, name, roles, expiry, and the access\n"
          "level its roles grant on each resource. For a person signed in through an auth\n"
          "provider, also the provider and the claims the sign-in used.",
      .examples = {"wardenctl whoami", "wardenctl whoami --token-file ci.token -o json"},
      .run = RunWhoami,
  };
}

}  // namespace warden::cli
