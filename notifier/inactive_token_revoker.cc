#include "notifier/inactive_token_revoker.h"

#include <utility>

#include "common/await.h"
#include "glog/logging.h"
#include "notifier/expiry_message.h"
#include "notifier/inactivity_rule.h"

namespace warden::notifier {

InactiveTokenRevoker::InactiveTokenRevoker(NotifierConfig config, storage::ScheduleStore& schedule,
                                           storage::TokenSweepStore& tokens, const Clock& clock,
                                           std::shared_ptr<NoticeSinks> sinks, OnRevoked on_revoked)
    : config_(std::move(config)),
      tokens_(tokens),
      sinks_(std::move(sinks)),
      on_revoked_(std::move(on_revoked)),
      job_({kJob, "Token inactivity revoker", config_.interval, config_.backoff}, schedule, clock) {
  CHECK(config_.inactivity_timeout > absl::ZeroDuration()) << "inactivity timeout must be set";
  CHECK_GE(config_.inactivity_batch, 1);
  CHECK_LE(static_cast<size_t>(config_.inactivity_batch),
           storage::TokenSweepStore::kMaxRevokeBatch);
}

InactiveTokenRevoker::~InactiveTokenRevoker() { Stop(); }

void InactiveTokenRevoker::Start() {
  job_.Start([this] {
    const absl::StatusOr<InactivityReport> report = RunOnce();
    if (!report.ok()) {
      LOG(WARNING) << "Token inactivity revoker run failed: " << report.status();
    } else if (report->claimed) {
      LOG(INFO) << "Token inactivity revoker: " << report->tokens_revoked
                << " token(s) revoked, unused for "
                << absl::FormatDuration(config_.inactivity_timeout) << "; " << report->tokens_warned
                << " warned" << (report->complete ? "" : " (run stopped before the end)");
    }
  });
}

void InactiveTokenRevoker::Stop() {
  job_.Stop([this] { sinks_->Shutdown(); });
}

absl::StatusOr<InactivityReport> InactiveTokenRevoker::RunOnce() {
  return job_.RunOnce<InactivityReport>([this](InactivityReport& report) { return Sweep(report); });
}

absl::Status InactiveTokenRevoker::Sweep(InactivityReport& report) {
  const absl::Time now = report.run_at;
  const InactivityBounds bounds =
      InactivityBoundsAt(now, config_.inactivity_timeout, config_.window);
  sinks_->Begin(now);
  std::optional<storage::TokenCursor> cursor;
  absl::Status error;
  while (!job_.stopped()) {
    std::optional<storage::IdlePage> page = job_.AwaitValue<storage::IdlePage>(
        [&](auto done) {
          tokens_.ListIdle(now, bounds.warn_before, cursor, config_.inactivity_batch,
                           std::move(done));
        },
        &error);
    if (!page.has_value()) break;  // stopped, or `error`
    ++report.pages;
    IdleSplit split = SplitIdle(page->tokens, bounds, config_.inactivity_timeout);
    if (!split.revoke.empty()) {
      error = Revoke(std::move(split.revoke), report, now, bounds.revoke_before);
      if (!error.ok()) break;
    }
    if (!split.warn.empty()) {
      Warn(split.warn, now);
      report.tokens_warned += static_cast<int64_t>(split.warn.size());
    }
    cursor = page->next;
    if (!cursor.has_value()) {
      report.complete = true;
      break;
    }
  }
  RunSummary summary;
  summary.run_at = now;
  summary.window = bounds.lead;
  summary.tokens = report.tokens_warned;
  summary.complete = report.complete;
  summary.kind = NoticeKind::kInactive;
  sinks_->End(summary);
  return error;
}

absl::Status InactiveTokenRevoker::Revoke(std::vector<std::string> ids, InactivityReport& report,
                                          absl::Time now, absl::Time revoke_before) {
  // Waited for even when stopping: a batch that commits must get its audit records.
  absl::StatusOr<std::vector<storage::IdleToken>> revoked =
      Await<absl::StatusOr<std::vector<storage::IdleToken>>>([&](auto done) {
        tokens_.RevokeIdle(std::move(ids), now, revoke_before, std::move(done));
      });
  if (!revoked.ok()) return revoked.status();
  for (const storage::IdleToken& token : *revoked) {
    LOG(WARNING) << "Revoked API Token " << EscapeForLogLine(token.name) << " (ID " << token.id
                 << "): neither used nor issued for "
                 << CountSlices(WholeDaysIdle(token.last_active(), now), "day")
                 << " (WARDEN_TOKEN_INACTIVITY_TIMEOUT "
                 << absl::FormatDuration(config_.inactivity_timeout) << ")";
    if (on_revoked_) on_revoked_(token, now);
  }
  report.tokens_revoked += static_cast<int64_t>(revoked->size());
  revoked_total_ += static_cast<int64_t>(revoked->size());
  return absl::OkStatus();
}

void InactiveTokenRevoker::Warn(const std::vector<storage::IdleToken>& tokens,
                                absl::Time now) const {
  ExpiringTokenBatch batch;
  batch.run_at = now;
  batch.slice_name = config_.slice_name;
  batch.tokens.reserve(tokens.size());
  for (const storage::IdleToken& token : tokens) {
    const absl::Time revoke_after = token.last_active() + config_.inactivity_timeout;
    ExpiringTokenNotice notice;
    notice.kind = NoticeKind::kInactive;
    notice.token_id = token.id;
    notice.token_name = token.name;
    notice.expires_at = token.expires_at;
    notice.last_used_at = token.last_used_at;
    notice.idle_days = WholeDaysIdle(token.last_active(), now);
    notice.revoke_after = revoke_after;
    notice.slices_left = SlicesLeft(revoke_after - now, config_.slice);
    notice.message = InactivityMessage(token.name, token.id, notice.idle_days, revoke_after - now,
                                       config_.slice, config_.slice_name);
    batch.tokens.push_back(std::move(notice));
  }
  sinks_->Emit(batch);
}

}  // namespace warden::notifier
