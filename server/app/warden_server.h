#pragma once

#include <memory>
#include <optional>

#include <grpcpp/server.h>

#include "absl/status/statusor.h"
#include "server/app/state_sync.h"
#include "server/auth/authenticator.h"
#include "server/config/server_config.h"
#include "server/jose/key_ring.h"
#include "server/reflection/descriptor_index.h"
#include "server/reflection/reflection_service.h"
#include "server/rpc/auth_service.h"
#include "server/app/declarative_roles.h"
#include "server/roles/role_authority.h"
#include "server/rpc/call_gate.h"
#include "server/rpc/role_service.h"
#include "server/rpc/token_service.h"
#include "server/tokens/token_authority.h"
#include "storage/executor.h"
#include "storage/role_store.h"
#include "storage/token_store.h"

namespace warden {

// The composition root's product: every part of a running server, built in start-up order
// and torn down in reverse. Listens at once (health NOT_SERVING); becomes SERVING when
// StateSync has reached the database and loaded the views.
class WardenServer final {
 public:
  // Loads keys and the admin password (generating dev ones in the data dir if configured
  // so), builds the parts, and starts listening. Errors are start-up configuration errors.
  static absl::StatusOr<std::unique_ptr<WardenServer>> Start(const ServerConfig& config);
  ~WardenServer();  // Shutdown()s

  // Stops accepting RPCs, lets in-flight ones finish within the grace period, then stops
  // the sync thread and the storage executor. Idempotent.
  void Shutdown();

  // Re-reads and applies the declarative configuration (SIGHUP). Blocks; call from the
  // signal-handling thread. Errors are logged; the previous state stays.
  void ReloadDeclarativeConfig();

  int port() const { return port_; }

 private:
  WardenServer(const ServerConfig& config, jose::KeyRing keys, std::optional<AdminPassword> admin);
  absl::Status Listen();
  void OnReady();

  const ServerConfig config_;
  const jose::KeyRing keys_;
  storage::StorageExecutor executor_;
  storage::TokenStore token_store_;
  storage::RoleStore role_store_;
  RevocationView revocations_;
  RoleView roles_;
  TokenValidator validator_;
  Authenticator authenticator_;
  CallGate gate_;
  TokenAuthority authority_;
  RoleAuthority role_authority_;
  DeclarativeRoles declarative_;
  TokenServiceImpl token_service_;
  AuthServiceImpl auth_service_;
  RoleServiceImpl role_service_;
  const DescriptorIndex descriptors_;
  ReflectionV1Service reflection_v1_;
  ReflectionV1AlphaService reflection_v1alpha_;
  StateSync sync_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  bool shut_down_ = false;
};

}  // namespace warden
