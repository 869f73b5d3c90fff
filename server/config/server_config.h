#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/env.h"

namespace warden {

// Everything warden-server is configured with. Built once, by main, from flags and the
// environment; every part receives only the fields it needs.
struct ServerConfig {
  std::string listen = "127.0.0.1:8443";
  std::string health_listen;   // extra plaintext port serving only grpc.health.v1; empty: none
  std::string metrics_listen;  // plaintext HTTP port serving Prometheus /metrics; empty: none
  // The HTTP listener (Connect, StackRox's token paths, JWKS, health); empty: none. Serves
  // HTTPS with the gRPC port's certificate when TLS is configured.
  std::string http_listen;
  std::vector<std::string> http_cors_origins;  // browser origins allowed cross-origin
  int http_threads = 16;                       // HTTP worker threads
  int64_t http_max_body_bytes = 1 << 20;
  // TLS on the listening port when tls_cert and tls_key are set (always together); plaintext
  // otherwise. With tls_client_ca, clients must present a certificate it signed.
  std::string tls_cert;       // PEM certificate chain, re-read every tls_reload_interval
  std::string tls_key;        // its unencrypted PEM private key
  std::string tls_client_ca;  // PEM CA bundle for client certificates; requires TLS
  absl::Duration tls_reload_interval = absl::Seconds(60);
  std::string database_url;
  int database_pool_size = 4;
  int database_max_queued = 1024;         // storage executor tasks waiting for a connection
  std::string data_dir;                   // dev key and admin password live here if not given
  std::vector<std::string> signing_keys;  // PEM paths; the first signs, all verify
  std::string admin_password_file;
  std::string declarative_config;  // YAML roles file, applied at start and on SIGHUP
  std::string issuer = "https://warden.local";
  std::string audience = "warden";
  absl::Duration token_max_lifetime = absl::Hours(8760);
  absl::Duration token_leeway = absl::Seconds(60);
  absl::Duration reconcile_interval = absl::Seconds(30);
  absl::Duration shutdown_grace = absl::Seconds(10);
  std::string m2m_ca_file;  // CAs for fetching M2M issuers' keys; empty: the system's
  // Whether issuers and their jwks_uri may be on loopback, private, link-local or shared
  // addresses. Off: only public addresses are fetched from.
  bool m2m_allow_private_issuers = false;
  absl::Duration m2m_key_refresh_cooldown = absl::Minutes(1);
  // People's sessions (auth providers, SPEC §6a): how long one lasts at most, and the
  // directory holding the providers' client secret files.
  absl::Duration session_lifetime = absl::Hours(12);
  std::string auth_provider_secrets_dir;
  // Token last_used_at: recorded in memory on validation, written in batches.
  bool track_last_used = true;
  absl::Duration last_used_flush_interval = absl::Minutes(1);
  int last_used_max_tokens = 100000;  // tokens remembered between flushes, at most
  // Verified tokens remembered so a token presented again skips its signature check
  // (VerifiedTokenCache); 0: no cache.
  int validation_cache_size = 10000;
  // Abuse limits (docs/security.md); a rate or cap of 0 disables it.
  double generate_rate = 20;  // GenerateToken per second per identity
  double generate_burst = 100;
  double auth_failure_rate = 2;  // failed authentications per second per client address
  double auth_failure_burst = 50;
  int max_live_tokens_per_creator = 10000;
  std::string audit_log;  // JSON lines of every change; empty: the server log
};

// Builds the config from `--flag=value` / `--flag value` arguments, falling back to the
// environment variable of each setting, then to its default. Unknown flags, bad numbers
// and bad durations are INVALID_ARGUMENT naming the flag and its variable.
// `*help` is set when --help was given (the config is then defaults only).
absl::StatusOr<ServerConfig> ParseServerConfig(const std::vector<std::string>& args,
                                               const EnvLookup& env, bool* help);

// The --help text: every setting with its flag, variable, default and meaning.
std::string ServerConfigHelp();

}  // namespace warden
