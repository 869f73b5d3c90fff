#include "tests/bench/load_generator.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <map>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "tests/bench/cpu_usage.h"

namespace warden::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(SteadyClock::now().time_since_epoch())
      .count();
}

enum Phase : int { kWarmup = 0, kMeasure = 1, kStop = 2 };

// One run: slots each keep one call in flight; a finished call starts the slot's next one
// from gRPC's callback thread, so the client never waits between calls.
class Runner {
 public:
  Runner(CallFactory& factory, const std::vector<std::shared_ptr<grpc::Channel>>& channels,
         const LoadSettings& settings)
      : factory_(factory), channels_(channels), settings_(settings), slots_(settings.in_flight) {}

  LoadResult Run() {
    factory_.Prepare(channels_, settings_.in_flight);
    {
      absl::MutexLock lock(&mu_);
      active_slots_ = settings_.in_flight;
    }
    for (int slot = 0; slot < settings_.in_flight; ++slot) StartNext(slot);

    auto all_done = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return active_slots_ == 0; };
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(&all_done), settings_.warmup);
    const CpuSample cpu_start = CpuSample::Take(settings_.server_pid);
    measure_start_ns_.store(NowNs(), std::memory_order_release);
    phase_.store(kMeasure, std::memory_order_release);
    mu_.AwaitWithTimeout(absl::Condition(&all_done), settings_.duration);
    const int64_t stop_ns = NowNs();
    phase_.store(kStop, std::memory_order_release);
    const CpuSample cpu_end = CpuSample::Take(settings_.server_pid);
    mu_.Await(absl::Condition(&all_done));

    LoadResult result;
    const int64_t end_ns = last_finish_ns_ > 0 ? std::min(stop_ns, last_finish_ns_) : stop_ns;
    result.seconds = static_cast<double>(end_ns - measure_start_ns_.load()) / 1e9;
    result.SetCpu(cpu_start, cpu_end);
    for (const Slot& slot : slots_) {
      result.latencies_ns.insert(result.latencies_ns.end(), slot.latencies_ns.begin(),
                                 slot.latencies_ns.end());
      for (size_t code = 0; code < slot.codes.size(); ++code) {
        if (slot.codes[code] == 0) continue;
        result.calls += slot.codes[code];
        if (code == grpc::StatusCode::OK) {
          result.ok += slot.codes[code];
        } else {
          result.errors[absl::StatusCodeToString(static_cast<absl::StatusCode>(code))] +=
              slot.codes[code];
        }
      }
    }
    for (const Slot& slot : slots_) {
      for (const auto& [code, message] : slot.first_messages) {
        result.error_examples.try_emplace(
            absl::StatusCodeToString(static_cast<absl::StatusCode>(code)), message);
      }
    }
    std::sort(result.latencies_ns.begin(), result.latencies_ns.end());
    return result;
  }

 private:
  // Touched only by the one call in flight for the slot, then by Run after every slot ended.
  struct Slot {
    std::vector<int64_t> latencies_ns;
    std::array<uint64_t, 17> codes{};           // by grpc::StatusCode
    std::map<int, std::string> first_messages;  // by grpc::StatusCode, errors only
  };

  struct Call {
    grpc::ClientContext context;
    int64_t started_ns = 0;
  };

  void StartNext(int slot) {
    uint64_t sequence = 0;
    bool stop = phase_.load(std::memory_order_acquire) == kStop;
    if (!stop) {
      sequence = next_sequence_.fetch_add(1, std::memory_order_relaxed);
      stop = settings_.max_calls > 0 && sequence >= settings_.max_calls;
    }
    if (stop) {
      absl::MutexLock lock(&mu_);
      if (--active_slots_ == 0) last_finish_ns_ = NowNs();
      return;
    }
    auto* call = new Call;
    call->context.set_deadline(std::chrono::system_clock::now() +
                               absl::ToChronoNanoseconds(settings_.call_deadline));
    call->started_ns = NowNs();
    factory_.Start(slot, slot % static_cast<int>(channels_.size()), sequence, call->context,
                   [this, slot, call](grpc::Status status) { Finished(slot, call, status); });
  }

  void Finished(int slot, Call* call, const grpc::Status& status) {
    const int64_t now = NowNs();
    if (phase_.load(std::memory_order_acquire) == kMeasure &&
        call->started_ns >= measure_start_ns_.load(std::memory_order_acquire)) {
      Slot& s = slots_[slot];
      s.latencies_ns.push_back(now - call->started_ns);
      int code = static_cast<int>(status.error_code());
      if (code < 0 || code >= static_cast<int>(s.codes.size())) code = grpc::StatusCode::UNKNOWN;
      ++s.codes[code];
      if (code != grpc::StatusCode::OK) s.first_messages.try_emplace(code, status.error_message());
    }
    delete call;  // the call's tag holds its own reference, so this is safe here
    StartNext(slot);
  }

  CallFactory& factory_;
  const std::vector<std::shared_ptr<grpc::Channel>>& channels_;
  const LoadSettings settings_;
  std::vector<Slot> slots_;
  std::atomic<int> phase_{kWarmup};
  std::atomic<int64_t> measure_start_ns_{0};
  std::atomic<uint64_t> next_sequence_{0};
  absl::Mutex mu_;
  int active_slots_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t last_finish_ns_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace

std::vector<std::shared_ptr<grpc::Channel>> MakeChannels(const std::string& target, int count) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < count; ++i) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetInt("warden_bench.channel", i);
    // Reconnect quickly, but not GRPC_ARG_MIN_RECONNECT_BACKOFF_MS: gRPC also takes it as
    // the least time a connection attempt gets, and at 10 ms attempts on busy cores were cut
    // off ("tcp handshaker shutdown"), failing calls fast with UNAVAILABLE for seconds.
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 10);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 50);
    channels.push_back(grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args));
    // Connected before the warm-up starts, so no scenario measures connection set-up.
    channels.back()->WaitForConnected(
        gpr_time_add(gpr_now(GPR_CLOCK_REALTIME), gpr_time_from_seconds(10, GPR_TIMESPAN)));
  }
  return channels;
}

LoadResult RunLoad(CallFactory& factory,
                   const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                   const LoadSettings& settings) {
  Runner runner(factory, channels, settings);
  return runner.Run();
}

}  // namespace warden::bench
