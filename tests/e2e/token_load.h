#pragma once

#include <grpcpp/support/status.h>

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace warden::testing {

// One answered call of a TokenLoad.
struct LoadCall {
  enum class Kind { kGenerate, kRevoke };
  Kind kind = Kind::kGenerate;
  grpc::StatusCode code = grpc::StatusCode::OK;
  std::string message;  // the status message (empty on OK)
  std::string id;       // kGenerate: the minted id (on OK); kRevoke: the id asked to revoke
  std::string token;    // kGenerate on OK: the token string
};

// A steady load of GenerateToken and RevokeToken calls, as clients under fault would make
// them: `threads` threads on their own channel to `address`, each minting tokens as the
// caller `authorization` and revoking every other one it minted, every call with a short
// `deadline`. After a failed call a thread waits a little (a client's retry backoff) so that
// a dead server is not spun on. Every answered call is recorded in the order answered.
//
// Thread-safe; the load runs until Stop() (or destruction).
class TokenLoad final {
 public:
  TokenLoad(const std::string& address, std::string authorization, int threads = 8,
            absl::Duration deadline = absl::Seconds(2));
  ~TokenLoad();  // Stop()

  TokenLoad(const TokenLoad&) = delete;
  TokenLoad& operator=(const TokenLoad&) = delete;

  // How many calls have been answered so far: an index for WaitFor's `since`.
  size_t Answered() const;
  // Blocks until at least `count` calls answered at index `since` or later satisfy `match`.
  // False after `timeout`.
  bool WaitFor(size_t since, const std::function<bool(const LoadCall&)>& match, int count,
               absl::Duration timeout) const;
  // Stops the threads (each finishes the call it is in) and returns every answered call.
  std::vector<LoadCall> Stop();

 private:
  void Run(int thread);
  void Record(LoadCall call);

  const std::string address_;
  const std::string authorization_;
  const absl::Duration deadline_;
  mutable absl::Mutex mu_;
  std::vector<LoadCall> calls_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

// True for OK calls of `kind`.
std::function<bool(const LoadCall&)> Succeeded(LoadCall::Kind kind);
// True for failed calls.
bool Failed(const LoadCall& call);

}  // namespace warden::testing
