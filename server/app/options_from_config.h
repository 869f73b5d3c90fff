#pragma once

// What each part of the server is configured with, taken from the ServerConfig (and the
// notifier's settings): one function per part, so that WardenServer only wires.

#include "notifier/notifier_config.h"
#include "server/api/call_gate.h"
#include "server/config/server_config.h"
#include "server/http/listener.h"
#include "server/http/router.h"
#include "server/m2m/m2m_authority.h"
#include "server/oidc/http_fetcher_impl.h"
#include "server/oidc/issuer_key_cache.h"
#include "server/signin/provider_client.h"
#include "server/signin/sign_in_authority.h"
#include "server/tokens/token_authority.h"
#include "server/tokens/usage_recorder.h"
#include "storage/pg/executor.h"
#include "validation/jose/jwt.h"

namespace warden {

storage::DatabaseOptions DatabaseOptionsFrom(const ServerConfig& config);
AbuseLimits AbuseLimitsFrom(const ServerConfig& config);
jose::VerifyOptions VerifyOptionsFrom(const ServerConfig& config);
oidc::HttpFetcherImpl::Options FetcherOptionsFrom(const ServerConfig& config);
oidc::IssuerKeyCache::Options IssuerKeyOptionsFrom(const ServerConfig& config);
M2mAuthority::Options M2mOptionsFrom(const ServerConfig& config);
ProviderClient::Options ProviderClientOptionsFrom(const ServerConfig& config);
SignInAuthority::Options SignInOptionsFrom(const ServerConfig& config);
UsageRecorder::Options UsageOptionsFrom(const ServerConfig& config);
TokenPolicy TokenPolicyFrom(const ServerConfig& config,
                            const notifier::NotifierConfig& notifier_config);
http::RouterOptions RouterOptionsFrom(const ServerConfig& config);
http::ListenerOptions ListenerOptionsFrom(const ServerConfig& config);

}  // namespace warden
