#pragma once

#include <functional>
#include <memory>

#include "absl/time/time.h"

namespace warden {

// What the application knows of the call it is serving, whatever the transport (gRPC, and
// HTTP next): until when the caller waits, and whether it has gone away. Work queued on a
// call's behalf (the storage executor) is dropped once nobody waits for its answer.
struct CallScope {
  // When the caller stops waiting; compared with the injected Clock of whoever checks it.
  absl::Time deadline = absl::InfiniteFuture();
  // True once the caller has cancelled the call or gone away. Empty: never. Called from
  // any thread, as long as work queued under this scope may still be dequeued; the
  // transport keeps whatever it refers to alive that long (see server/rpc/reactor.h).
  std::function<bool()> cancelled;

  bool Cancelled() const { return cancelled && cancelled(); }
};

// The scope of the call this thread is serving, set by a ScopedCall up the stack; null on
// threads serving no call (start-up, background jobs, the pools' threads).
std::shared_ptr<const CallScope> CurrentCall();

// Makes `scope` this thread's current call for its own lifetime, then restores the one
// before. A transport wraps each hand-over to application code in one, so that the code's
// queued work carries the call without any signature naming it. Not movable: it lives on
// one thread's stack.
class ScopedCall final {
 public:
  explicit ScopedCall(std::shared_ptr<const CallScope> scope);
  ~ScopedCall();

  ScopedCall(const ScopedCall&) = delete;
  ScopedCall& operator=(const ScopedCall&) = delete;

 private:
  std::shared_ptr<const CallScope> previous_;
};

}  // namespace warden
