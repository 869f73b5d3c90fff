#include "notifier/notice_sinks.h"

#include <utility>

namespace warden::notifier {

NoticeSinks::NoticeSinks(std::vector<std::unique_ptr<ExpirationSink>> sinks)
    : sinks_(std::move(sinks)) {}

void NoticeSinks::Begin(absl::Time run_at) {
  {
    absl::MutexLock lock(&mu_);
    const auto free = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !busy_ || shut_down_; };
    mu_.Await(absl::Condition(&free));
    busy_ = true;
  }
  for (const auto& sink : sinks_) sink->BeginRun(run_at);
}

void NoticeSinks::Emit(const ExpiringTokenBatch& batch) const {
  for (const auto& sink : sinks_) sink->Emit(batch);
}

void NoticeSinks::End(const RunSummary& summary) {
  for (const auto& sink : sinks_) sink->EndRun(summary);
  absl::MutexLock lock(&mu_);
  busy_ = false;
}

void NoticeSinks::Shutdown() {
  {
    absl::MutexLock lock(&mu_);
    shut_down_ = true;
  }
  for (const auto& sink : sinks_) sink->Shutdown();
}

}  // namespace warden::notifier
