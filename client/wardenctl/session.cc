#include "client/wardenctl/session.h"

#include "absl/strings/str_cat.h"
#include "client/plaintext_policy.h"
#include "common/status_macros.h"

namespace warden::cli {

SessionConfig NewSessionConfig(const ClientOptions& options) {
  SessionConfig config;
  config.endpoint = options.endpoint;
  config.use_tls = options.use_tls;
  config.ca_file = options.ca_file;
  config.tls_server_name = options.tls_server_name;
  config.cert_file = options.cert_file;
  config.key_file = options.key_file;
  config.insecure_plaintext = options.allow_insecure_plaintext;
  return config;
}

Session::Session(const Invocation& invocation, const Environment& environment, std::ostream& out,
                 std::ostream& err)
    : invocation_(invocation), environment_(environment), out_(out), err_(err) {
  error_context_.endpoint = kDefaultEndpoint;
}

OutputFormat Session::format() const {
  return flags().Get("output", "table") == "json" ? OutputFormat::kJson : OutputFormat::kTable;
}

absl::Status Session::Usage(const std::string& message) const {
  return UsageError(absl::StrCat(invocation_.CommandLine(), ": ", message),
                    invocation_.CommandLine());
}

absl::StatusOr<std::string> Session::ConfigPath() const {
  absl::StatusOr<std::string> path =
      cli::ConfigPath(environment_.xdg_config_home, environment_.home);
  if (!path.ok()) return LocalError(path.status());
  return path;
}

absl::StatusOr<std::optional<SessionConfig>> Session::LoadConfig() {
  if (!config_loaded_) {
    ASSIGN_OR_RETURN(std::string path, ConfigPath());
    absl::StatusOr<std::optional<SessionConfig>> loaded = LoadSessionConfig(path);
    if (!loaded.ok()) return LocalError(loaded.status());
    config_ = *std::move(loaded);
    config_loaded_ = true;
  }
  return config_;
}

absl::StatusOr<std::string> Session::Endpoint() {
  std::string endpoint = flags().Get("endpoint", environment_.endpoint);
  if (endpoint.empty()) {
    ASSIGN_OR_RETURN(std::optional<SessionConfig> config, LoadConfig());
    endpoint =
        config.has_value() && !config->endpoint.empty() ? config->endpoint : kDefaultEndpoint;
  }
  error_context_.endpoint = endpoint;
  return endpoint;
}

absl::StatusOr<ClientOptions> Session::BaseOptions() {
  ClientOptions options;
  ASSIGN_OR_RETURN(options.endpoint, Endpoint());
  if (flags().Has("timeout") && !timeout_is_wait_) {
    absl::Duration timeout;
    if (!absl::ParseDuration(flags().Get("timeout"), &timeout) || timeout <= absl::ZeroDuration()) {
      return Usage("--timeout must be a positive duration such as 10s or 1m");
    }
    options.timeout = timeout;
  }
  options.use_tls = flags().Has("tls") || flags().Has("ca-file");
  options.ca_file = flags().Get("ca-file");
  options.tls_server_name = flags().Get("tls-server-name");
  options.cert_file = flags().Get("cert-file");
  options.key_file = flags().Get("key-file");
  if (!options.use_tls && !options.tls_server_name.empty()) {
    return Usage("--tls-server-name needs TLS (--tls or --ca-file)");
  }
  if (options.cert_file.empty() != options.key_file.empty()) {
    return Usage("--cert-file and --key-file go together");
  }
  if (!options.use_tls && !options.cert_file.empty()) {
    return Usage("--cert-file needs TLS (--tls or --ca-file)");
  }
  ASSIGN_OR_RETURN(options.allow_insecure_plaintext, InsecurePlaintextAllowed());
  if (!options.use_tls) {
    // The login session remembers how its endpoint is reached.
    ASSIGN_OR_RETURN(std::optional<SessionConfig> config, LoadConfig());
    if (config.has_value() && config->endpoint == options.endpoint) {
      if (config->use_tls) {
        options.use_tls = true;
        options.ca_file = config->ca_file;
        options.tls_server_name = config->tls_server_name;
        options.cert_file = config->cert_file;
        options.key_file = config->key_file;
      }
      if (config->insecure_plaintext) options.allow_insecure_plaintext = true;
    }
  }
  return options;
}

absl::StatusOr<bool> Session::InsecurePlaintextAllowed() const {
  if (flags().Has("insecure-plaintext")) return true;
  const std::string& env = environment_.insecure_plaintext;
  if (env == "true" || env == "1") return true;
  if (env.empty() || env == "false" || env == "0") return false;
  return Usage("WARDEN_INSECURE_PLAINTEXT must be true or false");
}

absl::Status Session::CheckCleartext(absl::string_view credential_kind) {
  ASSIGN_OR_RETURN(ClientOptions options, BaseOptions());
  if (options.allow_insecure_plaintext || options.use_tls || IsLoopbackEndpoint(options.endpoint)) {
    return absl::OkStatus();
  }
  return Usage(absl::StrCat("refusing to send the ", credential_kind, " in cleartext to ",
                            options.endpoint,
                            ", which is not a loopback address: use --tls or --ca-file, or pass "
                            "--insecure-plaintext (WARDEN_INSECURE_PLAINTEXT=true) on a network "
                            "you trust"));
}

absl::StatusOr<Credentials> Session::ResolveCredentials() {
  if (flags().Has("token") && flags().Has("token-file")) {
    return Usage("--token and --token-file are mutually exclusive");
  }
  if (flags().Has("token")) return Credentials::BearerToken(flags().Get("token"));
  if (flags().Has("token-file")) {
    absl::StatusOr<Credentials> credentials = Credentials::FromTokenFile(flags().Get("token-file"));
    if (!credentials.ok()) return LocalError(credentials.status());
    return credentials;
  }
  if (!environment_.token.empty()) return Credentials::BearerToken(environment_.token);
  ASSIGN_OR_RETURN(std::string endpoint, Endpoint());
  ASSIGN_OR_RETURN(std::optional<SessionConfig> config, LoadConfig());
  // A session token is never sent anywhere but the server that issued it.
  if (config.has_value() && config->endpoint == endpoint && !config->token.empty()) {
    return Credentials::BearerToken(config->token);
  }
  return Credentials();
}

absl::StatusOr<std::unique_ptr<Client>> Session::Connect() {
  ASSIGN_OR_RETURN(Credentials credentials, ResolveCredentials());
  return ConnectWith(std::move(credentials));
}

absl::StatusOr<std::unique_ptr<Client>> Session::ConnectWith(Credentials credentials) {
  if (!credentials.empty()) RETURN_IF_ERROR(CheckCleartext(credentials.kind()));
  ASSIGN_OR_RETURN(ClientOptions options, BaseOptions());
  options.credentials = std::move(credentials);
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Create(std::move(options));
  if (!client.ok()) return LocalError(client.status());
  return client;
}

}  // namespace warden::cli
