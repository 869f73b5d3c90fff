#include "tests/bench/http_tally.h"

#include "absl/strings/str_cat.h"

namespace warden::bench {

int64_t HttpWindow::Measure() {
  const int64_t now = NowNs();
  start_ns_.store(now, std::memory_order_release);
  phase_.store(kMeasure, std::memory_order_release);
  return now;
}

int64_t HttpWindow::Stop() {
  phase_.store(kStop, std::memory_order_release);
  return NowNs();
}

bool HttpWindow::Counts(int64_t started_ns) const {
  return phase_.load(std::memory_order_acquire) == kMeasure &&
         started_ns >= start_ns_.load(std::memory_order_acquire);
}

void HttpTally::Answered(const HttpWindow& window, int64_t started_ns, int status,
                         absl::string_view body) {
  if (!window.Counts(started_ns)) return;
  Count(started_ns, status == 200 ? "" : absl::StrCat("HTTP ", status), body);
}

void HttpTally::Failed(const HttpWindow& window, int64_t started_ns, const std::string& what,
                       absl::string_view message) {
  if (window.Counts(started_ns)) Count(started_ns, what, message);
}

void HttpTally::Count(int64_t started_ns, const std::string& failure, absl::string_view example) {
  latencies_ns_.push_back(NowNs() - started_ns);
  if (failure.empty()) {
    ++ok_;
    return;
  }
  ++errors_[failure];
  examples_.try_emplace(failure, example.substr(0, 300));
}

void HttpTally::MergeInto(LoadResult& result) const {
  result.latencies_ns.insert(result.latencies_ns.end(), latencies_ns_.begin(), latencies_ns_.end());
  result.calls += latencies_ns_.size();
  result.ok += ok_;
  for (const auto& [failure, count] : errors_) result.errors[failure] += count;
  for (const auto& [failure, example] : examples_) {
    result.error_examples.try_emplace(failure, example);
  }
}

}  // namespace warden::bench
