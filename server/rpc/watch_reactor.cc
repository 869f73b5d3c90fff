#include "server/rpc/watch_reactor.h"

#include <algorithm>
#include <utility>

#include "common/status_macros.h"
#include "proto/convert/convert.h"
#include "server/api/public_keys.h"
#include "server/auth/authorization.h"
#include "server/rpc/status.h"

namespace warden {
namespace {

void AddRevocation(const std::string& token_id, absl::Time expires_at, absl::Time effective_from,
                   v1::WatchRevocationsResponse& message) {
  v1::RevokedToken* token = message.add_revocations();
  token->set_id(token_id);
  ToProto(expires_at, token->mutable_expiration());
  if (effective_from != absl::InfinitePast())
    ToProto(effective_from, token->mutable_effective_from());
}

}  // namespace

WatchReactor::WatchReactor(WatchSources sources, const std::string& cursor, Identity caller)
    : sources_(sources), caller_(std::move(caller)) {
  {
    absl::MutexLock lock(&mu_);
    std::optional<uint64_t> resume = sources_.hub.ParseCursor(cursor);
    if (resume.has_value() && sources_.hub.Since(*resume, 0).has_value()) {
      position_ = *resume;
    } else {
      ending_ = QueueFullState();
    }
  }
  // gRPC runs nothing of this reactor's (OnDone included) before the method handler has
  // returned it, so a wake or the alarm may already call Pump here.
  ArmExpiry();
  subscription_ = sources_.hub.Subscribe([this] { Pump(); });
  Pump();
}

void WatchReactor::ArmExpiry() {
  if (!caller_.expires_at.has_value()) return;
  // The alarm waits on gRPC's clock; how long is left is the injected clock's to say. An
  // expiry already past fires at once.
  const absl::Duration left = *caller_.expires_at - sources_.clock.Now();
  holds_.fetch_add(1, std::memory_order_relaxed);
  expiry_armed_ = true;
  expiry_.Set(absl::ToChronoTime(absl::Now() + left), [this](bool fired) {
    if (fired) {
      {
        absl::MutexLock lock(&mu_);
        if (ending_.ok()) {
          ending_ = absl::UnauthenticatedError("the credential of this stream expired");
        }
      }
      Pump();
    }
    Release();
  });
}

absl::Status WatchReactor::CheckNotOwn(const std::string& token_id,
                                       absl::Time effective_from) const {
  // The admin's id is a user name, never a token id.
  if (caller_.kind == IdentityKind::kAdmin || token_id != caller_.id) return absl::OkStatus();
  // The caller's token was rotated and still works: the stream goes on (a new stream is
  // refused once the overlap ends, as any call is).
  if (effective_from > sources_.clock.Now()) return absl::OkStatus();
  return absl::UnauthenticatedError("the credential of this stream was revoked");
}

absl::Status WatchReactor::CheckStillAllowed() const {
  return Authorize(kMethod, *sources_.roles.Snapshot()->Resolve(caller_.roles));
}

absl::Status WatchReactor::QueueFullState() {
  // The roles or the caller's token may have changed in ways no longer in the log.
  RETURN_IF_ERROR(CheckStillAllowed());
  // The head first: whatever changes after it is sent again as a change, and applying a
  // change twice is harmless.
  position_ = sources_.hub.head();
  std::vector<RevocationView::Entry> revoked = sources_.revocations.Entries();
  for (const RevocationView::Entry& entry : revoked) {
    RETURN_IF_ERROR(CheckNotOwn(entry.token_id, entry.effective_from));
  }
  queued_.clear();
  v1::WatchRevocationsResponse first;
  first.set_reset(true);
  FillPublicKeys(sources_.tokens, first.mutable_public_keys());
  FillRoles(first);
  FillM2m(first);
  queued_.push_back(std::move(first));
  for (size_t i = 0; i < revoked.size(); ++i) {
    if (queued_.back().revocations_size() == static_cast<int>(kRevocationsPerMessage)) {
      queued_.emplace_back();
    }
    AddRevocation(revoked[i].token_id, revoked[i].expires_at, revoked[i].effective_from,
                  queued_.back());
  }
  queued_.back().set_cursor(sources_.hub.Cursor(position_));
  return absl::OkStatus();
}

void WatchReactor::FillRoles(v1::WatchRevocationsResponse& message) const {
  message.set_roles_changed(true);
  for (const auto& [name, role] : sources_.roles.Snapshot()->all()) {
    v1::WatchedRole* out = message.add_roles();
    out->set_name(name);
    for (const auto& [resource, access] : role.permission_set.permissions) {
      if (access != Access::kNoAccess) (*out->mutable_permissions())[resource] = ToProto(access);
    }
  }
}

void WatchReactor::FillM2m(v1::WatchRevocationsResponse& message) const {
  message.set_m2m_configs_changed(true);
  for (auto& [id, revision] : sources_.m2m.Snapshot()->revisions()) {
    message.add_m2m_config_ids(std::move(id));
    message.add_m2m_config_revisions(revision);
  }
  // Sessions die with their auth provider as exchanged tokens do with their configuration:
  // both sets travel together.
  message.set_auth_providers_changed(true);
  for (auto& [id, revision] : sources_.providers.Snapshot()->revisions()) {
    message.add_auth_provider_ids(std::move(id));
    message.add_auth_provider_revisions(revision);
  }
}

absl::Status WatchReactor::QueueNext() {
  std::optional<WatchHub::Changes> changes = sources_.hub.Since(position_, kRevocationsPerMessage);
  if (!changes.has_value()) return QueueFullState();  // fell behind the retained log
  if (changes->through == position_) return absl::OkStatus();
  v1::WatchRevocationsResponse message;
  for (const WatchHub::Revocation& revocation : changes->revocations) {
    RETURN_IF_ERROR(CheckNotOwn(revocation.token_id, revocation.effective_from));
    AddRevocation(revocation.token_id, revocation.expires_at, revocation.effective_from, message);
  }
  // The sets as they are now, which includes these changes (the views change first).
  if (changes->roles_changed) {
    RETURN_IF_ERROR(CheckStillAllowed());
    FillRoles(message);
  }
  if (changes->m2m_changed) FillM2m(message);
  position_ = changes->through;
  message.set_cursor(sources_.hub.Cursor(position_));
  queued_.push_back(std::move(message));
  return absl::OkStatus();
}

void WatchReactor::Pump() {
  absl::Status end;
  {
    absl::MutexLock lock(&mu_);
    if (writing_ || finished_) return;
    if (ending_.ok() && queued_.empty()) ending_ = QueueNext();
    if (!ending_.ok()) {
      end = ending_;
    } else if (!queued_.empty()) {
      in_flight_ = std::move(queued_.front());
      queued_.pop_front();
      writing_ = true;
    } else if (sources_.hub.closed()) {
      end = absl::UnavailableError("the server is shutting down; reconnect with the last cursor");
    } else {
      return;  // nothing new: the hub wakes us
    }
    finished_ = !end.ok();
  }
  // Outside the lock: gRPC may run reactions inline.
  if (!end.ok()) {
    Finish(ToGrpcStatus(end));
  } else {
    StartWrite(&in_flight_);
  }
}

void WatchReactor::OnWriteDone(bool ok) {
  {
    absl::MutexLock lock(&mu_);
    writing_ = false;
  }
  if (!ok) return End(grpc::Status(grpc::StatusCode::UNAVAILABLE, "the stream broke"));
  Pump();
}

void WatchReactor::OnCancel() { End(grpc::Status::CANCELLED); }

void WatchReactor::End(const grpc::Status& status) {
  {
    absl::MutexLock lock(&mu_);
    if (finished_) return;
    finished_ = true;
  }
  Finish(status);
}

void WatchReactor::OnDone() {
  sources_.hub.Unsubscribe(subscription_);
  if (expiry_armed_) expiry_.Cancel();  // its callback then runs, not fired, and releases
  Release();
}

void WatchReactor::Release() {
  if (holds_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
}

}  // namespace warden
