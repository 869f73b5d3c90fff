#include "server/api/call_gate.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/status_macros.h"
#include "glog/logging.h"
#include "server/auth/authorization.h"
#include "server/auth/client_address.h"

namespace warden {

struct CallGate::Request {
  std::vector<std::string> headers;
  std::string password_key;  // (network, user) for Basic credentials; empty otherwise
};

namespace {

// The user name of Basic credentials, if that is what the request sends (decoded leniently:
// the Authenticator gives malformed ones their error); nullopt for any other request.
std::optional<std::string> BasicUser(const std::vector<std::string>& headers) {
  if (headers.size() != 1) return std::nullopt;
  const std::string& header = headers.front();
  if (!absl::StartsWithIgnoreCase(header, "basic ")) return std::nullopt;
  std::string decoded;
  if (!absl::Base64Unescape(absl::StripAsciiWhitespace(header.substr(6)), &decoded)) return "";
  // Bounded: the key table holds many keys, and a name longer than this guesses nothing new.
  constexpr size_t kMaxUser = 128;
  return decoded.substr(0, std::min(decoded.find(':'), kMaxUser));
}

std::vector<absl::string_view> Views(const std::vector<std::string>& headers) {
  return std::vector<absl::string_view>(headers.begin(), headers.end());
}

}  // namespace

CallGate::CallGate(const Authenticator& authenticator, const RoleView& roles, AbuseLimits limits,
                   const Clock& clock)
    : authenticator_(authenticator),
      roles_(roles),
      generate_(limits.generate, clock),
      auth_failures_(limits.auth_failures, clock) {}

absl::Status CallGate::CheckReady() const {
  if (ready()) return absl::OkStatus();
  return absl::UnavailableError("warden is starting: waiting for the database; retry shortly");
}

absl::StatusOr<CallGate::Request> CallGate::Prepare(const CallCredentials& call,
                                                    Method method) const {
  CHECK(!Describe(method).anonymous) << Describe(method).name << " takes no credentials";
  if (absl::Status up = CheckReady(); !up.ok()) return up;
  Request request;
  request.headers = call.authorization;
  if (std::optional<std::string> user = BasicUser(request.headers)) {
    request.password_key = absl::StrCat(ClientNetwork(call.peer), "|", *user);
    if (auth_failures_.Exhausted(request.password_key)) {
      return absl::ResourceExhaustedError(
          "too many failed authentications for this user from this address; retry later");
    }
  }
  return request;
}

absl::StatusOr<Identity> CallGate::Conclude(const Request& request, Method method,
                                            absl::StatusOr<Identity> identity) const {
  if (!identity.ok()) {
    if (absl::IsUnauthenticated(identity.status()) && !request.password_key.empty()) {
      auth_failures_.TryAcquire(request.password_key);
    }
    return identity.status();
  }
  const MethodInfo& info = Describe(method);
  // Methods any identity may call (ValidateToken, the hot path) need no permissions resolved.
  if (!info.requirements.empty()) {
    absl::Status allowed = Authorize(method, *roles_.Snapshot()->Resolve(identity->roles));
    if (!allowed.ok()) return allowed;
  }
  // Per root: tokens minting tokens share their root's budget instead of each getting one.
  if (info.rate_limited && !generate_.TryAcquire(identity->Root())) {
    return absl::ResourceExhaustedError(
        "too many GenerateToken calls by this identity; retry later");
  }
  return identity;
}

void CallGate::Admit(const CallCredentials& call, Method method, Done done) const {
  absl::StatusOr<Request> request = Prepare(call, method);
  if (!request.ok()) return done(request.status());
  auto shared = std::make_shared<const Request>(*std::move(request));
  authenticator_.Authenticate(
      Views(shared->headers),
      [this, shared, method, done = std::move(done)](absl::StatusOr<Identity> identity) {
        done(Conclude(*shared, method, std::move(identity)));
      });
}

absl::StatusOr<Identity> CallGate::AdmitInline(const CallCredentials& call, Method method) const {
  ASSIGN_OR_RETURN(const Request request, Prepare(call, method));
  return Conclude(request, method, authenticator_.AuthenticateInline(Views(request.headers)));
}

}  // namespace warden
