#pragma once

#include <deque>
#include <functional>
#include <map>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace warden::testing {

// What the in-memory fakes of storage's interfaces share: they keep the interfaces' callback
// contract (every `done` called exactly once), fail on demand, and can hold their answers
// back on a queue the test runs, to see what a caller does before storage has answered.
// Thread-safe.
class FakeReplies {
 public:
  // The next `times` calls of `method` ("" : of any method) answer `status` and change
  // nothing. Failures queued for one method come before those for any.
  void FailNext(absl::Status status, const std::string& method = "", int times = 1) {
    absl::MutexLock lock(&mu_);
    for (int i = 0; i < times; ++i) failures_[method].push_back(status);
  }

  // While held, answers queue up instead of being given inline on the caller's thread.
  void HoldReplies(bool hold) {
    absl::MutexLock lock(&mu_);
    hold_ = hold;
  }
  // Gives the queued answers in order, with no lock held, including those queued meanwhile,
  // until none is left. Returns how many it gave.
  int RunPending() {
    int ran = 0;
    for (;;) {
      std::function<void()> next;
      {
        absl::MutexLock lock(&mu_);
        if (pending_.empty()) return ran;
        next = std::move(pending_.front());
        pending_.pop_front();
      }
      next();
      ++ran;
    }
  }
  size_t pending() const {
    absl::MutexLock lock(&mu_);
    return pending_.size();
  }

  // How many calls `method` ("": every method) has had, failed ones included.
  int calls(const std::string& method = "") const {
    absl::MutexLock lock(&mu_);
    if (method.empty()) {
      int total = 0;
      for (const auto& [name, n] : calls_) total += n;
      return total;
    }
    auto it = calls_.find(method);
    return it == calls_.end() ? 0 : it->second;
  }

 protected:
  // Answers one call of `method`: with the failure queued for it if there is one, else with
  // what `compute` returns (absl::Status or absl::StatusOr<T>). `compute` runs with mu_
  // held, so it may use the fake's state; `done` runs with no lock held, inline or later
  // (HoldReplies).
  template <typename Result, typename Compute>
  void Answer(const std::string& method, std::function<void(Result)> done, Compute compute) {
    std::function<void()> reply;
    bool hold;
    {
      absl::MutexLock lock(&mu_);
      ++calls_[method];
      absl::Status failure = TakeFailure(method);
      Result result = failure.ok() ? Result(compute()) : Result(failure);
      reply = [done = std::move(done), result = std::move(result)]() mutable {
        done(std::move(result));
      };
      hold = hold_;
      if (hold) pending_.push_back(std::move(reply));
    }
    if (!hold) reply();
  }

  // Guards this class's state and that of the fake built on it.
  mutable absl::Mutex mu_;

 private:
  absl::Status TakeFailure(const std::string& method) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    for (const std::string& key : {method, std::string()}) {
      auto it = failures_.find(key);
      if (it == failures_.end() || it->second.empty()) continue;
      absl::Status failure = std::move(it->second.front());
      it->second.pop_front();
      return failure;
    }
    return absl::OkStatus();
  }

  std::map<std::string, std::deque<absl::Status>> failures_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int> calls_ ABSL_GUARDED_BY(mu_);
  bool hold_ ABSL_GUARDED_BY(mu_) = false;
  std::deque<std::function<void()>> pending_ ABSL_GUARDED_BY(mu_);
};

}  // namespace warden::testing
