#include "tests/bench/load_result.h"

#include <algorithm>
#include <cmath>
#include <thread>

#include "absl/strings/str_cat.h"

namespace warden::bench {

void LoadResult::SetCpu(const CpuSample& start, const CpuSample& end) {
  if (start.server >= 0 && end.server >= 0) server_cpu_seconds = end.server - start.server;
  client_cpu_seconds = end.client - start.client;
  machine_cpu_seconds = end.machine - start.machine;
  cores = static_cast<int>(std::thread::hardware_concurrency());
}

double LoadResult::PercentileMs(double q) const {
  if (latencies_ns.empty()) return 0;
  // Nearest rank: the smallest sample with at least q of all samples at or below it.
  size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(latencies_ns.size())));
  rank = std::clamp<size_t>(rank, 1, latencies_ns.size());
  return static_cast<double>(latencies_ns[rank - 1]) / 1e6;
}

double LoadResult::ServerCpuPerCallUs() const {
  if (server_cpu_seconds < 0 || calls == 0) return -1;
  return server_cpu_seconds * 1e6 / static_cast<double>(calls);
}

double LoadResult::ClientCpuPerCallUs() const {
  return calls == 0 ? 0 : client_cpu_seconds * 1e6 / static_cast<double>(calls);
}

double LoadResult::MachineBusy() const {
  return seconds > 0 ? machine_cpu_seconds / (seconds * cores) : 0;
}

std::string LoadResult::ErrorSummary() const {
  if (errors.empty()) return "0";
  std::string out;
  for (const auto& [code, count] : errors) {
    absl::StrAppend(&out, out.empty() ? "" : " ", code, ":", count);
  }
  return out;
}

}  // namespace warden::bench
