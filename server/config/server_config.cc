#include "server/config/server_config.h"

#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace warden {
namespace {

struct Setting {
  const char* flag;
  const char* env;
  const char* default_text;
  const char* help;
  // Stores a parsed value; returns false if `value` is not valid for this setting.
  std::function<bool(ServerConfig&, const std::string& value)> apply;
};

bool ApplyDuration(absl::Duration& out, const std::string& value, absl::Duration min) {
  absl::Duration d;
  if (!absl::ParseDuration(value, &d) || d < min) return false;
  out = d;
  return true;
}

// A rate in events per second: a finite number >= 0 (0 disables the limit).
bool ApplyRate(double& out, const std::string& value) {
  double rate;
  if (!absl::SimpleAtod(value, &rate) || !(rate >= 0) || rate > 1e9) return false;
  out = rate;
  return true;
}

bool ApplyBurst(double& out, const std::string& value) {
  double burst;
  if (!absl::SimpleAtod(value, &burst) || !(burst >= 1) || burst > 1e9) return false;
  out = burst;
  return true;
}

const std::vector<Setting>& Settings() {
  static const auto* settings = new std::vector<Setting>{
      {"listen", "WARDEN_LISTEN", "127.0.0.1:8443", "gRPC listen address (host:port)",
       [](ServerConfig& c, const std::string& v) {
         c.listen = v;
         return !v.empty();
       }},
      {"tls-cert", "WARDEN_TLS_CERT", "(none: plaintext)",
       "PEM certificate chain to serve TLS with (with --tls-key); re-read when it changes",
       [](ServerConfig& c, const std::string& v) {
         c.tls_cert = v;
         return !v.empty();
       }},
      {"tls-key", "WARDEN_TLS_KEY", "(none)",
       "unencrypted PEM private key of --tls-cert; re-read when it changes",
       [](ServerConfig& c, const std::string& v) {
         c.tls_key = v;
         return !v.empty();
       }},
      {"tls-client-ca", "WARDEN_TLS_CLIENT_CA", "(none: no client certificates)",
       "PEM CA bundle; clients must present a certificate it signed (needs TLS)",
       [](ServerConfig& c, const std::string& v) {
         c.tls_client_ca = v;
         return !v.empty();
       }},
      {"tls-reload-interval", "WARDEN_TLS_RELOAD_INTERVAL", "60s",
       "how often the TLS certificate, key and client CA files are re-read (at least 1s)",
       [](ServerConfig& c, const std::string& v) {
         return ApplyDuration(c.tls_reload_interval, v, absl::Seconds(1));
       }},
      {"health-listen", "WARDEN_HEALTH_LISTEN", "(none)",
       "an extra plaintext address serving only grpc.health.v1, for probes that cannot speak "
       "TLS (the kubelet's gRPC probes)",
       [](ServerConfig& c, const std::string& v) {
         c.health_listen = v;
         return !v.empty();
       }},
      {"metrics-listen", "WARDEN_METRICS_LISTEN", "(none: no metrics)",
       "a plaintext HTTP address (host:port) serving Prometheus metrics on /metrics",
       [](ServerConfig& c, const std::string& v) {
         c.metrics_listen = v;
         return true;
       }},
      {"http-listen", "WARDEN_HTTP_LISTEN", "(none: no HTTP)",
       "HTTP address (host:port) serving every RPC by the Connect protocol, StackRox's token "
       "paths, /.well-known/jwks.json and /healthz, /readyz; HTTPS with --tls-cert",
       [](ServerConfig& c, const std::string& v) {
         c.http_listen = v;
         return true;
       }},
      {"http-cors-origins", "WARDEN_HTTP_CORS_ORIGINS", "(none: no CORS)",
       "comma-separated browser origins (scheme://host[:port]) allowed to call the HTTP API "
       "from another origin",
       [](ServerConfig& c, const std::string& v) {
         c.http_cors_origins.clear();
         for (absl::string_view origin : absl::StrSplit(v, ',', absl::SkipWhitespace())) {
           origin = absl::StripAsciiWhitespace(origin);
           if (!absl::StartsWith(origin, "http://") && !absl::StartsWith(origin, "https://")) {
             return false;
           }
           if (origin.find('/', origin.find("//") + 2) != absl::string_view::npos) return false;
           c.http_cors_origins.emplace_back(origin);
         }
         return true;
       }},
      {"http-threads", "WARDEN_HTTP_THREADS", "16",
       "HTTP worker threads; each serves one connection at a time (1 to 1024)",
       [](ServerConfig& c, const std::string& v) {
         return absl::SimpleAtoi(v, &c.http_threads) && c.http_threads >= 1 &&
                c.http_threads <= 1024;
       }},
      {"http-max-body-bytes", "WARDEN_HTTP_MAX_BODY_BYTES", "1048576",
       "largest HTTP request body accepted, after decompression (1 KiB to 64 MiB)",
       [](ServerConfig& c, const std::string& v) {
         return absl::SimpleAtoi(v, &c.http_max_body_bytes) && c.http_max_body_bytes >= 1024 &&
                c.http_max_body_bytes <= (int64_t{64} << 20);
       }},
      {"database-url", "WARDEN_DATABASE_URL", "(required)",
       "PostgreSQL connection string (libpq URL or key=value form)",
       [](ServerConfig& c, const std::string& v) {
         c.database_url = v;
         return !v.empty();
       }},
      {"database-pool-size", "WARDEN_DATABASE_POOL_SIZE", "4",
       "storage executor threads, each owning one PostgreSQL connection",
       [](ServerConfig& c, const std::string& v) {
         return absl::SimpleAtoi(v, &c.database_pool_size) && c.database_pool_size >= 1 &&
                c.database_pool_size <= 256;
       }},
      {"database-max-queued", "WARDEN_DATABASE_MAX_QUEUED", "1024",
       "database tasks that may wait for a free connection (1 to 1000000); calls beyond are "
       "answered RESOURCE_EXHAUSTED at once",
       [](ServerConfig& c, const std::string& v) {
         return absl::SimpleAtoi(v, &c.database_max_queued) && c.database_max_queued >= 1 &&
                c.database_max_queued <= 1000000;
       }},
      {"data-dir", "WARDEN_DATA_DIR", "(none)",
       "directory for a generated dev signing key and admin password",
       [](ServerConfig& c, const std::string& v) {
         c.data_dir = v;
         return true;
       }},
      {"signing-keys", "WARDEN_SIGNING_KEYS", "(none: generate a dev key in the data dir)",
       "comma-separated PEM key files; the first signs, all verify",
       [](ServerConfig& c, const std::string& v) {
         c.signing_keys.clear();
         for (absl::string_view path : absl::StrSplit(v, ',', absl::SkipWhitespace())) {
           c.signing_keys.emplace_back(absl::StripAsciiWhitespace(path));
         }
         return !c.signing_keys.empty();
       }},
      {"admin-password-file", "WARDEN_ADMIN_PASSWORD_FILE",
       "(none: <data dir>/admin-password, generated)", "file holding the admin user's password",
       [](ServerConfig& c, const std::string& v) {
         c.admin_password_file = v;
         return true;
       }},
      {"declarative-config", "WARDEN_DECLARATIVE_CONFIG", "(none)",
       "YAML file of roles, permission sets and scopes; re-read on SIGHUP",
       [](ServerConfig& c, const std::string& v) {
         c.declarative_config = v;
         return true;
       }},
      {"issuer", "WARDEN_ISSUER", "https://warden.local", "the `iss` of minted tokens",
       [](ServerConfig& c, const std::string& v) {
         c.issuer = v;
         return !v.empty();
       }},
      {"audience", "WARDEN_AUDIENCE", "warden", "the `aud` of minted tokens",
       [](ServerConfig& c, const std::string& v) {
         c.audience = v;
         return !v.empty();
       }},
      {"token-max-lifetime", "WARDEN_TOKEN_MAX_LIFETIME", "8760h",
       "longest lifetime a token may be given",
       [](ServerConfig& c, const std::string& v) {
         return ApplyDuration(c.token_max_lifetime, v, absl::Minutes(1));
       }},
      {"token-leeway", "WARDEN_TOKEN_LEEWAY", "60s", "clock skew allowed on exp and nbf",
       [](ServerConfig& c, const std::string& v) {
         return ApplyDuration(c.token_leeway, v, absl::ZeroDuration()) &&
                c.token_leeway <= absl::Minutes(10);
       }},
      {"reconcile-interval", "WARDEN_RECONCILE_INTERVAL", "30s",
       "how often every view is reloaded in full from PostgreSQL: the safety net under "
       "LISTEN/NOTIFY",
       [](ServerConfig& c, const std::string& v) {
         return ApplyDuration(c.reconcile_interval, v, absl::Milliseconds(100));
       }},
      {"m2m-ca-file", "WARDEN_M2M_CA_FILE", "(system CAs)",
       "CA bundle trusted when fetching M2M issuers' OIDC discovery documents and keys",
       [](ServerConfig& c, const std::string& v) {
         c.m2m_ca_file = v;
         return true;
       }},
      {"m2m-allow-private-issuers", "WARDEN_M2M_ALLOW_PRIVATE_ISSUERS", "false",
       "let M2M issuers and their keys be fetched from loopback, private, link-local and "
       "shared addresses (an issuer inside the cluster): true or false",
       [](ServerConfig& c, const std::string& v) {
         return absl::SimpleAtob(v, &c.m2m_allow_private_issuers);
       }},
      {"m2m-key-refresh-cooldown", "WARDEN_M2M_KEY_REFRESH_COOLDOWN", "1m",
       "least time between two fetches of one issuer's keys for tokens naming unknown keys",
       [](ServerConfig& c, const std::string& v) {
         return ApplyDuration(c.m2m_key_refresh_cooldown, v, absl::Seconds(1));
       }},
      {"session-lifetime", "WARDEN_SESSION_LIFETIME", "12h",
       "how long a person's session lasts after signing in through an auth provider (shorter "
       "when the provider's own session ends sooner); 5m to 168h",
       [](ServerConfig& c, const std::string& v) {
         return ApplyDuration(c.session_lifetime, v, absl::Minutes(5)) &&
                c.session_lifetime <= absl::Hours(168);
       }},
      {"auth-provider-secrets-dir", "WARDEN_AUTH_PROVIDER_SECRETS_DIR", "(none)",
       "directory of the auth providers' client secret files (a mounted Kubernetes Secret); a "
       "provider's client_secret_file names a file in it",
       [](ServerConfig& c, const std::string& v) {
         c.auth_provider_secrets_dir = v;
         return true;
       }},
      {"track-last-used", "WARDEN_TRACK_LAST_USED", "true",
       "record when each token is used (its last_used_at): true or false",
       [](ServerConfig& c, const std::string& v) {
         return absl::SimpleAtob(v, &c.track_last_used);
       }},
      {"last-used-flush-interval", "WARDEN_LAST_USED_FLUSH_INTERVAL", "1m",
       "how often recorded token uses are written to PostgreSQL, in batches (at least 100ms)",
       [](ServerConfig& c, const std::string& v) {
         return ApplyDuration(c.last_used_flush_interval, v, absl::Milliseconds(100));
       }},
      {"last-used-max-tokens", "WARDEN_LAST_USED_MAX_TOKENS", "100000",
       "most tokens whose uses are held in memory between flushes (1000 to 10000000); "
       "beyond it the oldest unwritten uses are dropped",
       [](ServerConfig& c, const std::string& v) {
         return absl::SimpleAtoi(v, &c.last_used_max_tokens) && c.last_used_max_tokens >= 1000 &&
                c.last_used_max_tokens <= 10000000;
       }},
      {"validation-cache-size", "WARDEN_VALIDATION_CACHE_SIZE", "10000",
       "verified tokens remembered so that one presented again skips its signature check "
       "(0 to 10000000; 0: no cache); revocation, roles and expiry are checked every time",
       [](ServerConfig& c, const std::string& v) {
         return absl::SimpleAtoi(v, &c.validation_cache_size) && c.validation_cache_size >= 0 &&
                c.validation_cache_size <= 10000000;
       }},
      {"generate-rate-limit", "WARDEN_GENERATE_RATE_LIMIT", "20",
       "GenerateToken calls per second per calling identity (0: unlimited)",
       [](ServerConfig& c, const std::string& v) { return ApplyRate(c.generate_rate, v); }},
      {"generate-burst", "WARDEN_GENERATE_BURST", "100",
       "GenerateToken calls an identity may make at once before the rate applies (1 or more)",
       [](ServerConfig& c, const std::string& v) { return ApplyBurst(c.generate_burst, v); }},
      {"auth-failure-rate-limit", "WARDEN_AUTH_FAILURE_RATE_LIMIT", "2",
       "failed authentications per second per client address; beyond it the address "
       "cannot authenticate until its budget refills (0: unlimited)",
       [](ServerConfig& c, const std::string& v) { return ApplyRate(c.auth_failure_rate, v); }},
      {"auth-failure-burst", "WARDEN_AUTH_FAILURE_BURST", "50",
       "failed authentications an address may make at once before the rate applies",
       [](ServerConfig& c, const std::string& v) { return ApplyBurst(c.auth_failure_burst, v); }},
      {"max-live-tokens-per-creator", "WARDEN_MAX_LIVE_TOKENS_PER_CREATOR", "10000",
       "unrevoked, unexpired tokens one identity may have minted (0: no cap)",
       [](ServerConfig& c, const std::string& v) {
         return absl::SimpleAtoi(v, &c.max_live_tokens_per_creator) &&
                c.max_live_tokens_per_creator >= 0;
       }},
      {"audit-log", "WARDEN_AUDIT_LOG", "(the server log)",
       "file to append audit records to, one JSON object per line",
       [](ServerConfig& c, const std::string& v) {
         c.audit_log = v;
         return true;
       }},
      {"shutdown-grace", "WARDEN_SHUTDOWN_GRACE", "10s",
       "how long in-flight RPCs may run after SIGTERM",
       [](ServerConfig& c, const std::string& v) {
         return ApplyDuration(c.shutdown_grace, v, absl::ZeroDuration());
       }},
  };
  return *settings;
}

absl::Status Invalid(const Setting& s, const std::string& value) {
  return absl::InvalidArgumentError(absl::StrCat("invalid value \"", value, "\" for --", s.flag,
                                                 " (", s.env, "): expected ", s.help, "; default ",
                                                 s.default_text));
}

}  // namespace

