#include "tests/bench/local_load.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <thread>

#include "tests/bench/cpu_usage.h"

namespace warden::bench {
namespace {

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

LoadResult RunInProcess(const std::function<absl::Status(const std::string&)>& validate,
                        const std::vector<std::string>& tokens, int threads, absl::Duration warmup,
                        absl::Duration duration, int server_pid) {
  struct PerThread {
    std::vector<int64_t> latencies_ns;
    std::array<uint64_t, 17> codes{};
    std::map<int, std::string> first_messages;
  };
  std::vector<PerThread> results(static_cast<size_t>(threads));
  std::atomic<int64_t> measure_start_ns{INT64_MAX};
  std::atomic<int64_t> measure_end_ns{INT64_MAX};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      PerThread& mine = results[static_cast<size_t>(t)];
      // Each thread walks its own stride through the tokens: a shared counter would bounce
      // one cache line between the cores on every call, which at a microsecond per call is
      // a large part of what is measured.
      for (uint64_t i = static_cast<uint64_t>(t);; i += static_cast<uint64_t>(threads)) {
        const std::string& token = tokens[i % tokens.size()];
        const int64_t start = NowNs();
        if (start >= measure_end_ns.load(std::memory_order_relaxed)) return;
        const absl::Status status = validate(token);
        const int64_t end = NowNs();
        if (start < measure_start_ns.load(std::memory_order_relaxed) ||
            end > measure_end_ns.load(std::memory_order_relaxed)) {
          continue;
        }
        mine.latencies_ns.push_back(end - start);
        const int code = static_cast<int>(status.code());
        ++mine.codes[code < 17 ? code : 2];  // 2: UNKNOWN
        if (!status.ok()) mine.first_messages.try_emplace(code, std::string(status.message()));
      }
    });
  }
  absl::SleepFor(warmup);
  const CpuSample cpu_start = CpuSample::Take(server_pid);
  const int64_t start_ns = NowNs();
  measure_start_ns = start_ns;
  absl::SleepFor(duration);
  const int64_t end_ns = NowNs();
  measure_end_ns = end_ns;
  const CpuSample cpu_end = CpuSample::Take(server_pid);
  for (std::thread& worker : workers) worker.join();

  LoadResult result;
  result.seconds = static_cast<double>(end_ns - start_ns) / 1e9;
  result.SetCpu(cpu_start, cpu_end);
  for (const PerThread& mine : results) {
    result.latencies_ns.insert(result.latencies_ns.end(), mine.latencies_ns.begin(),
                               mine.latencies_ns.end());
    for (size_t code = 0; code < mine.codes.size(); ++code) {
      if (mine.codes[code] == 0) continue;
      result.calls += mine.codes[code];
      const std::string name = absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
      if (code == 0) {
        result.ok += mine.codes[code];
      } else {
        result.errors[name] += mine.codes[code];
      }
    }
    for (const auto& [code, message] : mine.first_messages) {
      result.error_examples.try_emplace(
          absl::StatusCodeToString(static_cast<absl::StatusCode>(code)), message);
    }
  }
  std::sort(result.latencies_ns.begin(), result.latencies_ns.end());
  return result;
}

}  // namespace warden::bench
