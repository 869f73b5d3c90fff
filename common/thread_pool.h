#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace warden {

// A fixed set of threads running submitted tasks from one FIFO queue of bounded length.
// Used by the expiration notifier (its sinks run here while its thread fetches the next
// page) and by M2M work that may block on the network (issuer key fetches), which must stay
// off gRPC's and storage's threads.
//
// The bound is back-pressure: Submit blocks while `max_queued` tasks are waiting (so a fast
// database cannot pile up pages in front of a slow sink); TrySubmit refuses instead, for
// callers that must never block. Thread-safe. Tasks must not call Submit, WaitIdle or Shutdown on
// their own pool.
class ThreadPool final {
 public:
  // REQUIRES: threads >= 1, max_queued >= 1. Starts the threads.
  ThreadPool(int threads, size_t max_queued);
  // Calls Shutdown().
  ~ThreadPool();

  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Queues `task`, first waiting while the queue is full. Returns false, dropping the task,
  // once Shutdown() has begun.
  bool Submit(std::function<void()> task);

  // Queues `task` without ever waiting, for callers that must not block (gRPC reactors):
  // OK; RESOURCE_EXHAUSTED (task dropped) while `max_queued` tasks are waiting; UNAVAILABLE
  // (task dropped) once Shutdown() has begun. The messages are for the caller's client.
  absl::Status TrySubmit(std::function<void()> task);

  // Blocks until no task is queued or running.
  void WaitIdle();

  // Stops accepting tasks, runs those already queued, joins the threads. Idempotent.
  void Shutdown();

 private:
  void Loop();

  const size_t max_queued_;
  absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  int running_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
  absl::Mutex join_mu_;  // serializes Shutdown() callers
};

}  // namespace warden
