#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "client/client.h"
#include "client/wardenctl/command.h"
#include "client/wardenctl/config_file.h"
#include "client/wardenctl/exit_codes.h"
#include "client/wardenctl/output.h"

namespace warden::cli {

// What main.cc read from the process environment; no other part of wardenctl reads it.
struct Environment {
  std::string endpoint;            // WARDEN_ENDPOINT
  std::string token;               // WARDEN_TOKEN
  std::string insecure_plaintext;  // WARDEN_INSECURE_PLAINTEXT ("true" or "1" allows)
  std::string xdg_config_home;     // XDG_CONFIG_HOME
  std::string home;                // HOME
  std::string user;                // the local user, for naming login sessions
  std::string hostname;
  // DISPLAY or WAYLAND_DISPLAY is set: `login --provider` may open a browser.
  bool has_display = false;
};

inline constexpr char kDefaultEndpoint[] = "127.0.0.1:8443";

// A login session for the endpoint of `options`, reached as they say (TLS settings,
// insecure plaintext); the caller adds the token, its id and its expiry.
SessionConfig NewSessionConfig(const ClientOptions& options);

// One run of one command: its parsed command line, the environment, where output goes,
// and the resolution of the global flags into a Client. Not thread-safe.
//
// Precedence: --endpoint > WARDEN_ENDPOINT > the login session's endpoint > 127.0.0.1:8443.
// Credentials: --token > --token-file > WARDEN_TOKEN > the login session's token, which is
// only ever sent to the endpoint it was issued by. No credentials at all is allowed: the
// server then answers UNAUTHENTICATED, which says what to do. Credentials never go without
// TLS to an endpoint that is not loopback unless --insecure-plaintext,
// WARDEN_INSECURE_PLAINTEXT=true, or the login session of that endpoint says so.
class Session final {
 public:
  Session(const Invocation& invocation, const Environment& environment, std::ostream& out,
          std::ostream& err);

  const Invocation& invocation() const { return invocation_; }
  const ParsedFlags& flags() const { return invocation_.flags; }
  const Environment& environment() const { return environment_; }
  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }
  OutputFormat format() const;

  // A usage error for this command ("wardenctl token create: <message> (see ... --help)").
  absl::Status Usage(const std::string& message) const;

  // The endpoint this run talks to (see the precedence above). A local error if the login
  // session file must be read for it and cannot be.
  absl::StatusOr<std::string> Endpoint();
  // The login session file's path, and its content (nullopt if there is none).
  absl::StatusOr<std::string> ConfigPath() const;
  absl::StatusOr<std::optional<SessionConfig>> LoadConfig();

  // A usage error if a `credential_kind` ("admin password") sent to the resolved endpoint
  // would cross the network in cleartext without the user's consent (see above). Connect
  // checks it; login checks it before asking for the password.
  absl::Status CheckCleartext(absl::string_view credential_kind);

  // A client for the resolved endpoint with the resolved credentials (see above).
  absl::StatusOr<std::unique_ptr<Client>> Connect();
  // The same with explicit credentials (login: the admin password; logout: the session).
  absl::StatusOr<std::unique_ptr<Client>> ConnectWith(Credentials credentials);

  // For the final error line: where Warden was, and whether UNAUTHENTICATED is about a
  // password (login) rather than a token.
  void set_logging_in() { error_context_.logging_in = true; }
  // What the error line suggests for NOT_FOUND (see ErrorContext::not_found_hint).
  void set_not_found_hint(std::string hint) { error_context_.not_found_hint = std::move(hint); }
  // What the error line suggests for UNAUTHENTICATED (see ErrorContext).
  void set_unauthenticated_hint(std::string hint) {
    error_context_.unauthenticated_hint = std::move(hint);
  }
  // What the error line says after PERMISSION_DENIED (see ErrorContext); "" for nothing.
  void set_permission_denied_hint(std::string hint) {
    error_context_.permission_denied_hint = std::move(hint);
  }
  const ErrorContext& error_context() const { return error_context_; }

  // --timeout is not each call's deadline in this run but a wait of the command's own
  // (`login --provider`: how long to wait for the browser); calls keep the default.
  void set_timeout_is_wait() { timeout_is_wait_ = true; }

 private:
  // The --ca-file / --tls / --tls-server-name / --insecure-plaintext flags, or the
  // session's for its endpoint.
  absl::StatusOr<ClientOptions> BaseOptions();
  // --insecure-plaintext or WARDEN_INSECURE_PLAINTEXT; a usage error for a value of the
  // latter that is not a boolean.
  absl::StatusOr<bool> InsecurePlaintextAllowed() const;
  absl::StatusOr<Credentials> ResolveCredentials();

  const Invocation& invocation_;
  const Environment& environment_;
  std::ostream& out_;
  std::ostream& err_;
  ErrorContext error_context_;
  bool timeout_is_wait_ = false;
  bool config_loaded_ = false;
  std::optional<SessionConfig> config_;
};

}  // namespace warden::cli
