#pragma once

// A real OpenID Provider for the OIDC sign-in tests: tests/oidc/provider.mjs (panva's
// oidc-provider, pinned by tests/tools/package-lock.json) over HTTPS on 127.0.0.1, with the
// users and clients a test gives it and a throwaway CA of its own. tests/oidc/README.md
// describes the provider, its pages and its quirks.

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_pki.h"

namespace warden::testing {

// The grant type of the device flow (RFC 8628), for OidcClient::grant_types.
inline constexpr char kDeviceCodeGrant[] = "urn:ietf:params:oauth:grant-type:device_code";

// Someone who can sign in at the provider. The ID token carries `email`, `name` and `groups`
// for the scopes email, profile and groups.
struct OidcUser {
  std::string sub;
  std::string email;  // the login name (case-insensitive)
  std::string password;
  std::string name;  // empty: the provider uses `sub`
  std::vector<std::string> groups = {};
};

// A client registered at the provider (RFC 7591 metadata, passed through as is).
struct OidcClient {
  std::string client_id;
  std::optional<std::string> client_secret = std::nullopt;  // none for a public client
  std::vector<std::string> redirect_uris = {};
  // "web" (redirect URIs match exactly) or "native" (an http://127.0.0.1/... redirect URI,
  // registered without a port, accepts any port: RFC 8252 7.3).
  std::string application_type = "web";
  // "client_secret_basic", "client_secret_post" or "none" (public). The provider refuses a
  // client that authenticates in another way than its registered one.
  std::string token_endpoint_auth_method = "client_secret_basic";
  // E.g. {"authorization_code", "refresh_token", kDeviceCodeGrant}.
  std::vector<std::string> grant_types = {"authorization_code"};
  std::optional<int> id_token_ttl_seconds = std::nullopt;  // this client's ID tokens only
};

struct OidcProviderOptions {
  std::vector<OidcUser> users;
  std::vector<OidcClient> clients;
  // More top-level keys of the provider's configuration, merged over what the fields above
  // make: e.g. {"ttl": {"id_token": 60}}, {"device_flow": {"interval": 1}},
  // {"conform_id_token_claims": true}. See tests/oidc/README.md, "Configuration".
  nlohmann::json extra_config = nlohmann::json::object();
  // How long Start waits for the provider's line on stdout (it generates an RSA key first).
  absl::Duration start_timeout = absl::Seconds(30);
  // Whether a failed Start keeps its temporary directory (with the provider's log) for a
  // look. A test that expects the failure turns it off.
  bool keep_dir_on_failure = true;
};

// One provider process: a fresh identity provider (sessions, codes and signing keys live in
// its memory). Not thread-safe: one thread owns it; the provider itself serves any number of
// clients concurrently.
class OidcProvider final {
 public:
  // Makes a CA and a server certificate for 127.0.0.1 and localhost, writes the configuration
  // into a temporary directory, starts `node tests/oidc/provider.mjs config.json`, and returns
  // once the provider has printed its {"issuer","port"} line (it listens then). Errors:
  //   NOT_FOUND           node cannot be started
  //   FAILED_PRECONDITION the provider exited first (bad configuration, oidc-provider not
  //                       installed: `npm ci --prefix tests/tools`), with its reason
  //   DEADLINE_EXCEEDED   no line within `start_timeout`
  //   INTERNAL            anything else (files, an unexpected line)
  // The messages name the provider's log file and quote its end. On failure the temporary
  // directory with the configuration and the log is kept for a look (unless
  // keep_dir_on_failure is off); otherwise it goes with the OidcProvider. Fails the test (Catch2)
  // if openssl cannot make the certificates.
  static absl::StatusOr<std::unique_ptr<OidcProvider>> Start(OidcProviderOptions options);

  // Stops the provider as Stop does, then removes the temporary directories.
  ~OidcProvider();

  OidcProvider(const OidcProvider&) = delete;
  OidcProvider& operator=(const OidcProvider&) = delete;

  // "https://127.0.0.1:<port>"; discovery is at issuer() + "/.well-known/openid-configuration".
  const std::string& issuer() const { return issuer_; }
  int port() const { return port_; }
  // The PEM file of the CA that signed the provider's certificate: what a client trusts.
  std::string ca_file() const { return pki_.Path("ca.pem"); }
  // The provider's own certificate (PEM), for a browser told to trust exactly its key.
  std::string certificate_file() const { return pki_.Path("server.pem"); }
  // The provider's stderr (one line per request, logins, refusals with their reason).
  std::string log_path() const { return dir_ + "/provider.log"; }
  std::string Log() const;

  // Writes the secret of client `client_id` to a new file (mode 0600, no trailing newline) in
  // the temporary directory and returns its path: what Warden's client_secret_file reads.
  // REQUIRES: the client was given to Start with a client_secret.
  std::string WriteClientSecretFile(const std::string& client_id) const;

  // SIGTERM, then waits (10 s at most, SIGKILL after) and returns the exit code: 0 when the
  // provider stopped cleanly. Further calls return the same code.
  int Stop();

 private:
  OidcProvider(OidcProviderOptions options, std::string dir);
  absl::Status Launch();
  // `message` with the log's path and its last lines.
  std::string WithLog(absl::string_view message) const;

  const OidcProviderOptions options_;
  const std::string dir_;  // configuration, FIFO, log, secret files
  TestPki pki_;
  std::string issuer_;
  int port_ = 0;
  int stdout_fd_ = -1;  // read end of the FIFO that is the provider's stdout
  std::unique_ptr<Subprocess> process_;
  std::optional<int> exit_code_;
  bool keep_dir_ = false;
};

}  // namespace warden::testing
