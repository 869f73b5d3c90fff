#pragma once

// What one measured run of warden-bench did, whatever made the calls: gRPC calls
// (load_generator.h), HTTP requests (http_load.h) or validations in process (local_load.h).

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tests/bench/cpu_usage.h"

namespace warden::bench {

// Latencies are of calls started and finished inside the measured window (after the
// warm-up).
struct LoadResult {
  double seconds = 0;                      // length of the measured window
  uint64_t calls = 0;                      // calls finished in the window, whatever their status
  uint64_t ok = 0;                         // of which successful
  std::map<std::string, uint64_t> errors;  // status name -> count, successes excluded
  std::map<std::string, std::string> error_examples;  // status name -> one message seen
  std::vector<int64_t> latencies_ns;                  // every measured call, sorted ascending
  // CPU seconds (user + system) over the measured window: of the server (-1 when not asked
  // for or unreadable), of this client process, and of every process on the machine (from
  // /proc/stat), against `cores` x `seconds` available.
  double server_cpu_seconds = -1;
  double client_cpu_seconds = 0;
  double machine_cpu_seconds = 0;
  int cores = 1;

  // Sets the CPU fields and `cores` from readings taken at the start and the end of the
  // measured window.
  void SetCpu(const CpuSample& start, const CpuSample& end);

  double qps() const { return seconds > 0 ? static_cast<double>(calls) / seconds : 0; }
  double ok_qps() const { return seconds > 0 ? static_cast<double>(ok) / seconds : 0; }
  uint64_t error_count() const { return calls - ok; }
  // The latency at quantile `q` (0..1) by nearest rank, in milliseconds; 0 with no samples.
  // REQUIRES: latencies_ns sorted.
  double PercentileMs(double q) const;
  // CPU microseconds per call: the server's (-1 if unknown) and the client's.
  double ServerCpuPerCallUs() const;
  double ClientCpuPerCallUs() const;
  // Share of all cores busy over the window, 0..1.
  double MachineBusy() const;
  // "UNAVAILABLE:3 DEADLINE_EXCEEDED:1", or "0".
  std::string ErrorSummary() const;
};

}  // namespace warden::bench
