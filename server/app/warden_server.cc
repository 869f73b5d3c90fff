#include "server/app/warden_server.h"

#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include <optional>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "common/await.h"
#include "common/clock.h"
#include "declarative/declarative_config.h"
#include "descriptor_set.h"
#include "glog/logging.h"
#include "notifier/sinks_from_config.h"
#include "server/app/credentials.h"
#include "server/app/options_from_config.h"
#include "server/rpc/malformed_request.h"
#include "server/tls/server_credentials.h"

namespace warden {
namespace {

// Changes kept for watchers to resume from: a watcher that falls further behind (or was
// disconnected longer) gets the full state again. About 100 bytes each.
constexpr size_t kWatchLogCapacity = 100'000;

// What reflection's list_services reports: every service the server registers.
std::vector<std::string> ServedServices() {
  return {"warden.v1.TokenService",
          "warden.v1.AuthService",
          "warden.v1.RoleService",
          "warden.v1.AuthProviderService",
          "grpc.health.v1.Health",
          "grpc.reflection.v1.ServerReflection",
          "grpc.reflection.v1alpha.ServerReflection"};
}

}  // namespace

absl::StatusOr<std::unique_ptr<WardenServer>> WardenServer::Start(
    const ServerConfig& config, const notifier::NotifierConfig& notifier_config) {
  // A broken declarative file stops start-up, before anything is built or served.
  if (!config.declarative_config.empty()) {
    absl::StatusOr<DeclarativeConfig> declarative =
        LoadDeclarativeConfigFile(config.declarative_config);
    if (!declarative.ok()) return declarative.status();
    absl::Status providers = CheckDeclarativeAuthProviders(config.declarative_config, *declarative);
    if (!providers.ok()) return providers;
  }
  absl::StatusOr<jose::KeyRing> keys = LoadSigningKeys(config);
  if (!keys.ok()) return keys.status();
  absl::StatusOr<std::optional<AdminPassword>> admin = LoadAdminPassword(config);
  if (!admin.ok()) return admin.status();
  absl::StatusOr<std::vector<std::unique_ptr<notifier::ExpirationSink>>> sinks =
      notifier::SinksFromConfig(notifier_config);
  if (!sinks.ok()) return sinks.status();
  absl::StatusOr<std::unique_ptr<AuditLog>> audit =
      AuditLog::Open(config.audit_log, RealClock::Get());
  if (!audit.ok()) return audit.status();
  std::unique_ptr<WardenServer> server(new WardenServer(config, notifier_config, std::move(*keys),
                                                        std::move(*admin), std::move(*sinks),
                                                        std::move(*audit)));
  absl::Status listening = server->Listen();
  if (!listening.ok()) return listening;
  server->sync_.Start();
  return server;
}

WardenServer::WardenServer(const ServerConfig& config,
                           const notifier::NotifierConfig& notifier_config, jose::KeyRing keys,
                           std::optional<AdminPassword> admin,
                           std::vector<std::unique_ptr<notifier::ExpirationSink>> sinks,
                           std::unique_ptr<AuditLog> audit)
    : config_(config),
      audit_(std::move(audit)),
      keys_(std::move(keys)),
      executor_(DatabaseOptionsFrom(config), RealClock::Get()),
      token_store_(executor_),
      permission_set_store_(executor_),
      access_scope_store_(executor_),
      role_store_(executor_),
      declarative_store_(executor_),
      m2m_store_(executor_),
      provider_store_(executor_),
      sign_in_state_store_(executor_, RealClock::Get()),
      schedule_store_(executor_),
      usage_(RealClock::Get(), UsageOptionsFrom(config), UsageRecorder::WriteTo(token_store_)),
      watch_hub_(kWatchLogCapacity),
      http_fetcher_(FetcherOptionsFrom(config)),
      issuer_keys_(http_fetcher_, RealClock::Get(), IssuerKeyOptionsFrom(config)),
      blocking_pool_(/*threads=*/2, /*max_queued=*/1024),
      validator_(keys_, VerifyOptionsFrom(config), views_state_, RealClock::Get(),
                 static_cast<size_t>(config.validation_cache_size)),
      authenticator_(validator_, std::move(admin),
                     [this](std::string id_token, Authenticator::Done done) {
                       m2m_authority_.AuthenticateIdToken(std::move(id_token), std::move(done));
                     }),
      gate_(authenticator_, roles_, AbuseLimitsFrom(config), RealClock::Get()),
      authority_(token_store_, keys_, roles_, revocations_, *audit_, RealClock::Get(),
                 TokenPolicyFrom(config, notifier_config),
                 [this](std::function<void(absl::Status)> done) {
                   role_authority_.RefreshView(std::move(done));
                 }),
      m2m_authority_(m2m_store_, m2m_view_, token_store_, roles_, issuer_keys_, blocking_pool_,
                     keys_, *audit_, RealClock::Get(), M2mOptionsFrom(config)),
      role_authority_(permission_set_store_, access_scope_store_, role_store_, roles_, *audit_,
                      RealClock::Get()),
      provider_client_(http_fetcher_, RealClock::Get(), ProviderClientOptionsFrom(config)),
      provider_authority_(provider_store_, provider_view_, roles_, provider_client_, issuer_keys_,
                          blocking_pool_, *audit_, config.m2m_ca_file),
      sign_in_(provider_view_, provider_client_, issuer_keys_, sign_in_state_store_, token_store_,
               keys_, blocking_pool_, *audit_, RealClock::Get(), SignInOptionsFrom(config)),
      declarative_(config.declarative_config, declarative_store_, role_authority_,
                   provider_authority_, RealClock::Get()),
      token_api_(authority_),
      role_api_(role_authority_),
      auth_api_(validator_, roles_, m2m_authority_, authority_),
      provider_api_(provider_authority_, sign_in_, roles_,
                    [this] { return authenticator_.admin_enabled(); }),
      token_service_(gate_, token_api_),
      auth_service_(gate_, auth_api_,
                    WatchSources{watch_hub_, revocations_, roles_, m2m_view_, provider_view_,
                                 validator_, RealClock::Get()}),
      role_service_(gate_, role_api_),
      provider_service_(gate_, provider_api_),
      descriptors_(WardenDescriptorSet()),
      reflection_v1_(descriptors_, ServedServices()),
      reflection_v1alpha_(descriptors_, ServedServices()),
      sync_(
          {config.database_url, config.reconcile_interval, config.token_leeway}, token_store_,
          role_store_, revocations_, roles_, RealClock::Get(),
          [this] {
            LoadSignaturePolicy();
            declarative_.Apply().IgnoreError();  // Apply logs the outcome
          },
          [this] {
            absl::Status m2m = Await<absl::Status>(
                [this](auto done) { m2m_authority_.RefreshView(std::move(done)); });
            if (!m2m.ok()) return m2m;
            return Await<absl::Status>(
                [this](auto done) { provider_authority_.RefreshView(std::move(done)); });
          },
          [this] { OnReady(); }),
      notice_sinks_(std::make_shared<notifier::NoticeSinks>(std::move(sinks))),
      notifier_(notifier_config, schedule_store_, token_store_, RealClock::Get(), notice_sinks_),
      token_jobs_(notifier_config, executor_, schedule_store_, notice_sinks_, *audit_, revocations_,
                  RealClock::Get()),
      change_feed_(
          {config.database_url,
           {storage::TokenStore::kRevocationChannel, "warden_roles",
            storage::M2mConfigStore::kChangeChannel, storage::AuthProviderStore::kChangeChannel}},
          [this](const std::string& channel, const std::string& payload) {
            OnChange(channel, payload);
          },
          [this] {
            absl::Status reloaded = sync_.Reload();
            if (!reloaded.ok()) {
              LOG(WARNING) << "reload after the change feed connected failed: "
                           << reloaded.message();
            }
          }) {
  if (config.admin_password_file.empty()) {
    // A password Warden generated is for getting started: once people can sign in through an
    // auth provider it stops working (docs/operations.md; WARDEN_ADMIN_PASSWORD_FILE keeps it).
    authenticator_.SetAdminAllowed([this] { return provider_view_.Snapshot()->empty(); });
  }
  validator_.SetObserver([this](bool valid) { metrics_.RecordValidation(valid); });
  if (config.track_last_used) {
    validator_.SetUseObserver([this](const Identity& who) { usage_.RecordUse(who); });
    metrics_.AddScrapeGauge("warden_last_used_pending",
                            "Token uses recorded in memory, not yet written to last_used_at",
                            [this] { return std::optional<double>(usage_.stats().pending); });
    metrics_.AddScrapeGauge(
        "warden_last_used_dropped",
        "Token uses forgotten unwritten since start (over WARDEN_LAST_USED_MAX_TOKENS)",
        [this] { return std::optional<double>(usage_.stats().dropped); });
  }
  metrics_.AddScrapeCounter(
      "warden_validation_cache_hits_total",
      "Token validations that found the token already verified (no signature check)",
      [this] { return std::optional<double>(validator_.cache_stats().hits); });
  metrics_.AddScrapeCounter(
      "warden_validation_cache_misses_total",
      "Token validations that checked the signature (the cache is on but had no entry)",
      [this] { return std::optional<double>(validator_.cache_stats().misses); });
  metrics_.AddScrapeGauge(
      "warden_validation_cache_entries",
      "Verified tokens remembered (WARDEN_VALIDATION_CACHE_SIZE at most)",
      [this] { return std::optional<double>(validator_.cache_stats().entries); });
  revocations_.SetAddedListener([this](const RevocationView::Entry& added) {
    watch_hub_.PublishRevocation(added.token_id, added.expires_at, added.effective_from);
  });
  roles_.SetChangedListener([this] { watch_hub_.PublishRolesChanged(); });
  m2m_view_.SetChangedListener([this] { watch_hub_.PublishM2mChanged(); });
  provider_view_.SetChangedListener([this] { watch_hub_.PublishM2mChanged(); });
  metrics_.AddScrapeGauge(
      "warden_notifier_tokens_expiring",
      "Tokens expiring within the notifier's window, as counted by its last complete run",
      [this]() -> std::optional<double> {
        std::optional<notifier::RunReport> report = notifier_.last_report();
        if (!report.has_value() || !report->complete) return std::nullopt;
        return static_cast<double>(report->tokens_expiring);
      });
  token_jobs_.AddMetrics(metrics_);
  metrics_.AddScrapeGauge("warden_db_pool_size", "Database connections the pool may hold",
                          [this] { return std::optional<double>(executor_.Stats().size); });
  metrics_.AddScrapeGauge("warden_db_pool_in_use",
                          "Database connections busy running a query or transaction",
                          [this] { return std::optional<double>(executor_.Stats().in_use); });
  metrics_.AddScrapeGauge("warden_db_pool_waiting",
                          "Database tasks queued, waiting for a free connection",
                          [this] { return std::optional<double>(executor_.Stats().waiting); });
  using PoolStats = storage::StorageExecutor::PoolStats;
  for (const auto& [name, help, count] :
       {std::tuple{"warden_db_tasks_refused_total",
                   "Database tasks refused because WARDEN_DATABASE_MAX_QUEUED were waiting",
                   &PoolStats::refused},
        std::tuple{"warden_db_tasks_expired_total",
                   "Database tasks not run because their call's deadline passed while they waited",
                   &PoolStats::expired},
        std::tuple{"warden_db_tasks_cancelled_total",
                   "Database tasks not run because their call was cancelled while they waited",
                   &PoolStats::cancelled}}) {
    metrics_.AddScrapeCounter(name, help, [this, count = count] {
      return std::optional<double>(executor_.Stats().*count);
    });
  }
  for (const auto& [name, help, count] :
       {std::tuple{"warden_token_mint_batches_total",
                   "Statements that minted tokens, each for a group of concurrent mints",
                   &storage::MintBatcher::Stats::batches},
        std::tuple{"warden_token_mint_batched_total",
                   "Mints those statements carried (each with its own answer)",
                   &storage::MintBatcher::Stats::mints},
        std::tuple{"warden_token_mint_fallbacks_total",
                   "Mint statements that failed as a whole, their mints then run one by one",
                   &storage::MintBatcher::Stats::fallbacks}}) {
    metrics_.AddScrapeCounter(name, help, [this, count = count] {
      return std::optional<double>(token_store_.mint_stats().*count);
    });
  }
  metrics_.AddScrapeGauge(
      "warden_token_mint_waiting", "Mints queued until a mint statement in flight ends",
      [this] { return std::optional<double>(token_store_.mint_stats().queued); });
  metrics_.AddScrapeGauge("warden_audit_pending",
                          "Audit records queued for the audit writer, not yet written",
                          [this] { return std::optional<double>(audit_->pending()); });
}

void WardenServer::OnChange(const std::string& channel, const std::string& payload) {
  auto log_failure = [channel](absl::Status s) {
    if (!s.ok()) LOG(WARNING) << "applying a change on " << channel << " failed: " << s.message();
  };
  if (channel == storage::TokenStore::kRevocationChannel) {
    std::optional<storage::RevocationNotice> notice = storage::ParseRevocationNotice(payload);
    if (notice.has_value()) {
      std::optional<absl::Duration> lag;
      if (notice->sent_at.has_value()) lag = RealClock::Get().Now() - *notice->sent_at;
      // Recorded first, so that once a revocation is seen to apply, its metric is there too.
      metrics_.RecordFeedRevocation(lag);
      revocations_.Add(notice->id, notice->expires_at,
                       notice->effective_from.value_or(absl::InfinitePast()));
    } else {
      log_failure(sync_.Reload());  // an older replica's notice: reload in full
    }
  } else if (channel == storage::M2mConfigStore::kChangeChannel) {
    m2m_authority_.RefreshView(log_failure);
  } else if (channel == storage::AuthProviderStore::kChangeChannel) {
    provider_authority_.RefreshView(log_failure);
  } else {
    role_authority_.RefreshView(log_failure);
  }
}

void WardenServer::ReloadDeclarativeConfig() {
  declarative_.Apply().IgnoreError();  // Apply logs the outcome; the old state stays on error
}

WardenServer::~WardenServer() { Shutdown(); }

absl::Status WardenServer::Listen() {
  grpc::EnableDefaultHealthCheckService(true);

  grpc::ServerBuilder builder;
  std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials();
  if (!config_.tls_cert.empty()) {
    absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> tls_credentials =
        tls::MakeServerCredentials({config_.tls_cert, config_.tls_key, config_.tls_client_ca,
                                    config_.tls_reload_interval});
    if (!tls_credentials.ok()) return tls_credentials.status();
    credentials = *std::move(tls_credentials);
    LOG(INFO) << "TLS enabled: certificate " << config_.tls_cert << ", key " << config_.tls_key
              << ", re-read every " << absl::FormatDuration(config_.tls_reload_interval);
    if (!config_.tls_client_ca.empty()) {
      LOG(INFO) << "client certificates required, signed by " << config_.tls_client_ca;
    }
  }
  builder.AddListeningPort(config_.listen, credentials, &port_);
  builder.RegisterService(&token_service_);
  builder.RegisterService(&auth_service_);
  builder.RegisterService(&role_service_);
  builder.RegisterService(&provider_service_);
  builder.RegisterService(&reflection_v1_);
  builder.RegisterService(&reflection_v1alpha_);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(MalformedRequestInterceptorFactory());  // first: metrics see its code
  interceptors.push_back(metrics_.InterceptorFactory());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot listen on ", config_.listen, " (in use, or not a host:port?)"));
  }
  if (!config_.health_listen.empty()) {
    // Health (and reflection) only, in plaintext: it never serves any data.
    grpc::ServerBuilder health_builder;
    int health_port = 0;
    health_builder.AddListeningPort(config_.health_listen, grpc::InsecureServerCredentials(),
                                    &health_port);
    // gRPC needs at least one callback service to poll; reflection describes the API only.
    health_builder.RegisterService(&reflection_v1_);
    health_builder.RegisterService(&reflection_v1alpha_);
    health_server_ = health_builder.BuildAndStart();
    if (health_server_ == nullptr || health_port == 0) {
      return absl::FailedPreconditionError(absl::StrCat("cannot listen on ", config_.health_listen,
                                                        " (in use, or not a host:port?)"));
    }
    LOG(INFO) << "health service also on " << config_.health_listen << " (plaintext)";
  }
  if (!config_.metrics_listen.empty()) {
    absl::Status metrics = metrics_.Serve(config_.metrics_listen);
    if (!metrics.ok()) return metrics;
  }
  if (absl::Status http = ListenHttp(); !http.ok()) return http;
  SetServing(false);
  LOG(INFO) << "warden-server listening on " << config_.listen << " (port " << port_
            << "); NOT_SERVING until the database is ready";
  return absl::OkStatus();
}

