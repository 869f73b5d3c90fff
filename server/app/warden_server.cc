#include "server/app/warden_server.h"

#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include "absl/strings/str_cat.h"
#include "common/await.h"
#include "common/clock.h"
#include "glog/logging.h"
#include "descriptor_set.h"
#include "server/app/credentials.h"
#include "notifier/sinks_from_config.h"
#include "server/declarative/declarative_config.h"

namespace warden {
namespace {

storage::DatabaseOptions DatabaseOptionsFrom(const ServerConfig& config) {
  storage::DatabaseOptions options;
  options.url = config.database_url;
  options.pool_size = config.database_pool_size;
  return options;
}

jose::VerifyOptions VerifyOptionsFrom(const ServerConfig& config) {
  jose::VerifyOptions options;
  options.issuer = config.issuer;
  options.audience = config.audience;
  options.leeway = config.token_leeway;
  return options;
}

// What reflection's list_services reports: every service the server registers.
std::vector<std::string> ServedServices() {
  return {"warden.v1.TokenService", "warden.v1.AuthService", "warden.v1.RoleService",
          "grpc.health.v1.Health",
          "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"};
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
  return options;
}

TokenPolicy TokenPolicyFrom(const ServerConfig& config,
                            const notifier::NotifierConfig& notifier_config) {
  TokenPolicy policy;
  policy.expiring_window = notifier_config.window;
  policy.issuer = config.issuer;
  policy.audience = config.audience;
  policy.max_lifetime = config.token_max_lifetime;
  return policy;
}

}  // namespace

absl::StatusOr<std::unique_ptr<WardenServer>> WardenServer::Start(
    const ServerConfig& config, const notifier::NotifierConfig& notifier_config) {
  // A broken declarative file stops start-up, before anything is built or served.
  if (!config.declarative_config.empty()) {
    absl::Status declarative = LoadDeclarativeConfigFile(config.declarative_config).status();
    if (!declarative.ok()) return declarative;
  }
  absl::StatusOr<jose::KeyRing> keys = LoadSigningKeys(config);
  if (!keys.ok()) return keys.status();
  absl::StatusOr<std::optional<AdminPassword>> admin = LoadAdminPassword(config);
  if (!admin.ok()) return admin.status();
  absl::StatusOr<std::vector<std::unique_ptr<notifier::ExpirationSink>>> sinks =
      notifier::SinksFromConfig(notifier_config);
  if (!sinks.ok()) return sinks.status();
  std::unique_ptr<WardenServer> server(new WardenServer(
      config, notifier_config, std::move(*keys), std::move(*admin), std::move(*sinks)));
  absl::Status listening = server->Listen();
  if (!listening.ok()) return listening;
  server->sync_.Start();
  return server;
}

WardenServer::WardenServer(const ServerConfig& config,
                           const notifier::NotifierConfig& notifier_config, jose::KeyRing keys,
                           std::optional<AdminPassword> admin,
                           std::vector<std::unique_ptr<notifier::ExpirationSink>> sinks)
    : config_(config),
      keys_(std::move(keys)),
      executor_(DatabaseOptionsFrom(config)),
      token_store_(executor_),
      role_store_(executor_),
      m2m_store_(executor_),
      schedule_store_(executor_),
      issuer_keys_(http_fetcher_, RealClock::Get(), IssuerKeyOptionsFrom(config)),
      blocking_pool_(/*threads=*/2, /*max_queued=*/1024),
      validator_(keys_, VerifyOptionsFrom(config), revocations_, roles_, m2m_view_,
                 RealClock::Get()),
      authenticator_(validator_, std::move(admin),
                     [this](absl::string_view id_token) {
                       return m2m_authority_.AuthenticateIdToken(
                           std::string_view(id_token.data(), id_token.size()));
                     }),
      gate_(authenticator_, roles_),
      authority_(token_store_, keys_, roles_, revocations_, RealClock::Get(),
                 TokenPolicyFrom(config, notifier_config)),
      m2m_authority_(m2m_store_, m2m_view_, issuer_keys_, blocking_pool_, keys_, RealClock::Get(),
                     M2mOptionsFrom(config)),
      role_authority_(role_store_, roles_, RealClock::Get()),
      declarative_(config.declarative_config, role_store_, role_authority_, RealClock::Get()),
      token_service_(gate_, authority_),
      auth_service_(gate_, m2m_authority_),
      role_service_(gate_, role_authority_),
      descriptors_(WardenDescriptorSet()),
      reflection_v1_(descriptors_, ServedServices()),
      reflection_v1alpha_(descriptors_, ServedServices()),
      sync_({config.database_url, config.reconcile_interval, config.token_leeway}, token_store_,
            role_store_, revocations_, roles_, RealClock::Get(),
            [this] { declarative_.Apply(); },
            [this] {
              return AwaitStatus([this](auto done) { m2m_authority_.RefreshView(std::move(done)); });
            },
            [this] { OnReady(); }),
      notifier_(notifier_config, schedule_store_, token_store_, RealClock::Get(),
                std::move(sinks)) {}

void WardenServer::ReloadDeclarativeConfig() { declarative_.Apply(); }

WardenServer::~WardenServer() { Shutdown(); }

absl::Status WardenServer::Listen() {
  grpc::EnableDefaultHealthCheckService(true);

  grpc::ServerBuilder builder;
  builder.AddListeningPort(config_.listen, grpc::InsecureServerCredentials(), &port_);
  builder.RegisterService(&token_service_);
  builder.RegisterService(&auth_service_);
  builder.RegisterService(&role_service_);
  builder.RegisterService(&reflection_v1_);
  builder.RegisterService(&reflection_v1alpha_);
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot listen on ", config_.listen, " (in use, or not a host:port?)"));
  }
  server_->GetHealthCheckService()->SetServingStatus(false);
  LOG(INFO) << "warden-server listening on " << config_.listen << " (port " << port_
            << "); NOT_SERVING until the database is ready";
  return absl::OkStatus();
}

void WardenServer::OnReady() {
  gate_.SetReady();
  notifier_.Start();
  server_->GetHealthCheckService()->SetServingStatus(true);
  LOG(INFO) << "warden-server is SERVING";
}

void WardenServer::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  if (server_ == nullptr) return;  // never listened: nothing was started
  LOG(INFO) << "shutting down: draining RPCs for up to "
            << absl::FormatDuration(config_.shutdown_grace);
  server_->GetHealthCheckService()->SetServingStatus(false);
  server_->Shutdown(absl::ToChronoTime(absl::Now() + config_.shutdown_grace));
  server_->Wait();
  notifier_.Stop();
  sync_.Stop();
  blocking_pool_.Shutdown();
  executor_.Shutdown();
  LOG(INFO) << "warden-server stopped";
}

}  // namespace warden
