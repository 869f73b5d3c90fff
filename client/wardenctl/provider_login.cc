#include "client/wardenctl/provider_login.h"

#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>  // environ

#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "client/wardenctl/exit_codes.h"
#include "client/wardenctl/loopback_callback.h"
#include "client/wardenctl/output.h"
#include "common/status_macros.h"

namespace warden::cli {
namespace {

constexpr size_t kMaxSessionNameChars = 64;
constexpr int kDefaultDevicePollSeconds = 5;  // RFC 8628 section 3.2

// Opens `url` in the person's browser without waiting for it; its output is thrown away so
// that it cannot mix with wardenctl's. Best effort: the URL is printed anyway.
void OpenBrowser(const std::string& url) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  for (int fd : {0, 1, 2}) {
    posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0);
  }
  std::string program = "xdg-open";
  std::string argument = url;
  char* argv[] = {program.data(), argument.data(), nullptr};
  pid_t pid;
  posix_spawnp(&pid, program.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
}

// --timeout for this command: the whole wait for the person (default `fallback`).
absl::StatusOr<absl::Duration> WaitTimeout(Session& session, absl::Duration fallback) {
  if (!session.flags().Has("timeout")) return fallback;
  absl::Duration wait;
  if (!absl::ParseDuration(session.flags().Get("timeout"), &wait) || wait <= absl::ZeroDuration()) {
    return session.Usage("--timeout must be a positive duration such as 5m or 90s");
  }
  return wait;
}

// Keeps `signed_in` as the login session, as `wardenctl login` keeps its token, and prints
// what happened. If the file cannot be written, the session is ended again rather than
// left alive with nobody holding it.
absl::Status KeepSession(Session& session, const Client& anonymous, const std::string& config_path,
                         v1::SignInSession signed_in, const std::string& provider) {
  SessionConfig config = NewSessionConfig(anonymous.options());
  config.token = signed_in.token();
  config.token_id = signed_in.token_id();
  config.expiration = FormatTimestamp(signed_in.expiration());
  if (absl::Status saved = SaveSessionConfig(config_path, config); !saved.ok()) {
    if (absl::StatusOr<std::unique_ptr<Client>> owner =
            session.ConnectWith(Credentials::BearerToken(signed_in.token()));
        owner.ok()) {
      (*owner)->SignOut().IgnoreError();
    }
    return LocalError(saved);
  }
  signed_in.clear_token();
  if (session.format() == OutputFormat::kJson) {
    v1::CompleteSignInResponse response;
    *response.mutable_session() = std::move(signed_in);
    session.out() << ToJson(response);
  } else {
    session.out() << SignedInLine(signed_in, provider) << "\n";
  }
  return absl::OkStatus();
}

// NOT_FOUND from StartSignIn: name the providers there are (GetSignInOptions needs no
// credentials).
void SuggestProviders(Session& session, Client& client) {
  absl::StatusOr<v1::GetSignInOptionsResponse> options = client.GetSignInOptions();
  if (!options.ok()) return;
  std::vector<std::string> names;
  for (const v1::SignInProvider& provider : options->providers()) names.push_back(provider.name());
  session.set_not_found_hint(names.empty()
                                 ? std::string("Warden has no auth providers")
                                 : absl::StrCat("the providers are: ", absl::StrJoin(names, ", ")));
}

absl::Status BrowserLogin(Session& session, Client& client, const std::string& config_path,
                          const std::string& provider, absl::Duration wait) {
  absl::StatusOr<LoopbackListener> listener = LoopbackListener::Open();
  if (!listener.ok()) return LocalError(listener.status());
  absl::StatusOr<v1::StartSignInResponse> started =
      client.StartSignIn(provider, listener->RedirectUri());
  if (!started.ok()) {
    if (started.status().code() == absl::StatusCode::kNotFound) SuggestProviders(session, client);
    return started.status();
  }
  // The code verifier stays in this process: never printed, never in a URL.
  session.err() << kOpenUrlPrefix << started->authorization_url() << "\n" << std::flush;
  if (session.environment().has_display && !session.flags().Has("no-browser")) {
    OpenBrowser(started->authorization_url());
  }
  const absl::Time deadline = absl::Now() + wait;
  while (true) {
    absl::StatusOr<std::optional<LoopbackListener::Connection>> accepted =
        listener->Accept(deadline);
    if (!accepted.ok()) return LocalError(accepted.status());
    if (!accepted->has_value()) {
      return LocalError(absl::DeadlineExceededError(absl::StrCat(
          "the sign-in did not come back to ", listener->RedirectUri(), " within ",
          absl::FormatDuration(wait),
          "; run the command again (--timeout to wait longer, --device without a browser here)")));
    }
    LoopbackListener::Connection& connection = **accepted;
    const CallbackRequest request = ReadCallbackRequest(connection.head(), started->state());
    switch (request.kind) {
      case CallbackRequest::Kind::kNotCallback:
        connection.Answer(HtmlResponse(404, "Not found", "wardenctl is waiting for a sign-in."));
        continue;
      case CallbackRequest::Kind::kWrongState:
        connection.Answer(HtmlResponse(
            400, "Sign-in failed",
            "This sign-in was not started by the wardenctl waiting here (its state does not "
            "match). Run wardenctl login again."));
        return absl::UnauthenticatedError(
            "the sign-in callback carried a missing or different state than the sign-in "
            "wardenctl started; refused it (a stale browser tab, or a forged request)");
      case CallbackRequest::Kind::kProviderError: {
        const std::string reason =
            request.error_description.empty()
                ? request.error
                : absl::StrCat(request.error, ": ", request.error_description);
        connection.Answer(
            HtmlResponse(400, "Sign-in failed", absl::StrCat("The auth provider said: ", reason)));
        return absl::UnauthenticatedError(
            absl::StrCat("auth provider ", provider, " refused the sign-in: ", reason));
      }
      case CallbackRequest::Kind::kNoCode:
        connection.Answer(HtmlResponse(400, "Sign-in failed",
                                       "The auth provider sent neither a code nor an error."));
        return absl::UnauthenticatedError(
            "the sign-in callback carried neither a code nor an error");
      case CallbackRequest::Kind::kCode:
        break;
    }
    v1::CompleteSignInRequest complete;
    complete.set_state(started->state());
    complete.set_code(request.code);
    complete.set_code_verifier(started->code_verifier());
    complete.set_session_name(SignInSessionName(session.environment().hostname));
    absl::StatusOr<v1::SignInSession> signed_in = client.CompleteSignIn(complete);
    if (!signed_in.ok()) {
      connection.Answer(
          HtmlResponse(400, "Sign-in failed",
                       absl::StrCat("Warden refused the sign-in: ", signed_in.status().message())));
      return signed_in.status();
    }
    const std::string name = signed_in->identity().name();
    if (absl::Status kept =
            KeepSession(session, client, config_path, *std::move(signed_in), provider);
        !kept.ok()) {
      connection.Answer(
          HtmlResponse(400, "Sign-in failed",
                       absl::StrCat("wardenctl could not keep the session: ", kept.message())));
      return kept;
    }
    connection.Answer(
        HtmlResponse(200, "Signed in",
                     absl::StrCat("Signed in to Warden as ", name, ". You can close this tab.")));
    return absl::OkStatus();
  }
}

absl::Status DeviceLogin(Session& session, Client& client, const std::string& config_path,
                         const std::string& provider, std::optional<absl::Duration> wait) {
  absl::StatusOr<v1::StartDeviceSignInResponse> started = client.StartDeviceSignIn(provider);
  if (!started.ok()) {
    if (started.status().code() == absl::StatusCode::kNotFound) SuggestProviders(session, client);
    return started.status();
  }
  session.err() << "To sign in, open " << started->verification_uri() << " and enter the code "
                << started->user_code() << "\n";
  if (!started->verification_uri_complete().empty()) {
    session.err() << "Or open " << started->verification_uri_complete() << "\n";
  }
  session.err() << std::flush;
  absl::Time deadline = absl::FromUnixSeconds(started->expiration().seconds());
  if (!started->has_expiration()) deadline = absl::Now() + absl::Minutes(15);
  if (wait.has_value()) deadline = std::min(deadline, absl::Now() + *wait);
  v1::CompleteDeviceSignInRequest poll;
  poll.set_provider(provider);
  poll.set_device_code(started->device_code());
  poll.set_session_name(SignInSessionName(session.environment().hostname));
  int slowed_down = 0;
  while (true) {
    const absl::Duration interval = DevicePollInterval(started->interval_seconds(), slowed_down);
    if (absl::Now() + interval > deadline) {
      return LocalError(absl::DeadlineExceededError(
          absl::StrCat("the device sign-in was not approved before ",
                       absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", deadline, absl::UTCTimeZone()),
                       "; run the command again")));
    }
    absl::SleepFor(interval);
    ASSIGN_OR_RETURN(v1::CompleteDeviceSignInResponse answer, client.CompleteDeviceSignIn(poll));
    if (answer.has_session()) {
      return KeepSession(session, client, config_path, std::move(*answer.mutable_session()),
                         provider);
    }
    slowed_down += std::max(0, answer.slow_down_seconds());
  }
}

}  // namespace

