#include "server/app/token_jobs.h"

#include <optional>
#include <string>
#include <utility>

namespace warden {

TokenJobs::TokenJobs(const notifier::NotifierConfig& config, storage::StorageExecutor& executor,
                     storage::ScheduleStore& schedule, std::shared_ptr<notifier::NoticeSinks> sinks,
                     AuditTrail& audit, RevocationView& revocations, const Clock& clock)
    : sweep_(executor), purger_(config, schedule, sweep_, clock) {
  if (config.inactivity_timeout <= absl::ZeroDuration()) return;
  revoker_ = std::make_unique<notifier::InactiveTokenRevoker>(
      config, schedule, sweep_, clock, std::move(sinks),
      [&audit, &revocations](const storage::IdleToken& token, absl::Time) {
        // Refused here at once; the NOTIFY tells the other replicas (and this one's feed).
        revocations.Add(token.id, token.signed_expires_at);
        audit.Record("token.revoke", "warden", token.id,
                     {{"name", token.name}, {"reason", "inactive"}});
      });
}

void TokenJobs::AddMetrics(Metrics& metrics) {
  metrics.AddScrapeCounter(
      "warden_tokens_revoked_inactive_total",
      "Tokens this replica revoked because nobody used them (WARDEN_TOKEN_INACTIVITY_TIMEOUT)",
      [this] {
        return std::optional<double>(revoker_ == nullptr ? 0 : revoker_->revoked_total());
      });
  metrics.AddScrapeCounter(
      "warden_tokens_deleted_total",
      "Token rows this replica deleted because they expired before WARDEN_TOKEN_RETENTION",
      [this] { return std::optional<double>(purger_.deleted_total()); });
}

void TokenJobs::Start() {
  if (revoker_ != nullptr) revoker_->Start();
  purger_.Start();
}

void TokenJobs::Stop() {
  if (revoker_ != nullptr) revoker_->Stop();
  purger_.Stop();
}

}  // namespace warden