absl::Status WardenServer::ListenHttp() {
  if (config_.http_listen.empty()) return absl::OkStatus();
  http_router_ = std::make_unique<http::Router>(
      RouterOptionsFrom(config_), gate_,
      http::UnaryRoutes(token_api_, role_api_, auth_api_, provider_api_), validator_);
  absl::StatusOr<std::unique_ptr<http::HttpListener>> listener = http::HttpListener::Start(
      ListenerOptionsFrom(config_), *http_router_,
      [this](const std::string& route, int status, absl::Duration elapsed) {
        metrics_.RecordHttp(route, status, elapsed);
      });
  if (!listener.ok()) return listener.status();
  http_listener_ = *std::move(listener);
  LOG(INFO) << "HTTP" << (http_listener_->tls() ? "S" : "") << " listening on "
            << config_.http_listen << " (port " << http_listener_->port() << ")";
  return absl::OkStatus();
}

void WardenServer::SetServing(bool serving) {
  server_->GetHealthCheckService()->SetServingStatus(serving);
  if (health_server_ != nullptr) health_server_->GetHealthCheckService()->SetServingStatus(serving);
}

void WardenServer::LoadSignaturePolicy() {
  absl::StatusOr<absl::Time> cutoff = Await<absl::StatusOr<absl::Time>>(
      [this](auto done) { token_store_.HighSIssuedBefore(std::move(done)); });
  if (!cutoff.ok()) {
    // Fail closed: without the cutoff every high-S signature is refused.
    LOG(ERROR) << "cannot read the signature policy: " << cutoff.status().message();
    return;
  }
  validator_.SetHighSIssuedBefore(*cutoff);
}

