#include "notifier/expiration_notifier.h"

#include <utility>

#include "glog/logging.h"
#include "notifier/expiry_message.h"

namespace warden::notifier {
namespace {

// How long a claim already sent to PostgreSQL may still take after Stop(): long enough for
// one short statement, so that a won claim is seen and given back instead of silently
// holding the period; short enough that Stop() returns within a second.
constexpr absl::Duration kClaimGrace = absl::Milliseconds(500);

}  // namespace

ExpirationNotifier::ExpirationNotifier(NotifierConfig config, storage::ScheduleStore& schedule,
                                       storage::TokenStore& tokens, const Clock& clock,
                                       std::vector<std::unique_ptr<ExpirationSink>> sinks)
    : config_(std::move(config)),
      schedule_(schedule),
      tokens_(tokens),
      clock_(clock),
      sinks_(std::move(sinks)),
      pool_(config_.threads, static_cast<size_t>(config_.threads)) {
  CHECK_GE(config_.page_size, 1) << "notifier page size must be at least 1";
  CHECK(config_.slice > absl::ZeroDuration()) << "notifier slice must be positive";
}

ExpirationNotifier::~ExpirationNotifier() { Stop(); }

void ExpirationNotifier::Start() {
  absl::MutexLock lock(&stop_mu_);
  CHECK(!loop_.joinable()) << "ExpirationNotifier::Start called twice";
  if (stop_->stopped()) return;
  loop_ = std::thread([this] { Loop(); });
}

void ExpirationNotifier::Stop() {
  absl::MutexLock lock(&stop_mu_);
  stop_->Stop();
  for (const auto& sink : sinks_) sink->Shutdown();
  if (loop_.joinable()) loop_.join();
  pool_.Shutdown();
}

void ExpirationNotifier::Loop() {
  do {
    const absl::StatusOr<RunReport> report = RunOnce();
    if (!report.ok()) {
      LOG(WARNING) << "Token expiration notifier run failed: " << report.status();
    } else if (report->claimed) {
      LOG(INFO) << "Token expiration notifier: " << report->tokens_expiring
                << " token(s) expire within " << absl::FormatDuration(config_.window)
                << (report->complete ? "" : " (run stopped before the end)");
    } else {
      LOG(INFO) << "Token expiration notifier: skipped, the last notifying run was less than "
                << absl::FormatDuration(config_.backoff) << " ago";
    }
  } while (!stop_->WaitForStop(config_.interval));
}

absl::StatusOr<RunReport> ExpirationNotifier::RunOnce() {
  absl::MutexLock run_lock(&run_mu_);
  RunReport report;
  report.run_at = clock_.Now();
  if (stop_->stopped()) return report;

  const std::optional<absl::StatusOr<bool>> claim =
      StopSignal::AwaitUnlessStopped<absl::StatusOr<bool>>(
          stop_,
          [&](std::function<void(absl::StatusOr<bool>)> done) {
            schedule_.TryClaim(kJob, report.run_at, config_.backoff, std::move(done));
          },
          kClaimGrace);
  if (!claim.has_value()) {
    LOG(WARNING) << "Token expiration notifier stopped while claiming a run; if the claim "
                    "won, the next run is one backoff interval away";
    return report;
  }
  if (!claim->ok()) return claim->status();
  if (!**claim) return report;
  report.claimed = true;
  if (stop_->stopped()) {
    ReleaseClaim(report.run_at);
    return report;
  }

  for (const auto& sink : sinks_) sink->BeginRun(report.run_at);
  const absl::Time until = report.run_at + config_.window;
  std::optional<storage::ExpiringCursor> cursor;
  absl::Status error;
  while (!stop_->stopped()) {
    std::optional<absl::StatusOr<storage::ExpiringPage>> page =
        StopSignal::AwaitUnlessStopped<absl::StatusOr<storage::ExpiringPage>>(
            stop_, [&](std::function<void(absl::StatusOr<storage::ExpiringPage>)> done) {
              tokens_.ListExpiring(report.run_at, until, cursor, config_.page_size,
                                   std::move(done));
            });
    if (!page.has_value()) break;  // stopped
    if (!page->ok()) {
      error = page->status();
      break;
    }
    ++report.pages;
    report.tokens_expiring += static_cast<int64_t>((*page)->tokens.size());
    cursor = (*page)->next;
    if (!(*page)->tokens.empty()) {
      pool_.Submit([this, run_at = report.run_at, tokens = std::move((*page)->tokens)] {
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
  for (const auto& sink : sinks_) sink->EndRun(summary);
  if (!report.complete) ReleaseClaim(report.run_at);
  {
    absl::MutexLock lock(&mu_);
    last_report_ = report;
  }
  if (!error.ok()) return error;
  return report;
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
  for (const auto& sink : sinks_) sink->Emit(batch);
}

void ExpirationNotifier::ReleaseClaim(absl::Time claimed_at) {
  // Not awaited: Stop() must not wait for PostgreSQL. The executor runs it even while
  // shutting down (it drains its queue); `done` touches nothing of this object.
  schedule_.ReleaseClaim(kJob, claimed_at, config_.backoff, [](absl::Status status) {
    if (!status.ok()) {
      LOG(WARNING) << "Token expiration notifier could not give back its unfinished run's "
                      "claim; the next run is one backoff interval away: "
                   << status;
    }
  });
}

}  // namespace warden::notifier
