#pragma once

// The core of warden-bench: keeps N unary calls in flight over C channels with gRPC's
// callback client API, for a warm-up and then a measured duration, and reports the rate,
// exact latency percentiles and the calls that failed by status code.

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "tests/bench/load_result.h"

namespace warden::bench {

// `count` channels to `target` that do not share a connection: gRPC pools subchannels per
// target and arguments, so each gets a local subchannel pool and an argument of its own.
// Reconnect backoff is short (a server that is still starting is found within ~20 ms).
std::vector<std::shared_ptr<grpc::Channel>> MakeChannels(const std::string& target, int count);

// One kind of call. The load generator asks it to start call after call; at most one call
// per slot is in flight at a time, so per-slot state needs no lock.
class CallFactory {
 public:
  virtual ~CallFactory() = default;
  // Called once before any Start, with the channels of the run and the number of slots.
  virtual void Prepare(const std::vector<std::shared_ptr<grpc::Channel>>& channels, int slots) = 0;
  // Starts one call on channel number `channel` with `context` (deadline already set) and
  // calls `done` exactly once, on any thread, with its status. `sequence` counts calls
  // across all slots (0, 1, 2, ...), e.g. to pick the next distinct token.
  virtual void Start(int slot, int channel, uint64_t sequence, grpc::ClientContext& context,
                     std::function<void(grpc::Status)> done) = 0;
};

struct LoadSettings {
  int in_flight = 32;
  int channels = 2;
  absl::Duration warmup = absl::Seconds(2);
  absl::Duration duration = absl::Seconds(10);
  // Stop once this many calls have been started (0: no limit). With a limit, the run ends
  // when the calls are done or the warm-up plus duration has passed, whichever is first.
  uint64_t max_calls = 0;
  absl::Duration call_deadline = absl::Seconds(10);
  // A process whose CPU time over the measured window is reported (the server); 0: none.
  int server_pid = 0;
};

// Runs `factory` over `channels` (slot i uses channel i % size) with `settings`. Blocks
// until every call it started has finished.
LoadResult RunLoad(CallFactory& factory,
                   const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                   const LoadSettings& settings);

}  // namespace warden::bench
