#include "server/app/options_from_config.h"

namespace warden {

storage::DatabaseOptions DatabaseOptionsFrom(const ServerConfig& config) {
  storage::DatabaseOptions options;
  options.url = config.database_url;
  options.pool_size = config.database_pool_size;
  options.max_queued = config.database_max_queued;
  return options;
}

AbuseLimits AbuseLimitsFrom(const ServerConfig& config) {
  AbuseLimits limits;
  limits.generate.rate = config.generate_rate;
  limits.generate.burst = config.generate_burst;
  limits.auth_failures.rate = config.auth_failure_rate;
  limits.auth_failures.burst = config.auth_failure_burst;
  return limits;
}

jose::VerifyOptions VerifyOptionsFrom(const ServerConfig& config) {
  jose::VerifyOptions options;
  options.issuer = config.issuer;
  options.audience = config.audience;
  options.leeway = config.token_leeway;
  return options;
}

oidc::HttpFetcherImpl::Options FetcherOptionsFrom(const ServerConfig& config) {
  oidc::HttpFetcherImpl::Options options;
  options.allow_private_addresses = config.m2m_allow_private_issuers;
  return options;
}

oidc::IssuerKeyCache::Options IssuerKeyOptionsFrom(const ServerConfig& config) {
  oidc::IssuerKeyCache::Options options;
  options.refresh_cooldown = config.m2m_key_refresh_cooldown;
  return options;
}

M2mAuthority::Options M2mOptionsFrom(const ServerConfig& config) {
  M2mAuthority::Options options;
  options.issuer = config.issuer;
  options.audience = config.audience;
  options.leeway = config.token_leeway;
  options.issuer_ca_file = config.m2m_ca_file;
  options.max_live_tokens_per_root = config.max_live_tokens_per_creator;
  return options;
}

ProviderClient::Options ProviderClientOptionsFrom(const ServerConfig& config) {
  ProviderClient::Options options;
  options.ca_file = config.m2m_ca_file;
  options.secrets_dir = config.auth_provider_secrets_dir;
  return options;
}

SignInAuthority::Options SignInOptionsFrom(const ServerConfig& config) {
  SignInAuthority::Options options;
  options.issuer = config.issuer;
  options.audience = config.audience;
  options.leeway = config.token_leeway;
  options.session_lifetime = config.session_lifetime;
  options.ca_file = config.m2m_ca_file;
  options.max_live_tokens_per_root = config.max_live_tokens_per_creator;
  return options;
}

UsageRecorder::Options UsageOptionsFrom(const ServerConfig& config) {
  UsageRecorder::Options options;
  options.flush_interval = config.last_used_flush_interval;
  options.max_tokens = static_cast<size_t>(config.last_used_max_tokens);
  return options;
}

TokenPolicy TokenPolicyFrom(const ServerConfig& config,
                            const notifier::NotifierConfig& notifier_config) {
  TokenPolicy policy;
  policy.expiring_window = notifier_config.window;
  policy.issuer = config.issuer;
  policy.audience = config.audience;
  policy.max_lifetime = config.token_max_lifetime;
  policy.max_live_tokens_per_creator = config.max_live_tokens_per_creator;
  return policy;
}

http::RouterOptions RouterOptionsFrom(const ServerConfig& config) {
  http::RouterOptions options;
  options.cors_origins = config.http_cors_origins;
  options.tls = !config.tls_cert.empty();
  return options;
}

http::ListenerOptions ListenerOptionsFrom(const ServerConfig& config) {
  http::ListenerOptions options;
  options.listen = config.http_listen;
  options.threads = config.http_threads;
  options.max_body_bytes = static_cast<size_t>(config.http_max_body_bytes);
  options.tls_cert = config.tls_cert;
  options.tls_key = config.tls_key;
  options.tls_client_ca = config.tls_client_ca;
  options.tls_reload_interval = config.tls_reload_interval;
  return options;
}

}  // namespace warden
