#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"

namespace warden::cli {

// What `wardenctl login` leaves behind: where the session is and the short-lived token
// that is the session. Never a password.
struct SessionConfig {
  std::string endpoint;
  bool use_tls = false;
  std::string ca_file;
  std::string tls_server_name;
  std::string cert_file;  // paths only; the key stays in its own file
  std::string key_file;
  // Credentials may go to this endpoint without TLS although it is not loopback
  // (`login --insecure-plaintext`).
  bool insecure_plaintext = false;
  std::string token;       // secret
  std::string token_id;    // for `logout` and messages
  std::string expiration;  // RFC 3339, for messages
};

// $XDG_CONFIG_HOME/warden/config.json, else $HOME/.config/warden/config.json (empty
// arguments count as unset). FAILED_PRECONDITION if both are unset.
absl::StatusOr<std::string> ConfigPath(const std::string& xdg_config_home, const std::string& home);

// nullopt if there is no file at `path`; FAILED_PRECONDITION naming the path if it cannot
// be read, is not a JSON object, or holds a known field of the wrong type (naming the
// field), never quoting its content. Unknown fields are ignored: a newer wardenctl may
// have written them.
absl::StatusOr<std::optional<SessionConfig>> LoadSessionConfig(const std::string& path);

// Creates the directory (0700) if needed and replaces the file atomically, mode 0600.
absl::Status SaveSessionConfig(const std::string& path, const SessionConfig& config);

// Removes the file; OK if there is none.
absl::Status RemoveSessionConfig(const std::string& path);

}  // namespace warden::cli
