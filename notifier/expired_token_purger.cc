#include "notifier/expired_token_purger.h"

#include <utility>

#include "common/await.h"
#include "glog/logging.h"

namespace warden::notifier {

ExpiredTokenPurger::ExpiredTokenPurger(NotifierConfig config, storage::ScheduleStore& schedule,
                                       storage::TokenSweepStore& tokens, const Clock& clock)
    : config_(std::move(config)),
      tokens_(tokens),
      job_({kJob, "Token retention purger", config_.interval, config_.backoff}, schedule, clock) {
  CHECK(config_.retention >= absl::Hours(1)) << "token retention must be at least 1h";
  CHECK_GE(config_.retention_batch, 1);
}

ExpiredTokenPurger::~ExpiredTokenPurger() { Stop(); }

void ExpiredTokenPurger::Start() {
  job_.Start([this] {
    const absl::StatusOr<PurgeReport> report = RunOnce();
    if (!report.ok()) {
      LOG(WARNING) << "Token retention purger run failed: " << report.status();
    } else if (report->claimed) {
      LOG(INFO) << "Token retention purger: " << report->tokens_deleted
                << " token row(s) deleted, expired more than "
                << absl::FormatDuration(config_.retention) << " ago"
                << (report->complete ? "" : " (run stopped before the end)");
    }
  });
}

void ExpiredTokenPurger::Stop() { job_.Stop(); }

absl::StatusOr<PurgeReport> ExpiredTokenPurger::RunOnce() {
  return job_.RunOnce<PurgeReport>([this](PurgeReport& report) { return Purge(report); });
}

std::optional<storage::PurgeCursor> ExpiredTokenPurger::NextBatchAfter(
    const storage::PurgeBatch& batch, int batch_size) {
  if (batch.deleted < batch_size) return std::nullopt;
  return batch.last;
}

absl::Status ExpiredTokenPurger::Purge(PurgeReport& report) {
  const absl::Time expired_before = report.run_at - config_.retention;
  std::optional<storage::PurgeCursor> after;
  while (!job_.stopped()) {
    // Waited for even when stopping (one short statement), so that the count stays true.
    const absl::StatusOr<storage::PurgeBatch> batch =
        Await<absl::StatusOr<storage::PurgeBatch>>([&](auto done) {
          tokens_.DeleteExpired(expired_before, after, config_.retention_batch, std::move(done));
        });
    if (!batch.ok()) return batch.status();
    ++report.batches;
    report.tokens_deleted += batch->deleted;
    deleted_total_ += batch->deleted;
    after = NextBatchAfter(*batch, config_.retention_batch);
    if (!after.has_value()) {
      report.complete = true;
      break;
    }
  }
  return absl::OkStatus();
}

}  // namespace warden::notifier
