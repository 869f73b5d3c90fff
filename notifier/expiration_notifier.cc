#include "notifier/expiration_notifier.h"

#include <utility>

#include "glog/logging.h"
#include "notifier/expiry_message.h"

namespace warden::notifier {

ExpirationNotifier::ExpirationNotifier(NotifierConfig config, storage::ScheduleStore& schedule,
                                       storage::TokenStore& tokens, const Clock& clock,
                                       std::vector<std::unique_ptr<ExpirationSink>> sinks)
    : ExpirationNotifier(std::move(config), schedule, tokens, clock,
                         std::make_shared<NoticeSinks>(std::move(sinks))) {}

ExpirationNotifier::ExpirationNotifier(NotifierConfig config, storage::ScheduleStore& schedule,
                                       storage::TokenStore& tokens, const Clock& clock,
                                       std::shared_ptr<NoticeSinks> sinks)
    : config_(std::move(config)),
      tokens_(tokens),
      clock_(clock),
      sinks_(std::move(sinks)),
      job_({kJob, "Token expiration notifier", config_.interval, config_.backoff}, schedule, clock),
      pool_(config_.threads, static_cast<size_t>(config_.threads)) {
  CHECK_GE(config_.page_size, 1) << "notifier page size must be at least 1";
  CHECK(config_.slice > absl::ZeroDuration()) << "notifier slice must be positive";
}

ExpirationNotifier::~ExpirationNotifier() { Stop(); }

void ExpirationNotifier::Start() {
  job_.Start([this] { LogRun(RunOnce()); });
}

void ExpirationNotifier::Stop() {
  job_.Stop([this] { sinks_->Shutdown(); });
  pool_.Shutdown();
}

void ExpirationNotifier::LogRun(const absl::StatusOr<RunReport>& report) const {
  if (!report.ok()) {
    LOG(WARNING) << "Token expiration notifier run failed: " << report.status();
  } else if (report->claimed) {
    LOG(INFO) << "Token expiration notifier: " << report->tokens_expiring
              << " token(s) expire within " << absl::FormatDuration(config_.window)
              << (report->complete ? "" : " (run stopped before the end)");
  } else if (!job_.stopped()) {
    LOG(INFO) << "Token expiration notifier: skipped, the last notifying run was less than "
              << absl::FormatDuration(config_.backoff) << " ago";
  }
}

absl::StatusOr<RunReport> ExpirationNotifier::RunOnce() {
  return job_.RunOnce<RunReport>([this](RunReport& report) { return Notify(report); });
}

absl::Status ExpirationNotifier::Notify(RunReport& report) {
  sinks_->Begin(report.run_at);
  const absl::Time until = report.run_at + config_.window;
  std::optional<storage::ExpiringCursor> cursor;
  absl::Status error;
  while (!job_.stopped()) {
    std::optional<storage::ExpiringPage> page = job_.AwaitValue<storage::ExpiringPage>(
        [&](auto done) {
          tokens_.ListExpiring(report.run_at, until, cursor, config_.page_size, std::move(done));
        },
        &error);
    if (!page.has_value()) break;  // stopped, or `error`
    ++report.pages;
    report.tokens_expiring += static_cast<int64_t>(page->tokens.size());
    cursor = page->next;
    if (!page->tokens.empty()) {
      pool_.Submit([this, run_at = report.run_at, tokens = std::move(page->tokens)] {
        EmitPage(run_at, tokens);
      });
    }
    if (!cursor.has_value()) {
      report.complete = true;
      break;
    }
  }
  pool_.WaitIdle();

  RunSummary summary;
  summary.run_at = report.run_at;
  summary.window = config_.window;
  summary.tokens = report.tokens_expiring;
  summary.complete = report.complete;
  sinks_->End(summary);
  {
    absl::MutexLock lock(&mu_);
    last_report_ = report;
  }
  return error;
}

std::optional<RunReport> ExpirationNotifier::last_report() const {
  absl::MutexLock lock(&mu_);
  return last_report_;
}

void ExpirationNotifier::EmitPage(absl::Time run_at,
                                  const std::vector<TokenMetadata>& tokens) const {
  ExpiringTokenBatch batch;
  batch.run_at = run_at;
  batch.slice_name = config_.slice_name;
  batch.tokens.reserve(tokens.size());
  for (const TokenMetadata& token : tokens) {
    const absl::Duration remaining = token.expires_at - run_at;
    ExpiringTokenNotice notice;
    notice.token_id = token.id;
    notice.token_name = token.name;
    notice.expires_at = token.expires_at;
    notice.slices_left = SlicesLeft(remaining, config_.slice);
    notice.message =
        ExpiryMessage(token.name, token.id, remaining, config_.slice, config_.slice_name);
    batch.tokens.push_back(std::move(notice));
  }
  sinks_->Emit(batch);
}

}  // namespace warden::notifier