absl::StatusOr<ServerConfig> ParseServerConfig(const std::vector<std::string>& args,
                                               const EnvLookup& env, bool* help) {
  *help = false;
  std::map<std::string, std::string> flags;
  for (size_t i = 0; i < args.size(); ++i) {
    absl::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") {
      *help = true;
      return ServerConfig{};
    }
    if (!absl::ConsumePrefix(&arg, "--")) {
      return absl::InvalidArgumentError(absl::StrCat("unexpected argument \"", arg, "\""));
    }
    std::string name, value;
    if (size_t eq = arg.find('='); eq != absl::string_view::npos) {
      name = std::string(arg.substr(0, eq));
      value = std::string(arg.substr(eq + 1));
    } else if (i + 1 < args.size()) {
      name = std::string(arg);
      value = args[++i];
    } else {
      return absl::InvalidArgumentError(absl::StrCat("flag --", arg, " needs a value"));
    }
    flags[name] = value;
  }
  ServerConfig config;
  for (const Setting& s : Settings()) {
    std::optional<std::string> value;
    if (auto it = flags.find(s.flag); it != flags.end()) {
      value = it->second;
      flags.erase(it);
    } else {
      value = env(s.env);
    }
    if (value.has_value() && !s.apply(config, *value)) return Invalid(s, *value);
  }
  if (!flags.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown flag --", flags.begin()->first, "; see --help"));
  }
  if (config.database_url.empty()) {
    return absl::InvalidArgumentError(
        "no database configured: set WARDEN_DATABASE_URL or --database-url");
  }
  if (config.tls_cert.empty() != config.tls_key.empty()) {
    return absl::InvalidArgumentError(
        "TLS needs both --tls-cert (WARDEN_TLS_CERT) and --tls-key (WARDEN_TLS_KEY): only "
        "one is set");
  }
  if (!config.tls_client_ca.empty() && config.tls_cert.empty()) {
    return absl::InvalidArgumentError(
        "--tls-client-ca (WARDEN_TLS_CLIENT_CA) needs TLS: set --tls-cert (WARDEN_TLS_CERT) "
        "and --tls-key (WARDEN_TLS_KEY) too");
  }
  if (config.signing_keys.empty() && config.data_dir.empty()) {
    return absl::InvalidArgumentError(
        "no signing key: set WARDEN_SIGNING_KEYS, or WARDEN_DATA_DIR for a generated dev key");
  }
  return config;
}

std::string ServerConfigHelp() {
  std::string out =
      "Usage: warden-server [--flag=value ...]\n"
      "Each flag may also be set by its environment variable; a flag wins.\n"
      "Durations are Go-style: 90s, 15m, 168h.\n\n";
  for (const Setting& s : Settings()) {
    absl::StrAppend(&out, "  --", s.flag, "  (", s.env, ", default ", s.default_text, ")\n      ",
                    s.help, "\n");
  }
  return out;
}

}  // namespace warden
