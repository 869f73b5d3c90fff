#include "server/app/state_sync.h"

#include <algorithm>

#include "common/await.h"
#include "common/status_macros.h"
#include "glog/logging.h"
#include "storage/pg/migrator.h"

namespace warden {

StateSync::StateSync(Options options, storage::TokenStore& tokens, storage::RoleStore& roles,
                     RevocationView& revocations, RoleView& role_view, const Clock& clock,
                     std::function<void()> after_migrations,
                     std::function<absl::Status()> reload_more, std::function<void()> on_ready)
    : options_(std::move(options)),
      tokens_(tokens),
      roles_(roles),
      revocations_(revocations),
      role_view_(role_view),
      clock_(clock),
      after_migrations_(std::move(after_migrations)),
      reload_more_(std::move(reload_more)),
      on_ready_(std::move(on_ready)) {}

StateSync::~StateSync() { Stop(); }

void StateSync::Start() {
  thread_ = std::thread([this] { Run(); });
}

void StateSync::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

absl::Status StateSync::Bootstrap() {
  absl::Status migrated = storage::ApplyMigrations(options_.database_url);
  if (!migrated.ok()) return migrated;
  after_migrations_();
  return Reload();
}

absl::Status StateSync::Reload() {
  absl::StatusOr<RoleCatalog> roles = Await<absl::StatusOr<RoleCatalog>>(
      [this](auto done) { roles_.LoadCatalog(std::move(done)); });
  if (!roles.ok()) return roles.status();
  absl::Time cutoff = clock_.Now() - options_.leeway;
  absl::StatusOr<std::vector<storage::RevokedToken>> revoked =
      Await<absl::StatusOr<std::vector<storage::RevokedToken>>>(
          [this, cutoff](auto done) { tokens_.ListRevoked(cutoff, std::move(done)); });
  if (!revoked.ok()) return revoked.status();
  std::vector<RevocationView::Entry> entries;
  entries.reserve(revoked->size());
  for (storage::RevokedToken& r : *revoked) {
    entries.push_back(
        {std::move(r.id), r.expires_at, r.effective_from.value_or(absl::InfinitePast())});
  }
  revocations_.AddAll(entries);
  revocations_.PruneExpiredBefore(cutoff);
  role_view_.Replace(std::move(*roles));
  return reload_more_();
}

absl::Status StateSync::SweepExpired() {
  // Batches keep each transaction short; a backlog (a restore, a long outage) is caught up
  // within one reload, batch by batch.
  constexpr int kBatch = 10'000;
  const absl::Time now = clock_.Now();
  while (true) {
    absl::StatusOr<int> marked = Await<absl::StatusOr<int>>(
        [this, now](auto done) { tokens_.MarkExpired(now, kBatch, std::move(done)); });
    if (!marked.ok()) return marked.status();
    if (*marked < kBatch || stop_.HasBeenNotified()) return absl::OkStatus();
  }
}

void StateSync::Run() {
  // Start-up: retry with capped exponential backoff until the database answers.
  absl::Duration backoff = absl::Milliseconds(200);
  while (true) {
    absl::Status ready = Bootstrap();
    if (ready.ok()) break;
    LOG(WARNING) << "database not ready (" << ready.message() << "); retrying in "
                 << absl::FormatDuration(backoff);
    if (stop_.WaitForNotificationWithTimeout(backoff)) return;
    backoff = std::min(backoff * 2, absl::Seconds(5));
  }
  LOG(INFO) << "database ready: " << role_view_.Snapshot()->all().size() << " roles, "
            << revocations_.size() << " live revocations loaded";
  on_ready_();
  bool failing = false;
  while (!stop_.WaitForNotificationWithTimeout(options_.interval)) {
    // Not on the way to ready: a backlog of expired tokens must not delay serving.
    absl::Status reloaded = Reload();
    if (reloaded.ok()) reloaded = SweepExpired();
    if (!reloaded.ok() && !failing) {
      LOG(WARNING) << "reloading roles and revocations failed, serving what is known: "
                   << reloaded.message();
    } else if (reloaded.ok() && failing) {
      LOG(INFO) << "reloading roles and revocations works again";
    }
    failing = !reloaded.ok();
  }
}

}  // namespace warden
