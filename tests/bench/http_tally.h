#pragma once

// What the threads of one HTTP run share (the window: warm-up, measured, stopped) and what
// each records on its own (a tally), merged into a LoadResult once they have all stopped.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "tests/bench/load_result.h"

namespace warden::bench {

// Nanoseconds of the steady clock.
inline int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Thread-safe.
class HttpWindow final {
 public:
  // Ends the warm-up; returns the instant the measured part starts.
  int64_t Measure();
  // Ends the measured part: threads start no more calls. Returns the instant.
  int64_t Stop();
  bool stopping() const { return phase_.load(std::memory_order_acquire) == kStop; }
  // Whether a call started at `started_ns` and finishing now is measured.
  bool Counts(int64_t started_ns) const;

 private:
  enum Phase : int { kWarmup, kMeasure, kStop };
  std::atomic<int> phase_{kWarmup};
  std::atomic<int64_t> start_ns_{0};
};

// One thread's calls. Not thread-safe: one thread records, then MergeInto runs after it ended.
class HttpTally final {
 public:
  // A call started at `started_ns` and answered now with `status` (200 is success); the body
  // of the first answer of each failing status is kept as an example.
  void Answered(const HttpWindow& window, int64_t started_ns, int status, absl::string_view body);
  // A call started at `started_ns` that got no answer: `what` names the failure.
  void Failed(const HttpWindow& window, int64_t started_ns, const std::string& what,
              absl::string_view message);
  // Adds these calls to `result` (latencies unsorted).
  void MergeInto(LoadResult& result) const;

 private:
  void Count(int64_t started_ns, const std::string& failure, absl::string_view example);

  std::vector<int64_t> latencies_ns_;
  uint64_t ok_ = 0;
  std::map<std::string, uint64_t> errors_;
  std::map<std::string, std::string> examples_;
};

}  // namespace warden::bench