absl::Status RunProviderLogin(Session& session) {
  const ParsedFlags& flags = session.flags();
  const std::string provider = flags.Get("provider");
  if (provider.empty()) return session.Usage("--provider needs a provider's name");
  for (const char* admin_only : {"password-file", "lifetime"}) {
    if (flags.Has(admin_only)) {
      return session.Usage(
          absl::StrCat("--", admin_only, " is for the admin password, not for --provider"));
    }
  }
  if (flags.Has("device") && flags.Has("no-browser")) {
    return session.Usage("--no-browser is implied by --device");
  }
  session.set_timeout_is_wait();
  session.set_unauthenticated_hint(
      absl::StrCat("the sign-in failed; run `wardenctl login --provider ", provider, "` again"));
  session.set_permission_denied_hint("");  // the server says why (no role); nothing to add
  session.set_not_found_hint("check the provider's name");
  std::optional<absl::Duration> wait;
  if (flags.Has("timeout") || !flags.Has("device")) {
    ASSIGN_OR_RETURN(wait, WaitTimeout(session, kDefaultSignInWait));
  }
  ASSIGN_OR_RETURN(std::string config_path, session.ConfigPath());
  // The code, its verifier and the session token all travel: not in cleartext across a
  // network without consent, refused before anything is started.
  RETURN_IF_ERROR(session.CheckCleartext("sign-in code"));
  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, session.ConnectWith(Credentials()));
  if (flags.Has("device")) return DeviceLogin(session, *client, config_path, provider, wait);
  return BrowserLogin(session, *client, config_path, provider, *wait);
}