void WardenServer::OnReady() {
  gate_.SetReady();
  change_feed_.Start();
  notifier_.Start();
  token_jobs_.Start();
  if (config_.track_last_used) usage_.Start();
  SetServing(true);
  LOG(INFO) << "warden-server is SERVING";
}

void WardenServer::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  metrics_.Stop();                 // no scrape reads the notifier once teardown begins
  if (server_ == nullptr) return;  // never listened: nothing was started
  LOG(INFO) << "shutting down: draining RPCs for up to "
            << absl::FormatDuration(config_.shutdown_grace);
  SetServing(false);
  watch_hub_.Close();  // watch streams end now (UNAVAILABLE) instead of at the grace deadline
  // HTTP: stop accepting, let the requests being served finish.
  if (http_listener_ != nullptr) http_listener_->Stop();
  server_->Shutdown(absl::ToChronoTime(absl::Now() + config_.shutdown_grace));
  server_->Wait();
  if (health_server_ != nullptr) {
    health_server_->Shutdown();
    health_server_->Wait();
  }
  usage_.Stop();  // no RPC validates any more: write the last uses while storage is up
  notifier_.Stop();
  token_jobs_.Stop();
  change_feed_.Stop();
  sync_.Stop();
  blocking_pool_.Shutdown();
  executor_.Shutdown();
  LOG(INFO) << "warden-server stopped";
}

}  // namespace warden
