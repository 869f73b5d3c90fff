#include "server/rpc/watch_reactor.h"

#include <algorithm>
#include <utility>

#include "server/rpc/convert.h"
#include "server/rpc/public_keys.h"

namespace warden {
namespace {

void AddRevocation(const std::string& token_id, absl::Time expires_at,
                   v1::WatchRevocationsResponse& message) {
  v1::RevokedToken* token = message.add_revocations();
  token->set_id(token_id);
  ToProto(expires_at, token->mutable_expiration());
}

}  // namespace

WatchReactor::WatchReactor(WatchSources sources, const std::string& cursor)
    : sources_(sources) {
  {
    absl::MutexLock lock(&mu_);
    std::optional<uint64_t> resume = sources_.hub.ParseCursor(cursor);
    if (resume.has_value() && sources_.hub.Since(*resume, 0).has_value()) {
      position_ = *resume;
    } else {
      QueueFullState();
    }
  }
  subscription_ = sources_.hub.Subscribe([this] { Pump(); });
  Pump();
}

void WatchReactor::QueueFullState() {
  // The head first: whatever changes after it is sent again as a change, and applying a
  // change twice is harmless.
  position_ = sources_.hub.head();
  std::vector<RevocationView::Entry> revoked = sources_.revocations.Entries();
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
    AddRevocation(revoked[i].token_id, revoked[i].expires_at, queued_.back());
  }
  queued_.back().set_cursor(sources_.hub.Cursor(position_));
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
  for (std::string& id : sources_.m2m.Snapshot()->ids()) message.add_m2m_config_ids(std::move(id));
}

void WatchReactor::Pump() {
  bool finish = false;
  {
    absl::MutexLock lock(&mu_);
    if (writing_ || finished_) return;
    if (queued_.empty()) {
      std::optional<WatchHub::Changes> changes =
          sources_.hub.Since(position_, kRevocationsPerMessage);
      if (!changes.has_value()) {
        QueueFullState();  // fell behind the retained log
      } else if (changes->through != position_) {
        v1::WatchRevocationsResponse message;
        for (const WatchHub::Revocation& revocation : changes->revocations) {
          AddRevocation(revocation.token_id, revocation.expires_at, message);
        }
        // The sets as they are now, which includes these changes (the views change first).
        if (changes->roles_changed) FillRoles(message);
        if (changes->m2m_changed) FillM2m(message);
        position_ = changes->through;
        message.set_cursor(sources_.hub.Cursor(position_));
        queued_.push_back(std::move(message));
      }
    }
    if (!queued_.empty()) {
      in_flight_ = std::move(queued_.front());
      queued_.pop_front();
      writing_ = true;
    } else if (sources_.hub.closed()) {
      finished_ = true;
      finish = true;
    } else {
      return;  // nothing new: the hub wakes us
    }
  }
  // Outside the lock: gRPC may run reactions inline.
  if (finish) {
    Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                        "the server is shutting down; reconnect with the last cursor"));
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
  delete this;
}

}  // namespace warden