std::string SignInSessionName(const std::string& hostname) {
  std::string name = absl::StrCat("wardenctl on ", hostname);
  for (char& c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  // Cut at a character boundary (UTF-8 continuation bytes are 10xxxxxx).
  size_t chars = 0;
  for (size_t i = 0; i < name.size(); ++i) {
    if ((static_cast<unsigned char>(name[i]) & 0xC0) != 0x80 && ++chars > kMaxSessionNameChars) {
      name.resize(i);
      break;
    }
  }
  return name;
}

std::string SignedInLine(const v1::SignInSession& session, const std::string& provider) {
  const v1::Identity& identity = session.identity();
  const std::string& provider_name =
      identity.auth_provider().empty() ? provider : identity.auth_provider();
  return absl::StrCat("Signed in as ", identity.name(), " (", provider_name, ") with roles ",
                      absl::StrJoin(identity.roles(), ", "), "; the session expires at ",
                      FormatTimestamp(session.expiration()));
}

absl::Duration DevicePollInterval(int interval_seconds, int slow_down_seconds_so_far) {
  const int base = interval_seconds > 0 ? interval_seconds : kDefaultDevicePollSeconds;
  return absl::Seconds(base + std::max(0, slow_down_seconds_so_far));
}

}  // namespace warden::cli
