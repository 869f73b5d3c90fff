#include "absl/strings/string_view.h"
#include "server/rpc/call_gate.h"

#include <vector>

#include "server/auth/authorization.h"

namespace warden {

CallGate::CallGate(const Authenticator& authenticator, const RoleView& roles)
    : authenticator_(authenticator), roles_(roles) {}

absl::Status CallGate::CheckReady() const {
  if (ready()) return absl::OkStatus();
  return absl::UnavailableError("warden is starting: waiting for the database; retry shortly");
}

absl::StatusOr<Identity> CallGate::Admit(const grpc::CallbackServerContext& context,
                                         absl::string_view method) const {
  if (absl::Status up = CheckReady(); !up.ok()) return up;
  std::vector<absl::string_view> headers;
  auto [begin, end] = context.client_metadata().equal_range("authorization");
  for (auto it = begin; it != end; ++it) headers.emplace_back(it->second.data(), it->second.size());
  absl::StatusOr<Identity> identity = authenticator_.Authenticate(headers);
  if (!identity.ok()) return identity.status();
  absl::Status allowed = Authorize(method, roles_.Snapshot()->ResolvePermissions(identity->roles));
  if (!allowed.ok()) return allowed;
  return identity;
}

}  // namespace warden
