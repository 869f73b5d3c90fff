#pragma once

#include <grpcpp/server.h>

#include <memory>
#include <optional>

#include "absl/status/statusor.h"
#include "common/thread_pool.h"
#include "notifier/expiration_notifier.h"
#include "notifier/notifier_config.h"
#include "server/api/auth_api.h"
#include "server/api/auth_provider_api.h"
#include "server/api/call_gate.h"
#include "server/api/role_api.h"
#include "server/api/token_api.h"
#include "server/app/declarative_roles.h"
#include "server/app/state_sync.h"
#include "server/app/token_jobs.h"
#include "server/audit/audit_log.h"
#include "server/auth/authenticator.h"
#include "server/config/server_config.h"
#include "server/http/listener.h"
#include "server/http/router.h"
#include "server/m2m/m2m_authority.h"
#include "server/m2m/m2m_view.h"
#include "server/metrics/metrics.h"
#include "server/oidc/http_fetcher_impl.h"
#include "server/oidc/issuer_key_cache.h"
#include "server/reflection/descriptor_index.h"
#include "server/reflection/reflection_service.h"
#include "server/roles/role_authority.h"
#include "server/rpc/auth_provider_service.h"
#include "server/rpc/auth_service.h"
#include "server/rpc/role_service.h"
#include "server/rpc/token_service.h"
#include "server/tokens/token_authority.h"
#include "server/tokens/usage_recorder.h"
#include "server/views/views_state.h"
#include "server/watch/watch_hub.h"
#include "storage/access_scope_store.h"
#include "storage/auth_provider_store.h"
#include "storage/declarative_store.h"
#include "storage/m2m_config_store.h"
#include "storage/permission_set_store.h"
#include "storage/pg/change_feed.h"
#include "storage/pg/executor.h"
#include "storage/role_store.h"
#include "storage/schedule_store.h"
#include "storage/sign_in_state_store.h"
#include "storage/token_store.h"
#include "validation/jose/key_ring.h"

namespace warden {

// The composition root's product: every part of a running server, built in start-up order
// and torn down in reverse. Listens at once (health NOT_SERVING); becomes SERVING when
// StateSync has reached the database and loaded the views.
class WardenServer final {
 public:
  // Loads keys and the admin password (generating dev ones in the data dir if configured
  // so), builds the parts, and starts listening. Errors are start-up configuration errors.
  static absl::StatusOr<std::unique_ptr<WardenServer>> Start(
      const ServerConfig& config, const notifier::NotifierConfig& notifier_config);
  ~WardenServer();  // Shutdown()s

  // Stops accepting RPCs, lets in-flight ones finish within the grace period, then stops
  // the sync thread and the storage executor. Idempotent.
  void Shutdown();

  // Re-reads and applies the declarative configuration (SIGHUP). Blocks; call from the
  // signal-handling thread. Errors are logged; the previous state stays.
  void ReloadDeclarativeConfig();

  int port() const { return port_; }
  // The HTTP listener's port; 0 when there is none (WARDEN_HTTP_LISTEN unset).
  int http_port() const { return http_listener_ == nullptr ? 0 : http_listener_->port(); }

 private:
  WardenServer(const ServerConfig& config, const notifier::NotifierConfig& notifier_config,
               jose::KeyRing keys, std::optional<AdminPassword> admin,
               std::vector<std::unique_ptr<notifier::ExpirationSink>> sinks,
               std::unique_ptr<AuditLog> audit);
  absl::Status Listen();
  // Starts the HTTP listener (WARDEN_HTTP_LISTEN), over the same gate and application layer.
  absl::Status ListenHttp();
  void OnReady();
  // Tells the validator since when tokens are signed low-S only (migration 0012).
  void LoadSignaturePolicy();
  // Sets the health status on every listening server.
  void SetServing(bool serving);
  // Applies one change another replica (or this one) announced through PostgreSQL.
  void OnChange(const std::string& channel, const std::string& payload);

  const ServerConfig config_;
  const std::unique_ptr<AuditLog> audit_;  // never null
  const jose::KeyRing keys_;
  Metrics metrics_;  // first built, last destroyed: the gRPC interceptor records into it
  storage::StorageExecutor executor_;
  storage::TokenStore token_store_;
  storage::PermissionSetStore permission_set_store_;
  storage::AccessScopeStore access_scope_store_;
  storage::RoleStore role_store_;
  storage::DeclarativeStore declarative_store_;
  storage::M2mConfigStore m2m_store_;
  storage::AuthProviderStore provider_store_;
  storage::SignInStateStore sign_in_state_store_;
  storage::ScheduleStore schedule_store_;
  UsageRecorder usage_;  // last_used_at; flushes through token_store_ until Shutdown
  RevocationView revocations_;
  RoleView roles_;
  M2mView m2m_view_;
  AuthProviderView provider_view_;
  ViewsState views_state_{revocations_, roles_, m2m_view_, provider_view_};
  WatchHub watch_hub_;  // fed by the three views above, read by WatchRevocations streams
  oidc::HttpFetcherImpl http_fetcher_;
  oidc::IssuerKeyCache issuer_keys_;
  ThreadPool blocking_pool_;  // outbound HTTP for M2M, never gRPC's threads
  TokenValidator validator_;
  Authenticator authenticator_;
  CallGate gate_;
  TokenAuthority authority_;
  M2mAuthority m2m_authority_;
  RoleAuthority role_authority_;
  ProviderClient provider_client_;  // Warden as the auth providers' OAuth client
  AuthProviderAuthority provider_authority_;
  SignInAuthority sign_in_;
  DeclarativeRoles declarative_;
  TokenApi token_api_;  // the application layer every transport calls
  RoleApi role_api_;
  AuthApi auth_api_;
  AuthProviderApi provider_api_;
  TokenServiceImpl token_service_;
  AuthServiceImpl auth_service_;
  RoleServiceImpl role_service_;
  AuthProviderServiceImpl provider_service_;
  const DescriptorIndex descriptors_;
  ReflectionV1Service reflection_v1_;
  ReflectionV1AlphaService reflection_v1alpha_;
  StateSync sync_;
  // The notifier's sinks, shared with the inactivity revoker of token_jobs_.
  std::shared_ptr<notifier::NoticeSinks> notice_sinks_;
  notifier::ExpirationNotifier notifier_;  // started once the database is ready
  TokenJobs token_jobs_;                   // likewise
  storage::ChangeFeed change_feed_;        // likewise
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<grpc::Server> health_server_;  // WARDEN_HEALTH_LISTEN; health only
  std::unique_ptr<http::Router> http_router_;    // WARDEN_HTTP_LISTEN; null without it
  std::unique_ptr<http::HttpListener> http_listener_;
  int port_ = 0;
  bool shut_down_ = false;
};

}  // namespace warden
