#include "absl/strings/string_view.h"
#include "server/rpc/call_gate.h"

#include <vector>

#include "server/auth/authorization.h"

namespace warden {

namespace {

// "ipv4:10.0.0.7:51234" -> "ipv4:10.0.0.7", "ipv6:[::1]:51234" -> "ipv6:[::1]": the
// address without the port, which changes with every connection.
std::string PeerAddress(const std::string& peer) {
  const size_t colon = peer.rfind(':');
  const size_t scheme = peer.find(':');
  if (colon == std::string::npos || colon == scheme) return peer;
  return peer.substr(0, colon);
}

}  // namespace

CallGate::CallGate(const Authenticator& authenticator, const RoleView& roles, AbuseLimits limits,
                   const Clock& clock)
    : authenticator_(authenticator),
      roles_(roles),
      generate_(limits.generate, clock),
      auth_failures_(limits.auth_failures, clock) {}

absl::Status CallGate::CheckAuthBudget(const std::string& peer) const {
  if (!auth_failures_.Exhausted(PeerAddress(peer))) return absl::OkStatus();
  return absl::ResourceExhaustedError(
      "too many failed authentications from this address; retry later");
}

void CallGate::NoteFailedAuthentication(const std::string& peer) const {
  auth_failures_.TryAcquire(PeerAddress(peer));
}

absl::Status CallGate::AdmitAnonymous(const grpc::CallbackServerContext& context) const {
  if (absl::Status up = CheckReady(); !up.ok()) return up;
  return CheckAuthBudget(context.peer());
}

absl::Status CallGate::CheckReady() const {
  if (ready()) return absl::OkStatus();
  return absl::UnavailableError("warden is starting: waiting for the database; retry shortly");
}

absl::StatusOr<Identity> CallGate::Admit(const grpc::CallbackServerContext& context,
                                         absl::string_view method) const {
  if (absl::Status up = CheckReady(); !up.ok()) return up;
  const std::string peer = context.peer();
  if (absl::Status budget = CheckAuthBudget(peer); !budget.ok()) return budget;
  std::vector<absl::string_view> headers;
  auto [begin, end] = context.client_metadata().equal_range("authorization");
  for (auto it = begin; it != end; ++it) headers.emplace_back(it->second.data(), it->second.size());
  absl::StatusOr<Identity> identity = authenticator_.Authenticate(headers);
  if (!identity.ok()) {
    if (absl::IsUnauthenticated(identity.status())) NoteFailedAuthentication(peer);
    return identity.status();
  }
  // Methods any identity may call (ValidateToken, the hot path) need no permissions resolved.
  if (!RequirementsFor(method).empty()) {
    absl::Status allowed =
        Authorize(method, roles_.Snapshot()->ResolvePermissions(identity->roles));
    if (!allowed.ok()) return allowed;
  }
  if (method == "TokenService.GenerateToken" && !generate_.TryAcquire(identity->Principal())) {
    return absl::ResourceExhaustedError(
        "too many GenerateToken calls by this identity; retry later");
  }
  return identity;
}

}  // namespace warden
