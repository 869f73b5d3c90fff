#include "server/app/warden_server.h"

#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "glog/logging.h"
#include "descriptor_set.h"
#include "server/app/credentials.h"
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

TokenPolicy TokenPolicyFrom(const ServerConfig& config) {
  TokenPolicy policy;
  policy.issuer = config.issuer;
  policy.audience = config.audience;
  policy.max_lifetime = config.token_max_lifetime;
  return policy;
}

}  // namespace

absl::StatusOr<std::unique_ptr<WardenServer>> WardenServer::Start(const ServerConfig& config) {
  // A broken declarative file stops start-up, before anything is built or served.
  if (!config.declarative_config.empty()) {
    absl::Status declarative = LoadDeclarativeConfigFile(config.declarative_config).status();
    if (!declarative.ok()) return declarative;
  }
  absl::StatusOr<jose::KeyRing> keys = LoadSigningKeys(config);
  if (!keys.ok()) return keys.status();
  absl::StatusOr<std::optional<AdminPassword>> admin = LoadAdminPassword(config);
  if (!admin.ok()) return admin.status();
  std::unique_ptr<WardenServer> server(
      new WardenServer(config, std::move(*keys), std::move(*admin)));
  absl::Status listening = server->Listen();
  if (!listening.ok()) return listening;
  server->sync_.Start();
  return server;
}

WardenServer::WardenServer(const ServerConfig& config, jose::KeyRing keys,
                           std::optional<AdminPassword> admin)
    : config_(config),
      keys_(std::move(keys)),
      executor_(DatabaseOptionsFrom(config)),
      token_store_(executor_),
      role_store_(executor_),
      validator_(keys_, VerifyOptionsFrom(config), revocations_, roles_, RealClock::Get()),
      authenticator_(validator_, std::move(admin)),
      gate_(authenticator_, roles_),
      authority_(token_store_, keys_, roles_, revocations_, RealClock::Get(),
                 TokenPolicyFrom(config)),
      role_authority_(role_store_, roles_, RealClock::Get()),
      declarative_(config.declarative_config, role_store_, role_authority_, RealClock::Get()),
      token_service_(gate_, authority_),
      auth_service_(gate_),
      role_service_(gate_, role_authority_),
      descriptors_(WardenDescriptorSet()),
      reflection_v1_(descriptors_, ServedServices()),
      reflection_v1alpha_(descriptors_, ServedServices()),
      sync_({config.database_url, config.reconcile_interval, config.token_leeway}, token_store_,
            role_store_, revocations_, roles_, RealClock::Get(),
            [this] { declarative_.Apply(); }, [this] { OnReady(); }) {}

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
  sync_.Stop();
  executor_.Shutdown();
  LOG(INFO) << "warden-server stopped";
}

}  // namespace warden
